//! A live link silent for two heartbeats is dead; a frozen server or a black hole
//! is noticed within 12 s.

use super::support::*;
use super::world::World;
use crate::connection::{Command, EngineConfig, LinkState, Timer, TransportKind};

#[test]
fn the_dead_link_deadline_is_two_heartbeats_from_hello() {
    // heartbeat_ms in hello → dead after
    for (heartbeat_ms, dead_ms) in [(5_000, 10_000.0), (2_000, 4_000.0), (6_000, 12_000.0), (1, 500.0)] {
        let (mut s, id) = Script::new(EngineConfig::default());
        let out = s.messages(id, vec![hello_with("e", 0, heartbeat_ms), frame(1)]);
        assert_eq!(timer(&out, Timer::Dead), Some(dead_ms), "heartbeat {heartbeat_ms}");
    }
}

#[test]
fn every_message_re_arms_the_dead_link_timer() {
    let (mut s, id) = Script::new(EngineConfig::default());
    s.bring_up(id, "e", 1);
    for message in [frame(2), heartbeat(2)] {
        s.now += 4_000.0;
        let out = s.messages(id, vec![message]);
        assert_eq!(timer(&out, Timer::Dead), Some(10_000.0));
        assert_eq!(s.engine.status().last_data_at, Some(s.now));
    }
}

#[test]
fn a_silent_link_is_closed_and_retried() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    let out = s.fire(Timer::Dead, 10_000.0);
    assert!(out.contains(&Command::Close(ws)));
    assert!(timer(&out, Timer::Retry).is_some());
    assert_eq!(s.engine.status().state, LinkState::Reconnecting);
    assert!(s.engine.status().last_error.as_deref().is_some_and(|e| e.contains("silent for 10.0 s")));
}

#[test]
fn a_dead_timer_that_was_not_re_armed_in_time_is_checked_against_the_clock() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    s.now += 7_000.0;
    s.messages(ws, vec![heartbeat(1)]);
    let out = s.fire(Timer::Dead, 3_000.0);
    assert!(!out.contains(&Command::Close(ws)), "only 3 s of silence");
    assert_eq!(timer(&out, Timer::Dead), Some(7_000.0));
}

#[test]
fn a_frozen_server_is_noticed_within_12_s_on_every_transport() {
    for transport in TransportKind::ALL {
        let mut world = World::new(EngineConfig { forced: Some(transport), ..EngineConfig::default() });
        world.start(None);
        world.run_until(10_000.0);
        assert_eq!(world.state().0, LinkState::Live, "{transport}");
        let frozen_at = world.now;
        world.freeze();
        world.run_until(40_000.0);
        let noticed = world.states.iter().find(|s| s.0 > frozen_at && s.1 != LinkState::Live).expect("noticed");
        assert!(noticed.0 - frozen_at <= 12_000.0, "{transport}: {} ms", noticed.0 - frozen_at);
        world.thaw();
        world.run_until(80_000.0);
        assert_eq!(world.state().0, LinkState::Live, "{transport}: back after the thaw\n{:#?}", world.log);
    }
}
