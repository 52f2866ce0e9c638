//! The live alerts message: handed on as it came, never data, never a cursor move.

use pulse_protocol::alerts::LiveAlerts;
use pulse_protocol::ServerMessage;

use super::support::*;
use crate::connection::{Command, EngineConfig, LinkState};

fn alerts(rev: u64) -> ServerMessage {
    ServerMessage::Alerts(LiveAlerts { rev, alerts: Vec::new() })
}

fn handed_on(out: &[Command]) -> Vec<u64> {
    out.iter()
        .filter_map(|c| match c {
            Command::Alerts(live) => Some(live.rev),
            _ => None,
        })
        .collect()
}

#[test]
fn alerts_are_handed_on_without_making_a_link_live_or_moving_the_cursor() {
    let (mut s, id) = Script::new(EngineConfig::default());
    let out = s.messages(id, vec![hello("e", 4), alerts(7)]);
    assert_eq!(handed_on(&out), [7]);
    assert_ne!(s.engine.status().state, LinkState::Live, "alerts are not data");
    let out = s.messages(id, vec![frame(5), alerts(8), frame(6)]);
    assert_eq!((handed_on(&out), delivered(&out), gaps(&out)), (vec![8], vec![5, 6], 0));
    assert_eq!(s.engine.status().state, LinkState::Live);
    let out = s.messages(id, vec![alerts(9), frame(7)]);
    assert_eq!((delivered(&out), gaps(&out)), (vec![7], 0), "the cursor stood still across it");
}
