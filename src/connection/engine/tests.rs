//! The engine's rules, one test each, driven by a scripted fake transport: the
//! test plays the browser (events in) and checks what the engine asks for.

use std::collections::BTreeMap;

use pulse_protocol::{Bye, Catalog, Cursor, Epoch, Frame, Gap, GapReason, Heartbeat, Hello, ServerMessage};

use super::*;
use crate::connection::{Command, EngineConfig, Event, LinkState, Timer, TransportKind};

use TransportKind::{LongPoll, Poll, Sse, WebSocket};

struct Script {
    engine: Engine,
    now: f64,
}

impl Script {
    fn new(config: EngineConfig) -> (Self, AttemptId) {
        let mut script = Script { engine: Engine::new(config), now: 1_000.0 };
        let out = script.send(Event::Start { remembered: None });
        let id = opened(&out).expect("opens at once").0;
        (script, id)
    }

    fn send(&mut self, event: Event) -> Vec<Command> {
        self.engine.handle(event, self.now, 0.5)
    }

    fn messages(&mut self, attempt: AttemptId, messages: Vec<ServerMessage>) -> Vec<Command> {
        self.send(Event::Messages { attempt, messages })
    }

    /// hello + first frame: the attempt is up.
    fn bring_up(&mut self, attempt: AttemptId, epoch: &str, seq: u64) -> Vec<Command> {
        self.messages(attempt, vec![hello(epoch, seq - 1), frame(seq)])
    }

    fn fail(&mut self, attempt: AttemptId) -> Vec<Command> {
        self.send(Event::Failed { attempt, reason: "closed".into(), retry_after_ms: None })
    }
}

fn hello(epoch: &str, seq: u64) -> ServerMessage {
    ServerMessage::Hello(Hello {
        protocol: 1,
        epoch: Epoch(epoch.into()),
        seq,
        catalog: Catalog::default(),
        heartbeat_ms: 5_000,
        interval_ms: 1_000,
        history_ms: 3_600_000,
        server_time: 0,
    })
}

fn frame(seq: u64) -> ServerMessage {
    ServerMessage::Frame(Frame { seq, ts: seq as i64 * 1000, host: "h".into(), values: BTreeMap::new(), top: vec![] })
}

fn opened(out: &[Command]) -> Option<(AttemptId, TransportKind, Option<Cursor>)> {
    out.iter().rev().find_map(|c| match c {
        Command::Open { attempt, transport, cursor } => Some((*attempt, *transport, cursor.clone())),
        _ => None,
    })
}

fn timer(out: &[Command], which: Timer) -> Option<f64> {
    out.iter().rev().find_map(|c| match c {
        Command::SetTimer(t, ms) if *t == which => Some(*ms),
        _ => None,
    })
}

fn delivered(out: &[Command]) -> Vec<u64> {
    out.iter()
        .flat_map(|c| match c {
            Command::Frames(frames) => frames.iter().map(|f| f.seq).collect(),
            _ => vec![],
        })
        .collect()
}

fn gaps(out: &[Command]) -> usize {
    out.iter().filter(|c| matches!(c, Command::Gap)).count()
}

#[test]
fn a_transport_is_up_only_when_data_arrives_not_on_hello() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    assert_eq!(s.engine.status().state, LinkState::Connecting);
    s.messages(ws, vec![hello("e", 4)]);
    assert_eq!(s.engine.status().state, LinkState::Connecting, "hello alone is not data");
    let out = s.messages(ws, vec![ServerMessage::Heartbeat(Heartbeat { seq: 4, ts: 0 })]);
    assert_eq!(s.engine.status().state, LinkState::Live);
    assert_eq!(s.engine.status().transport, Some(WebSocket));
    assert!(out.contains(&Command::CancelTimer(Timer::Connect)));
}

#[test]
fn connect_deadlines_per_transport() {
    let config = EngineConfig::default();
    let cases = [(WebSocket, 1_500.0), (Sse, 2_500.0), (LongPoll, 4_000.0), (Poll, 4_000.0)];
    for (transport, ms) in cases {
        assert_eq!(config.connect_deadline_ms(transport), ms, "{transport}");
    }
    let mut engine = Engine::new(config);
    let out = engine.handle(Event::Start { remembered: None }, 0.0, 0.5);
    assert_eq!(timer(&out, Timer::Connect), Some(1_500.0));
}

#[test]
fn transports_that_never_come_up_fall_back_in_order_at_once_then_back_off_to_the_best() {
    let (mut s, mut id) = Script::new(EngineConfig::default());
    for next in [Sse, LongPoll, Poll] {
        let out = s.send(Event::Timer(Timer::Connect));
        let (new_id, transport, _) = opened(&out).expect("falls back at once");
        assert_eq!(transport, next);
        assert!(timer(&out, Timer::Retry).is_none(), "no backoff inside the first pass");
        assert!(out.contains(&Command::Close(id)));
        id = new_id;
    }
    let out = s.fail(id);
    assert!(opened(&out).is_none());
    let delay = timer(&out, Timer::Retry).expect("backs off after a full pass");
    assert!((500.0..=1_500.0).contains(&delay), "{delay}");
    assert_eq!(s.engine.status().state, LinkState::Reconnecting);
    let out = s.send(Event::Timer(Timer::Retry));
    assert_eq!(opened(&out).map(|o| o.1), Some(WebSocket), "a new pass starts from the best transport");
}

#[test]
fn a_transport_that_was_up_is_retried_first_then_falls_back() {
    let config = EngineConfig { order: vec![Sse, LongPoll, Poll], ..EngineConfig::default() };
    let (mut s, id) = Script::new(config);
    s.bring_up(id, "e", 1);
    let mut id = id;
    for failure in 1..=3u32 {
        let out = s.fail(id);
        let delay = timer(&out, Timer::Retry).expect("retries after a delay");
        assert!((500.0..=1_500.0).contains(&delay), "failure {failure}: {delay}");
        assert_eq!(s.engine.status().attempt, failure);
        let out = s.send(Event::Timer(Timer::Retry));
        let (new_id, transport, _) = opened(&out).expect("reopens");
        assert_eq!(transport, Sse, "the transport that was up is retried first");
        id = new_id;
    }
    let out = s.fail(id);
    assert_eq!(opened(&out).map(|o| o.1), Some(LongPoll), "after repeated failures it falls back");
}

#[test]
fn events_from_old_attempts_are_ignored_and_one_failure_schedules_one_retry() {
    let (mut s, ws) = Script::new(EngineConfig { order: vec![WebSocket], ..EngineConfig::default() });
    s.bring_up(ws, "e", 1);
    let first = s.fail(ws);
    assert!(timer(&first, Timer::Retry).is_some());
    let again = s.fail(ws);
    assert!(again.is_empty(), "close after error of the same attempt does nothing: {again:?}");
    let out = s.send(Event::Timer(Timer::Retry));
    let (next, _, _) = opened(&out).expect("reopens");
    assert!(s.messages(ws, vec![frame(2)]).is_empty(), "messages of the old attempt are dropped");
    assert_ne!(next, ws);
}

#[test]
fn the_cursor_drops_duplicates_marks_holes_and_follows_server_gaps() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    let out = s.bring_up(ws, "e", 5);
    assert_eq!(delivered(&out), vec![5]);
    let out = s.messages(ws, vec![frame(5), frame(6), frame(6), frame(7)]);
    assert_eq!(delivered(&out), vec![6, 7]);
    assert_eq!(s.engine.counters().duplicates, 2);
    let out = s.messages(ws, vec![frame(10)]);
    assert_eq!((delivered(&out), gaps(&out)), (vec![10], 1), "a hole is a gap");
    let gap = ServerMessage::Gap(Gap { reason: GapReason::TooOld, next_seq: 20, missed: Some(9) });
    let out = s.messages(ws, vec![gap, frame(20)]);
    assert_eq!((delivered(&out), gaps(&out)), (vec![20], 1));
    assert_eq!(s.engine.cursor().map(|c| c.seq), Some(20));
}

#[test]
fn a_reconnect_resumes_from_the_cursor_on_any_transport() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 3);
    s.messages(ws, vec![frame(4)]);
    s.fail(ws);
    let out = s.send(Event::Timer(Timer::Retry));
    let cursor = opened(&out).and_then(|o| o.2).expect("a cursor");
    assert_eq!(cursor, Cursor { epoch: Epoch("e".into()), seq: 4 });
}

#[test]
fn a_new_epoch_is_one_gap_then_its_frames_from_the_start() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "old", 50);
    s.fail(ws);
    let out = s.send(Event::Timer(Timer::Retry));
    let id = opened(&out).expect("reopen").0;
    let gap = ServerMessage::Gap(Gap { reason: GapReason::EpochChanged, next_seq: 1, missed: None });
    let out = s.messages(id, vec![hello("new", 2), gap, frame(1), frame(2)]);
    assert_eq!(gaps(&out), 1, "one restart, one gap");
    assert_eq!(delivered(&out), vec![1, 2]);
    assert_eq!(s.engine.counters().gaps, 1);
    assert_eq!(s.engine.cursor().map(|c| c.epoch.0.as_str()), Some("new"));
}

#[test]
fn a_link_silent_for_two_heartbeats_is_dead() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    let out = s.bring_up(ws, "e", 1);
    assert_eq!(timer(&out, Timer::Dead), Some(10_000.0), "2 × the 5 s heartbeat");
    let out = s.send(Event::Timer(Timer::Dead));
    assert!(out.contains(&Command::Close(ws)));
    assert!(timer(&out, Timer::Retry).is_some());
    assert_eq!(s.engine.status().state, LinkState::Reconnecting);
}

#[test]
fn a_servers_goodbye_hint_sets_the_jittered_retry_delay() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    let bye = ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms: 1_000 });
    let out = s.messages(ws, vec![bye]);
    let delay = timer(&out, Timer::Retry).expect("retry");
    assert!((750.0..=1_250.0).contains(&delay), "{delay}");
    let out = s.send(Event::Timer(Timer::Retry));
    assert_eq!(opened(&out).map(|o| o.1), Some(WebSocket), "a restart does not cause a fallback");
}

#[test]
fn offline_pauses_and_online_reconnects_at_once() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    let out = s.send(Event::Offline);
    assert!(out.contains(&Command::Close(ws)));
    assert_eq!(s.engine.status().state, LinkState::Offline);
    assert!(opened(&s.send(Event::Timer(Timer::Retry))).is_none(), "no attempts while offline");
    let out = s.send(Event::Online);
    assert_eq!(opened(&out).map(|o| o.1), Some(WebSocket));
}

#[test]
fn a_visible_tab_with_a_quiet_link_reconnects_without_waiting_for_timers() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    s.now += 3_000.0;
    assert!(s.send(Event::Visible).is_empty(), "a link that spoke recently is left alone");
    s.now += 60_000.0;
    let out = s.send(Event::Visible);
    assert!(out.contains(&Command::Close(ws)));
    assert!(opened(&out).is_some());
}

#[test]
fn bfcache_restore_and_retry_now_reconnect_at_once() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    let out = s.send(Event::PageShow);
    assert!(out.contains(&Command::Close(ws)) && opened(&out).is_some());
    let id = opened(&out).expect("open").0;
    let out = s.fail(id);
    assert!(timer(&out, Timer::Retry).is_some());
    let out = s.send(Event::RetryNow);
    assert!(out.contains(&Command::CancelTimer(Timer::Retry)));
    assert!(opened(&out).is_some());
}

#[test]
fn on_a_fallback_it_remembers_the_transport_and_probes_websocket_to_switch_back() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    let out = s.send(Event::Timer(Timer::Connect));
    let sse = opened(&out).expect("sse").0;
    assert!(out.contains(&Command::Close(ws)));
    let out = s.bring_up(sse, "e", 1);
    assert!(out.contains(&Command::Remember(Some(Sse))));
    assert_eq!(timer(&out, Timer::Probe), Some(120_000.0));
    let out = s.send(Event::Timer(Timer::Probe));
    let (probe, transport, cursor) = opened(&out).expect("a probe");
    assert_eq!(transport, WebSocket);
    assert_eq!(cursor.map(|c| c.seq), Some(1));
    assert_eq!(s.engine.status().transport, Some(Sse), "the probe is quiet");
    s.messages(sse, vec![frame(2)]);
    let out = s.messages(probe, vec![hello("e", 2), frame(2), frame(3)]);
    assert_eq!(delivered(&out), vec![3], "no sample twice across the switch");
    assert!(out.contains(&Command::Close(sse)));
    assert!(out.contains(&Command::Remember(None)));
    assert_eq!(s.engine.status().transport, Some(WebSocket));
    assert!(s.messages(sse, vec![frame(4)]).is_empty(), "the old transport is gone");
}

#[test]
fn a_failed_probe_leaves_the_fallback_alone_and_tries_again_later() {
    let config = EngineConfig { order: vec![WebSocket, Sse], ..EngineConfig::default() };
    let (mut s, ws) = Script::new(config);
    let out = s.fail(ws);
    let sse = opened(&out).expect("sse").0;
    s.bring_up(sse, "e", 1);
    let out = s.send(Event::Timer(Timer::Probe));
    let probe = opened(&out).expect("probe").0;
    let out = s.fail(probe);
    assert!(out.contains(&Command::Close(probe)));
    assert!(timer(&out, Timer::Probe).is_some());
    assert_eq!(s.engine.status().state, LinkState::Live);
}

#[test]
fn a_forced_transport_never_falls_back_and_the_remembered_one_starts_first() {
    let config = EngineConfig { forced: Some(LongPoll), ..EngineConfig::default() };
    let (mut s, id) = Script::new(config);
    let out = s.fail(id);
    assert!(opened(&out).is_none());
    let out = s.send(Event::Timer(Timer::Retry));
    assert_eq!(opened(&out).map(|o| o.1), Some(LongPoll));

    let mut engine = Engine::new(EngineConfig::default());
    let out = engine.handle(Event::Start { remembered: Some(Sse) }, 0.0, 0.5);
    assert_eq!(opened(&out).map(|o| o.1), Some(Sse));
}

#[test]
fn a_healthy_link_forgets_its_failures() {
    let config = EngineConfig { order: vec![Sse, Poll], ..EngineConfig::default() };
    let (mut s, mut id) = Script::new(config);
    s.bring_up(id, "e", 1);
    for seq in 2..4 {
        s.fail(id);
        id = opened(&s.send(Event::Timer(Timer::Retry))).expect("reopen").0;
        s.messages(id, vec![hello("e", seq - 1), frame(seq)]);
    }
    s.send(Event::Timer(Timer::Healthy));
    s.fail(id);
    assert_eq!(s.engine.status().attempt, 1, "the count starts again");
}
