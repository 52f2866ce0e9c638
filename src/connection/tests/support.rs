//! The scripted harness: events in one at a time, commands inspected.

use std::collections::BTreeMap;

use pulse_protocol::{Bye, Catalog, Cursor, Epoch, Frame, Gap, GapReason, Heartbeat, Hello, ServerMessage};

use crate::connection::{AttemptId, Command, Engine, EngineConfig, Event, Timer, TransportKind};

/// An engine, a clock, and a fixed jitter.
pub struct Script {
    pub engine: Engine,
    pub now: f64,
    pub random: f64,
}

impl Script {
    /// Starts an engine; returns the first attempt's id.
    pub fn new(config: EngineConfig) -> (Self, AttemptId) {
        let mut script = Script { engine: Engine::new(config), now: 1_000.0, random: 0.5 };
        let out = script.send(Event::Start { remembered: None });
        let id = opened(&out).expect("opens at once").0;
        (script, id)
    }

    /// Starts an engine that shows `host` from the start (as the hook does).
    pub fn showing(config: EngineConfig, host: &str) -> (Self, AttemptId) {
        let mut script = Script { engine: Engine::new(config), now: 1_000.0, random: 0.5 };
        script.send(Event::Subscribe { host: host.into() });
        let out = script.send(Event::Start { remembered: None });
        let id = opened(&out).expect("opens at once").0;
        (script, id)
    }

    pub fn send(&mut self, event: Event) -> Vec<Command> {
        self.engine.handle(event, self.now, self.random)
    }

    pub fn messages(&mut self, attempt: AttemptId, messages: Vec<ServerMessage>) -> Vec<Command> {
        self.send(Event::Messages { attempt, messages })
    }

    /// hello + first frame: the attempt is up.
    pub fn bring_up(&mut self, attempt: AttemptId, epoch: &str, seq: u64) -> Vec<Command> {
        self.messages(attempt, vec![hello(epoch, seq - 1), frame(seq)])
    }

    pub fn fail(&mut self, attempt: AttemptId) -> Vec<Command> {
        self.fail_with(attempt, None)
    }

    pub fn fail_with(&mut self, attempt: AttemptId, retry_after_ms: Option<f64>) -> Vec<Command> {
        self.send(Event::Failed { attempt, reason: "closed (1006)".into(), retry_after_ms })
    }

    /// Moves the clock and fires `timer`.
    pub fn fire(&mut self, timer: Timer, after_ms: f64) -> Vec<Command> {
        self.now += after_ms;
        self.send(Event::Timer(timer))
    }

    /// Fails `attempt`, waits out the retry, and returns the next attempt.
    pub fn fail_and_retry(&mut self, attempt: AttemptId) -> (AttemptId, TransportKind) {
        let out = self.fail(attempt);
        let out = match (opened(&out), timer(&out, Timer::Retry)) {
            (Some(_), _) => out,
            (None, Some(delay)) => self.fire(Timer::Retry, delay),
            (None, None) => panic!("neither a retry nor a fallback: {out:?}"),
        };
        let (id, transport, _) = opened(&out).expect("reopens");
        (id, transport)
    }
}

pub fn hello(epoch: &str, seq: u64) -> ServerMessage {
    hello_with(epoch, seq, 5_000)
}

pub fn hello_with(epoch: &str, seq: u64, heartbeat_ms: u64) -> ServerMessage {
    ServerMessage::Hello(Hello {
        protocol: 1,
        epoch: Epoch(epoch.into()),
        seq,
        catalog: Catalog::default(),
        heartbeat_ms,
        interval_ms: 1_000,
        history_ms: 3_600_000,
        server_time: 0,
        host: None,
        subscribe: 0,
    })
}

/// The hello of host `host`'s stream from a hub that takes `subscribe` (or not).
pub fn hello_of(host: &str, epoch: &str, seq: u64, subscribe: bool) -> ServerMessage {
    let ServerMessage::Hello(hello) = hello(epoch, seq) else { unreachable!("a hello") };
    ServerMessage::Hello(Hello { host: Some(host.into()), subscribe: u32::from(subscribe), ..hello })
}

pub fn frame(seq: u64) -> ServerMessage {
    ServerMessage::Frame(Frame {
        seq,
        ts: seq as i64 * 1000,
        host: "h".into(),
        values: BTreeMap::new(),
        top: vec![],
        columns: None,
    })
}

pub fn heartbeat(seq: u64) -> ServerMessage {
    ServerMessage::Heartbeat(Heartbeat { seq, ts: 0 })
}

pub fn gap(reason: GapReason, next_seq: u64) -> ServerMessage {
    ServerMessage::Gap(Gap { reason, next_seq, missed: None })
}

pub fn bye(retry_ms: u64) -> ServerMessage {
    ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms })
}

pub fn cursor(epoch: &str, seq: u64) -> Cursor {
    Cursor { epoch: Epoch(epoch.into()), seq }
}

/// The last `Open` in `out`.
pub fn opened(out: &[Command]) -> Option<(AttemptId, TransportKind, Option<Cursor>)> {
    out.iter().rev().find_map(|c| match c {
        Command::Open { attempt, transport, cursor } => Some((*attempt, *transport, cursor.clone())),
        _ => None,
    })
}

/// The delay of the last `SetTimer(which)` in `out`.
pub fn timer(out: &[Command], which: Timer) -> Option<f64> {
    out.iter().rev().find_map(|c| match c {
        Command::SetTimer(t, ms) if *t == which => Some(*ms),
        _ => None,
    })
}

/// Seqs delivered, in order.
pub fn delivered(out: &[Command]) -> Vec<u64> {
    out.iter()
        .flat_map(|c| match c {
            Command::Frames(frames) => frames.iter().map(|f| f.seq).collect(),
            _ => vec![],
        })
        .collect()
}

pub fn gaps(out: &[Command]) -> usize {
    out.iter().filter(|c| matches!(c, Command::Gap(_))).count()
}

pub fn logs(out: &[Command]) -> Vec<&str> {
    out.iter()
        .filter_map(|c| match c {
            Command::Log(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}
