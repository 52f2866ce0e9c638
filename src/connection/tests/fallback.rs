//! Fallback order, at once between transports that never came up, and a transport
//! that was up is retried first.

use super::support::*;
use super::world::{Behaviour, World};
use crate::connection::{Command, Engine, EngineConfig, Event, LinkState, Timer, TransportKind};

use TransportKind::{LongPoll, Poll, Sse, WebSocket};

#[test]
fn transports_that_never_come_up_fall_back_in_order_at_once_then_back_off_to_the_best() {
    let (mut s, mut id) = Script::new(EngineConfig::default());
    for next in [Sse, LongPoll, Poll] {
        let out = s.fail(id);
        let (new_id, transport, _) = opened(&out).expect("falls back at once");
        assert_eq!(transport, next);
        assert!(timer(&out, Timer::Retry).is_none(), "no backoff inside the first pass");
        assert!(out.contains(&Command::Close(id)));
        assert_eq!(s.engine.status().state, LinkState::Connecting, "still connecting, not an outage yet");
        id = new_id;
    }
    let out = s.fail(id);
    assert!(opened(&out).is_none());
    let delay = timer(&out, Timer::Retry).expect("backs off after a full pass");
    assert!((500.0..=1_500.0).contains(&delay), "{delay}");
    assert_eq!(s.engine.status().state, LinkState::Reconnecting);
    let out = s.fire(Timer::Retry, delay);
    assert_eq!(opened(&out).map(|o| o.1), Some(WebSocket), "a new pass starts from the best transport");
}

#[test]
fn the_order_is_configurable() {
    let config = EngineConfig { order: vec![Sse, Poll], ..EngineConfig::default() };
    let mut engine = Engine::new(config);
    let out = engine.handle(Event::Start { remembered: None }, 0.0, 0.5);
    let (id, transport, _) = opened(&out).expect("open");
    assert_eq!(transport, Sse);
    let out = engine.handle(Event::Failed { attempt: id, reason: "x".into(), retry_after_ms: None }, 1.0, 0.5);
    assert_eq!(opened(&out).map(|o| o.1), Some(Poll));
}

#[test]
fn a_transport_that_was_up_is_retried_first_then_falls_back() {
    let config = EngineConfig { order: vec![Sse, LongPoll, Poll], ..EngineConfig::default() };
    let (mut s, mut id) = Script::new(config);
    s.bring_up(id, "e", 1);
    for failure in 1..=3u32 {
        let out = s.fail(id);
        assert!(opened(&out).is_none(), "failure {failure}: not at once");
        let delay = timer(&out, Timer::Retry).expect("retries after a delay");
        assert!((500.0..=1_500.0).contains(&delay), "failure {failure}: {delay}");
        let out = s.fire(Timer::Retry, delay);
        let (new_id, transport, _) = opened(&out).expect("reopens");
        assert_eq!(transport, Sse, "the transport that was up is retried first");
        id = new_id;
    }
    let out = s.fail(id);
    assert_eq!(opened(&out).map(|o| o.1), Some(LongPoll), "after repeated failures it falls back");
}

#[test]
fn a_forced_transport_never_falls_back() {
    for forced in TransportKind::ALL {
        let config = EngineConfig { forced: Some(forced), ..EngineConfig::default() };
        let (mut s, mut id) = Script::new(config);
        for _ in 0..6 {
            let (next, transport) = s.fail_and_retry(id);
            assert_eq!(transport, forced);
            id = next;
        }
        s.bring_up(id, "e", 1);
        assert!(timer(&s.fire(Timer::Probe, 120_000.0), Timer::ProbeDeadline).is_none(), "no probe when forced");
    }
}

#[test]
fn the_remembered_transport_starts_first_unless_forced_or_unknown() {
    let cases = [
        (EngineConfig::default(), Some(Sse), Sse),
        (EngineConfig::default(), Some(Poll), Poll),
        (EngineConfig::default(), None, WebSocket),
        (EngineConfig { forced: Some(LongPoll), ..EngineConfig::default() }, Some(Sse), LongPoll),
        (EngineConfig { order: vec![WebSocket, Sse], ..EngineConfig::default() }, Some(Poll), WebSocket),
    ];
    for (config, remembered, first) in cases {
        let mut engine = Engine::new(config);
        let out = engine.handle(Event::Start { remembered }, 0.0, 0.5);
        assert_eq!(opened(&out).map(|o| o.1), Some(first), "{remembered:?}");
    }
}

#[test]
fn a_remembered_fallback_that_fails_goes_on_down_the_order_then_back_to_the_best() {
    let mut world = World::new(EngineConfig::default()).with(LongPoll, Behaviour::Refused);
    world.start(Some(LongPoll));
    world.run_until(10_000.0);
    let tried: Vec<TransportKind> = world.opens.iter().map(|o| o.1).collect();
    assert_eq!(&tried[..2], &[LongPoll, Poll]);
    assert_eq!(world.state(), (LinkState::Live, Some(Poll)));
}
