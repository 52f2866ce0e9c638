//! The live alerts and hub status messages: handed on as they came, never data,
//! never a cursor move.

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

fn hub_status(rev: u64, down_since: Option<i64>) -> ServerMessage {
    ServerMessage::Hub(pulse_protocol::HubStatus { rev, redis_down_since: down_since })
}

#[test]
fn the_hub_status_is_handed_on_like_alerts_never_data_never_a_cursor_move() {
    let (mut s, id) = Script::new(EngineConfig::default());
    let out = s.messages(id, vec![hello("e", 4), hub_status(3, Some(1_000))]);
    let told = |out: &[Command]| {
        out.iter()
            .filter_map(|c| match c {
                Command::Hub(status) => Some(status.redis_down_since),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(told(&out), [Some(1_000)]);
    assert_ne!(s.engine.status().state, LinkState::Live, "a hub status is not data");
    let out = s.messages(id, vec![frame(5), hub_status(4, None), frame(6)]);
    assert_eq!((told(&out), delivered(&out), gaps(&out)), (vec![None], vec![5, 6], 0));
}
