//! The `hello` a test's own agent link opens with: an agent of protocol 1 at 1 Hz,
//! in `epoch`, with nothing sampled yet and an empty catalogue.

use pulse_protocol::{Catalog, Epoch, Hello, ServerMessage};

/// An agent's first message in `epoch`.
pub fn hello(epoch: &str) -> ServerMessage {
    ServerMessage::Hello(Hello {
        protocol: 1,
        epoch: Epoch(epoch.into()),
        seq: 0,
        catalog: Catalog::default(),
        heartbeat_ms: 5000,
        interval_ms: 1000,
        history_ms: 600_000,
        server_time: 0,
        host: None,
        subscribe: 0,
    })
}
