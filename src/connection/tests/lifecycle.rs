//! Offline, online, visible again, bfcache restore and "retry now".

use super::support::*;
use super::world::World;
use crate::connection::{Command, Engine, EngineConfig, Event, LinkState, Timer};

#[test]
fn offline_pauses_everything_and_online_reconnects_at_once() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    let out = s.send(Event::Offline);
    assert!(out.contains(&Command::Close(ws)));
    assert!(out.contains(&Command::CancelTimer(Timer::Retry)));
    assert_eq!(s.engine.status().state, LinkState::Offline);
    for event in [Event::Timer(Timer::Retry), Event::Visible, Event::PageShow, Event::RetryNow, Event::Offline] {
        assert!(opened(&s.send(event.clone())).is_none(), "{event:?} while offline");
    }
    let out = s.send(Event::Online);
    assert_eq!(
        opened(&out).map(|o| (o.1, o.2)),
        Some((crate::connection::TransportKind::WebSocket, Some(cursor("e", 1))))
    );
    assert_eq!(s.engine.status().state, LinkState::Connecting);
}

#[test]
fn a_page_that_starts_offline_waits_for_the_network() {
    let mut engine = Engine::new(EngineConfig::default());
    engine.handle(Event::Offline, 0.0, 0.5);
    let out = engine.handle(Event::Start { remembered: None }, 0.0, 0.5);
    assert!(opened(&out).is_none());
    assert_eq!(engine.status().state, LinkState::Offline);
    assert!(opened(&engine.handle(Event::Online, 10.0, 0.5)).is_some());
}

#[test]
fn online_during_a_long_backoff_reconnects_now() {
    let (mut s, mut id) =
        Script::new(EngineConfig { order: vec![crate::connection::TransportKind::Sse], ..EngineConfig::default() });
    s.bring_up(id, "e", 1);
    for _ in 0..6 {
        id = s.fail_and_retry(id).0;
    }
    let out = s.fail(id);
    assert!(timer(&out, Timer::Retry).is_some_and(|d| d > 0.0));
    let out = s.send(Event::Online);
    assert!(opened(&out).is_some(), "the network changed: no need to wait");
    assert!(s.send(Event::Online).is_empty(), "online while connecting does nothing");
}

#[test]
fn a_tab_visible_again_checks_its_link_by_the_clock() {
    // (ms since the last data when the tab becomes visible) → reconnects?
    for (quiet_ms, reconnects) in [(3_000.0, false), (9_999.0, false), (10_001.0, true), (600_000.0, true)] {
        let (mut s, ws) = Script::new(EngineConfig::default());
        s.bring_up(ws, "e", 1);
        s.now += quiet_ms;
        let out = s.send(Event::Visible);
        assert_eq!(out.contains(&Command::Close(ws)) && opened(&out).is_some(), reconnects, "{quiet_ms}");
    }
}

#[test]
fn a_tab_visible_again_runs_an_overdue_retry_or_connect_deadline_now() {
    let (mut s, ws) = Script::new(EngineConfig {
        order: vec![crate::connection::TransportKind::WebSocket],
        ..EngineConfig::default()
    });
    s.bring_up(ws, "e", 1);
    let out = s.fail(ws);
    let delay = timer(&out, Timer::Retry).expect("retry");
    s.now += delay / 2.0;
    assert!(opened(&s.send(Event::Visible)).is_none(), "not due yet");
    s.now += delay;
    let out = s.send(Event::Visible);
    let id = opened(&out).expect("overdue retry runs now").0;
    s.now += 60_000.0;
    let out = s.send(Event::Visible);
    assert!(out.contains(&Command::Close(id)), "overdue connect deadline: {out:?}");
}

#[test]
fn bfcache_restore_reconnects_at_once_on_the_transport_that_was_up() {
    let (mut s, _) = Script::new(EngineConfig::default());
    let sse = opened(&s.fire(Timer::Connect, 1_500.0)).expect("sse").0;
    s.bring_up(sse, "e", 1);
    let out = s.send(Event::PageShow);
    assert!(out.contains(&Command::Close(sse)));
    assert_eq!(opened(&out).map(|o| o.1), Some(crate::connection::TransportKind::Sse));
}

#[test]
fn retry_now_skips_the_wait_but_leaves_a_live_link_alone() {
    let (mut s, ws) = Script::new(EngineConfig {
        order: vec![crate::connection::TransportKind::WebSocket],
        ..EngineConfig::default()
    });
    s.bring_up(ws, "e", 1);
    assert!(s.send(Event::RetryNow).is_empty());
    s.fail(ws);
    let out = s.send(Event::RetryNow);
    assert!(out.contains(&Command::CancelTimer(Timer::Retry)));
    assert!(opened(&out).is_some());
}

#[test]
fn a_long_offline_spell_ends_live_with_one_gap_at_most() {
    let mut world = World::new(EngineConfig::default());
    world.start(None);
    world.run_until(5_000.0);
    world.send(Event::Offline);
    world.run_until(65_000.0);
    assert_eq!(world.state().0, LinkState::Offline);
    assert_eq!(world.opens.len(), 1, "no attempts while offline");
    world.send(Event::Online);
    world.run_until(67_000.0);
    assert_eq!(world.state().0, LinkState::Live);
    world.assert_no_duplicates_or_silent_holes();
}
