//! A transport is up only when data arrives: hello, then a frame or a heartbeat.

use super::support::*;
use super::world::{Behaviour, World};
use crate::connection::{Command, ConnectDeadlines, Engine, EngineConfig, Event, LinkState, Timer, TransportKind};

use TransportKind::{LongPoll, Poll, Sse, WebSocket};

#[test]
fn up_needs_hello_and_then_data() {
    // (messages, in separate deliveries) → live?
    let cases: Vec<(&str, Vec<Vec<_>>, bool)> = vec![
        ("nothing", vec![], false),
        ("hello alone", vec![vec![hello("e", 4)]], false),
        ("heartbeat before any hello", vec![vec![heartbeat(4)]], false),
        ("frame before any hello", vec![vec![frame(5)]], false),
        ("hello then heartbeat", vec![vec![hello("e", 4)], vec![heartbeat(4)]], true),
        ("hello then frame", vec![vec![hello("e", 4)], vec![frame(5)]], true),
        ("hello and frame in one poll answer", vec![vec![hello("e", 4), frame(5)]], true),
        ("heartbeat, then hello", vec![vec![heartbeat(4)], vec![hello("e", 4)]], false),
    ];
    for (name, deliveries, live) in cases {
        let (mut s, id) = Script::new(EngineConfig::default());
        for messages in deliveries {
            s.messages(id, messages);
        }
        assert_eq!(s.engine.status().state == LinkState::Live, live, "{name}");
    }
}

#[test]
fn going_up_cancels_the_connect_deadline_and_arms_the_dead_link_timer() {
    let (mut s, id) = Script::new(EngineConfig::default());
    let out = s.bring_up(id, "e", 1);
    assert!(out.contains(&Command::CancelTimer(Timer::Connect)));
    assert_eq!(timer(&out, Timer::Dead), Some(10_000.0));
    assert_eq!(s.engine.status().transport, Some(WebSocket));
}

#[test]
fn each_transport_has_its_own_configurable_connect_deadline() {
    let default = EngineConfig::default();
    let custom = EngineConfig {
        deadlines: ConnectDeadlines {
            websocket_ms: 2_500.0,
            websocket_after_open_ms: 800.0,
            sse_ms: 2_000.0,
            long_poll_ms: 3_000.0,
            poll_ms: 3_500.0,
        },
        ..EngineConfig::default()
    };
    let cases = [
        (&default, WebSocket, 1_500.0),
        (&default, Sse, 2_500.0),
        (&default, LongPoll, 4_000.0),
        (&default, Poll, 4_000.0),
        (&custom, WebSocket, 2_500.0),
        (&custom, Sse, 2_000.0),
        (&custom, LongPoll, 3_000.0),
        (&custom, Poll, 3_500.0),
    ];
    for (config, transport, ms) in cases {
        let config = EngineConfig { forced: Some(transport), ..config.clone() };
        let mut engine = Engine::new(config);
        let out = engine.handle(Event::Start { remembered: None }, 0.0, 0.5);
        assert_eq!(timer(&out, Timer::Connect), Some(ms), "{transport}");
    }
}

#[test]
fn a_websocket_that_opens_and_carries_nothing_counts_as_failed() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    let out = s.fire(Timer::Connect, 1_500.0);
    assert!(out.contains(&Command::Close(ws)));
    assert_eq!(opened(&out).map(|o| o.1), Some(Sse));
    assert!(logs(&out).iter().any(|l| l.contains("no data within 1.5 s")), "{out:?}");
}

#[test]
fn a_websocket_that_opened_must_deliver_within_one_second_of_opening() {
    // (ms until onopen, then ms until the connect timer fires) → fails?
    let cases = [(100.0, 1_000.0, true), (100.0, 900.0, false), (1_000.0, 500.0, true), (300.0, 1_200.0, true)];
    for (open_after, fire_after, fails) in cases {
        let (mut s, ws) = Script::new(EngineConfig::default());
        s.now += open_after;
        let out = s.send(Event::Opened { attempt: ws });
        let armed = timer(&out, Timer::Connect).expect("a shorter deadline");
        assert_eq!(armed, 1_000.0_f64.min(1_500.0 - open_after), "opened after {open_after}");
        let out = s.fire(Timer::Connect, fire_after);
        assert_eq!(out.contains(&Command::Close(ws)), fails, "opened after {open_after}, fired {fire_after} later");
    }
}

#[test]
fn opened_means_nothing_to_other_transports_or_to_a_live_link() {
    let config = EngineConfig { forced: Some(Sse), ..EngineConfig::default() };
    let (mut s, sse) = Script::new(config);
    assert!(s.send(Event::Opened { attempt: sse }).is_empty());
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    assert!(s.send(Event::Opened { attempt: ws }).is_empty());
    assert!(s.send(Event::Opened { attempt: 99 }).is_empty());
}

#[test]
fn a_connect_timer_that_fires_early_is_re_armed_not_obeyed() {
    let (mut s, _) = Script::new(EngineConfig::default());
    let out = s.fire(Timer::Connect, 500.0);
    assert!(opened(&out).is_none());
    assert_eq!(timer(&out, Timer::Connect), Some(1_000.0));
}

#[test]
fn blocked_or_silent_websocket_gives_first_data_over_sse_within_3_s() {
    for behaviour in [Behaviour::Refused, Behaviour::Silent] {
        let mut world = World::new(EngineConfig::default()).with(WebSocket, behaviour);
        world.start(None);
        world.run_until(10_000.0);
        let live = world.live_at(0.0).expect("goes live");
        // Boot time aside: refused at once, or given up 1 s after opening; then SSE's
        // hello and its first frame (within one 1 s sampling interval).
        assert!(live <= 2_200.0, "{behaviour:?}: live after {live} ms\n{:#?}", world.log);
        assert_eq!(world.state(), (LinkState::Live, Some(Sse)));
    }
}

#[test]
fn only_long_poll_works_and_it_is_live_within_the_deadlines_sum() {
    let mut world = World::new(EngineConfig::default()).with(WebSocket, Behaviour::Silent).with(Sse, Behaviour::Silent);
    world.start(None);
    world.run_until(20_000.0);
    let live = world.live_at(0.0).expect("goes live");
    assert!(live <= 1_500.0 + 2_500.0 + 1_100.0, "live after {live} ms");
    assert_eq!(world.state(), (LinkState::Live, Some(LongPoll)));
    world.assert_no_duplicates_or_silent_holes();
}
