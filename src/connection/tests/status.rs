//! What the badge reads: state, transport, attempt, next retry, last data, last error.

use super::support::*;
use crate::connection::{ConnectionStatus, EngineConfig, LinkState, TransportKind};

#[test]
fn the_status_follows_an_outage_step_by_step() {
    let config = EngineConfig { order: vec![TransportKind::WebSocket], ..EngineConfig::default() };
    let (mut s, ws) = Script::new(config);
    assert_eq!(
        s.engine.status(),
        &ConnectionStatus { transport: Some(TransportKind::WebSocket), ..ConnectionStatus::default() }
    );
    s.bring_up(ws, "e", 1);
    let live = ConnectionStatus {
        state: LinkState::Live,
        transport: Some(TransportKind::WebSocket),
        attempt: 0,
        next_retry_at: None,
        last_data_at: Some(1_000.0),
        last_error: None,
    };
    assert_eq!(s.engine.status(), &live);
    s.now = 2_000.0;
    s.fail(ws);
    let status = s.engine.status().clone();
    assert_eq!((status.state, status.attempt), (LinkState::Reconnecting, 1));
    assert_eq!(status.next_retry_at, Some(2_000.0 + 1_000.0), "random 0.5 → exactly the floor");
    assert_eq!(status.last_error.as_deref(), Some("closed (1006)"));
    assert_eq!(status.last_data_at, Some(1_000.0), "kept, so the badge can say how long ago");
}

#[test]
fn state_names_are_stable() {
    let names: Vec<&str> =
        [LinkState::Connecting, LinkState::Live, LinkState::Reconnecting, LinkState::Offline, LinkState::Stopped]
            .iter()
            .map(|s| s.as_str())
            .collect();
    assert_eq!(names, ["connecting", "live", "reconnecting", "offline", "stopped"]);
    for t in TransportKind::ALL {
        assert_eq!(TransportKind::parse(t.as_str()), Some(t));
    }
    assert_eq!(TransportKind::parse("websocket"), None);
}
