//! A client driven by Pulse's real connection engine (`pulse_web::connection`),
//! forced to WebSocket: this task plays the part of the browser hook, executing the
//! engine's commands with tokio sockets and timers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use pulse_protocol::{Cursor, ServerMessage};
use pulse_web::connection::{AttemptId, Command, Engine, EngineConfig, Event, LinkState, Timer, TransportKind};
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::record::{Clock, Outcome, Shared};
use crate::rng::XorShift;
use crate::ws::{self, Incoming};

/// Events one engine handles before its task stops (a bound, far above a run's needs).
const MAX_EVENTS: usize = 100_000;

/// Messages one socket reads before it stops (a bound: a run sees a few dozen).
const MAX_MESSAGES: usize = 100_000;

/// What a client needs to know.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Its index.
    pub id: usize,
    /// The server.
    pub addr: SocketAddr,
    /// The run's record.
    pub record: Shared,
    /// The run's clock.
    pub clock: Clock,
    /// Seeds its jitter.
    pub seed: u64,
}

/// The open attempts; dropping it aborts every socket task.
#[derive(Default)]
struct Sockets(HashMap<AttemptId, JoinHandle<()>>);

impl Drop for Sockets {
    fn drop(&mut self) {
        for (_, task) in self.0.drain() {
            task.abort();
        }
    }
}

/// Runs one engine until its task is dropped or a bound is reached.
pub async fn run(setup: Setup) {
    let config = EngineConfig { forced: Some(TransportKind::WebSocket), ..EngineConfig::default() };
    let mut engine = Engine::new(config);
    let mut random = XorShift::new(setup.seed, setup.id);
    let (events, mut inbox) = unbounded_channel::<Event>();
    let mut timers: Vec<(Timer, Instant)> = Vec::new();
    let mut sockets = Sockets::default();
    let mut live = false;
    let mut event = Some(Event::Start { remembered: None });
    for _ in 0..MAX_EVENTS {
        if let Some(event) = event.take() {
            let commands = engine.handle(event, setup.clock.now_ms(), random.next_f64());
            for command in commands {
                execute(command, &setup, &events, &mut timers, &mut sockets);
            }
            let now_live = engine.status().state == LinkState::Live;
            if now_live != live {
                live = now_live;
                setup.record.borrow_mut().set_live(setup.id, live);
            }
        }
        let due = timers.iter().min_by_key(|(_, at)| *at).copied();
        tokio::select! {
            got = inbox.recv() => match got {
                Some(got) => event = Some(got),
                None => return,
            },
            _ = tokio::time::sleep_until(due.map_or_else(Instant::now, |(_, at)| at)), if due.is_some() => {
                if let Some((timer, _)) = due {
                    timers.retain(|(t, _)| *t != timer);
                    event = Some(Event::Timer(timer));
                }
            }
        }
    }
}

fn execute(
    command: Command,
    setup: &Setup,
    events: &UnboundedSender<Event>,
    timers: &mut Vec<(Timer, Instant)>,
    sockets: &mut Sockets,
) {
    match command {
        Command::Open { attempt, cursor, .. } => {
            sockets.0.retain(|_, task| !task.is_finished());
            let index = setup.record.borrow_mut().attempt(setup.id);
            let task = socket(attempt, cursor, index, setup.clone(), events.clone());
            sockets.0.insert(attempt, tokio::task::spawn_local(task));
        }
        Command::Close(attempt) => {
            if let Some(task) = sockets.0.remove(&attempt) {
                task.abort();
            }
        }
        Command::SetTimer(timer, ms) => {
            timers.retain(|(t, _)| *t != timer);
            let ms = if ms.is_finite() { ms.clamp(0.0, 3_600_000.0) } else { 0.0 };
            timers.push((timer, Instant::now() + Duration::from_secs_f64(ms / 1_000.0)));
        }
        Command::CancelTimer(timer) => timers.retain(|(t, _)| *t != timer),
        Command::Log(line) => setup.record.borrow_mut().note(&line),
        Command::Gap(_) => setup.record.borrow_mut().note("(command) Gap: a break drawn in the charts"),
        _ => {}
    }
}

/// One attempt: connect, forward every message to the engine, ping after hello,
/// report the end as `Failed` (with the 1012/1013 hint, as the browser does).
async fn socket(
    attempt: AttemptId,
    cursor: Option<Cursor>,
    index: usize,
    setup: Setup,
    events: UnboundedSender<Event>,
) {
    let failed = |reason: String, retry_after_ms: Option<f64>| Event::Failed { attempt, reason, retry_after_ms };
    let mut socket = match ws::open(setup.addr, cursor.as_ref()).await {
        Ok(socket) => {
            setup.record.borrow_mut().outcome(index, Outcome::Accepted);
            socket
        }
        Err(error) => {
            let outcome = if error.is_refused() { Outcome::Refused } else { Outcome::Failed };
            setup.record.borrow_mut().outcome(index, outcome);
            let _ = events.send(failed(error.to_string(), None));
            return;
        }
    };
    let (mut pinged, mut said_bye) = (false, false);
    for _ in 0..MAX_MESSAGES {
        match ws::next(&mut socket).await {
            Incoming::Message(message) => {
                let hello = matches!(message, ServerMessage::Hello(_));
                if matches!(message, ServerMessage::Bye(_)) {
                    said_bye = true;
                    setup.record.borrow_mut().link_ended("bye");
                }
                if events.send(Event::Messages { attempt, messages: vec![message] }).is_err() {
                    return;
                }
                if hello && !pinged {
                    pinged = true;
                    if let Err(error) = ws::ping(&mut socket).await {
                        let _ = events.send(failed(error.to_string(), None));
                        return;
                    }
                }
            }
            Incoming::Malformed(error) => {
                if events.send(Event::Malformed { attempt, error }).is_err() {
                    return;
                }
            }
            Incoming::Closed { hint, why } => {
                if !said_bye {
                    setup.record.borrow_mut().link_ended(&why);
                }
                let _ = events.send(failed(why, hint));
                return;
            }
        }
    }
}
