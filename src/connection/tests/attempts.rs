//! Every attempt has an id; events of other attempts are dropped.

use super::support::*;
use super::world::World;
use crate::connection::{Command, EngineConfig, Event, LinkState, Timer, TransportKind};

#[test]
fn error_then_close_of_one_attempt_schedules_one_retry() {
    let (mut s, ws) = Script::new(EngineConfig { order: vec![TransportKind::WebSocket], ..EngineConfig::default() });
    s.bring_up(ws, "e", 1);
    let first = s.send(Event::Failed { attempt: ws, reason: "WebSocket error".into(), retry_after_ms: None });
    assert_eq!(first.iter().filter(|c| matches!(c, Command::SetTimer(Timer::Retry, _))).count(), 1);
    let again = s.send(Event::Failed { attempt: ws, reason: "closed (1006)".into(), retry_after_ms: None });
    assert!(again.is_empty(), "the close after the error does nothing: {again:?}");
}

#[test]
fn every_event_of_an_old_attempt_is_dropped() {
    let (mut s, old) = Script::new(EngineConfig::default());
    s.bring_up(old, "e", 1);
    let (new, _) = s.fail_and_retry(old);
    assert_ne!(new, old);
    let stale = [
        Event::Messages { attempt: old, messages: vec![frame(2)] },
        Event::Messages { attempt: old, messages: vec![hello("e", 1), frame(2)] },
        Event::Failed { attempt: old, reason: "late close".into(), retry_after_ms: Some(5.0) },
        Event::Malformed { attempt: old, error: "bad".into() },
        Event::Messages { attempt: 999, messages: vec![frame(2)] },
    ];
    for event in stale {
        let out = s.send(event.clone());
        assert!(out.is_empty(), "{event:?} → {out:?}");
    }
    assert_eq!(s.engine.counters().frames, 1);
}

#[test]
fn ids_are_fresh_for_every_attempt_and_probe() {
    let (mut s, mut id) = Script::new(EngineConfig::default());
    let mut seen = vec![id];
    for _ in 0..5 {
        let (next, _) = s.fail_and_retry(id);
        assert!(!seen.contains(&next));
        seen.push(next);
        id = next;
    }
}

#[test]
fn timers_that_fire_when_they_no_longer_apply_do_nothing() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    for timer in [Timer::Connect, Timer::Retry, Timer::ProbeDeadline] {
        let out = s.send(Event::Timer(timer));
        assert!(out.is_empty(), "{timer:?} → {out:?}");
    }
    assert_eq!(s.engine.status().state, LinkState::Live);
}

#[test]
fn never_more_than_one_transport_plus_one_probe_even_through_restarts() {
    let mut world = World::new(EngineConfig { probe_every_ms: 3_000.0, ..EngineConfig::default() })
        .with(TransportKind::WebSocket, super::world::Behaviour::Silent);
    world.start(None);
    for round in 0..5 {
        world.run_until(f64::from(round) * 20_000.0 + 10_000.0);
        world.restart(1_500.0, round % 2 == 0);
        world.run_until(f64::from(round) * 20_000.0 + 20_000.0);
    }
    assert!(world.max_open <= 2, "{}", world.max_open);
    assert_eq!(world.state().0, LinkState::Live);
}
