//! The connection engine's pure core: events in, commands out, no `web_sys`.
//!
//! The state machine decides which transport to try, when to retry, which frames
//! are new and when the link is dead. It never touches the browser, so every rule
//! is unit-tested natively; `crate::transport` and `crate::hooks` carry out its
//! commands.

mod status;

pub use status::{ConnectionStatus, LinkState, TransportKind};
