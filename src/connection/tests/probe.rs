//! On a fallback: remember it, probe the best transport quietly, switch over when
//! the probe delivers; a restart never strands a page on a fallback.

use super::support::*;
use super::world::{Behaviour, World};
use crate::connection::{Command, EngineConfig, LinkState, Timer, TransportKind};

use TransportKind::{LongPoll, Poll, Sse, WebSocket};

/// An engine live over SSE after WebSocket never came up; returns the SSE attempt.
fn on_sse() -> (Script, u64) {
    let (mut s, _) = Script::new(EngineConfig::default());
    let out = s.fire(Timer::Connect, 1_500.0);
    let sse = opened(&out).expect("sse").0;
    s.now += 1_500.0;
    s.bring_up(sse, "e", 1);
    (s, sse)
}

#[test]
fn live_on_a_fallback_it_remembers_it_and_on_the_best_it_forgets() {
    let (mut s, sse) = on_sse();
    let out = s.messages(sse, vec![frame(2)]);
    assert!(!out.iter().any(|c| matches!(c, Command::Remember(_))), "once per going up");
    let (mut s2, ws) = Script::new(EngineConfig::default());
    let out = s2.bring_up(ws, "e", 1);
    assert!(out.contains(&Command::Remember(None)));
    assert!(timer(&out, Timer::Probe).is_none());
    let (_, _) = (s, sse);
    let (mut s3, _) = Script::new(EngineConfig::default());
    let out = s3.fire(Timer::Connect, 1_500.0);
    let id = opened(&out).expect("sse").0;
    let out = s3.bring_up(id, "e", 1);
    assert!(out.contains(&Command::Remember(Some(Sse))));
    assert_eq!(timer(&out, Timer::Probe), Some(120_000.0));
}

#[test]
fn the_probe_is_quiet_resumes_from_the_cursor_and_switches_without_loss_or_repeat() {
    let (mut s, sse) = on_sse();
    let out = s.fire(Timer::Probe, 120_000.0);
    let (probe, transport, resume) = opened(&out).expect("a probe");
    assert_eq!((transport, resume), (WebSocket, Some(cursor("e", 1))));
    assert_eq!(s.engine.status().transport, Some(Sse), "the badge does not change during a probe");
    s.messages(sse, vec![frame(2)]);
    let out = s.messages(probe, vec![hello("e", 2), frame(2), frame(3)]);
    assert_eq!(delivered(&out), vec![3], "no sample twice across the switch");
    assert!(out.contains(&Command::Close(sse)));
    assert!(out.contains(&Command::Remember(None)));
    assert_eq!(s.engine.status().transport, Some(WebSocket));
    assert!(s.messages(sse, vec![frame(4)]).is_empty(), "the old transport is gone");
    assert_eq!(delivered(&s.messages(probe, vec![frame(4)])), vec![4]);
}

#[test]
fn a_probe_that_fails_or_stays_silent_leaves_the_fallback_alone_and_tries_later() {
    for silent in [false, true] {
        let (mut s, sse) = on_sse();
        let out = s.fire(Timer::Probe, 120_000.0);
        let probe = opened(&out).expect("probe").0;
        assert_eq!(timer(&out, Timer::ProbeDeadline), Some(1_500.0));
        let out = if silent { s.fire(Timer::ProbeDeadline, 1_500.0) } else { s.fail(probe) };
        assert!(out.contains(&Command::Close(probe)));
        assert!(!out.contains(&Command::Close(sse)));
        assert_eq!(timer(&out, Timer::Probe), Some(120_000.0));
        assert_eq!(s.engine.status().state, LinkState::Live);
    }
}

#[test]
fn a_probe_interval_is_configurable_and_a_working_websocket_is_taken_back() {
    let config = EngineConfig { probe_every_ms: 4_000.0, ..EngineConfig::default() };
    let mut world = World::new(config).with(WebSocket, Behaviour::Silent);
    world.start(None);
    world.run_until(10_000.0);
    assert_eq!(world.state(), (LinkState::Live, Some(Sse)));
    assert_eq!(world.remembered, Some(Some(Sse)));
    world.behaviour.insert(WebSocket, Behaviour::Works);
    world.run_until(20_000.0);
    assert_eq!(world.state(), (LinkState::Live, Some(WebSocket)));
    assert_eq!(world.remembered, Some(None));
    assert_eq!(world.open_transports(), vec![WebSocket]);
    world.assert_no_duplicates_or_silent_holes();
    assert!(!world.delivered.contains(&-1), "no gap across the switch");
}

#[test]
fn a_restart_sends_a_page_on_a_fallback_back_to_the_best_transport_first() {
    let (mut s, sse) = on_sse();
    let out = s.messages(sse, vec![bye(1_000)]);
    let delay = timer(&out, Timer::Retry).expect("retry after the hint");
    let out = s.fire(Timer::Retry, delay);
    assert_eq!(opened(&out).map(|o| o.1), Some(WebSocket));
}

#[test]
fn a_new_epoch_seen_on_a_fallback_probes_the_best_transport_soon() {
    let (mut s, sse) = on_sse();
    s.now += 1_000.0;
    let out = s.messages(sse, vec![hello("e2", 0), frame(1)]);
    assert_eq!(timer(&out, Timer::Probe), Some(5_000.0));
}

#[test]
fn a_restart_caught_mid_fallback_does_not_strand_the_page_on_polling() {
    // WebSocket was up; the server dies; the engine's retries reach poll just as the
    // server comes back. It must be back on WebSocket within seconds, not minutes.
    let mut world = World::new(EngineConfig::default());
    world.start(None);
    world.run_until(5_000.0);
    world.restart(4_000.0, false);
    world.run_until(9_000.0);
    world.behaviour.insert(WebSocket, Behaviour::Refused);
    world.behaviour.insert(Sse, Behaviour::Refused);
    world.behaviour.insert(LongPoll, Behaviour::Refused);
    while world.state() != (LinkState::Live, Some(Poll)) {
        assert!(world.now < 30_000.0, "never reached poll: {:#?}", world.log);
        world.run_until(world.now + 10.0);
    }
    for t in [WebSocket, Sse, LongPoll] {
        world.behaviour.insert(t, Behaviour::Works);
    }
    let back_at = world.now;
    world.run_until(back_at + 5_000.0 + 1_500.0);
    assert_eq!(world.state(), (LinkState::Live, Some(WebSocket)), "{:#?}", world.log);
}
