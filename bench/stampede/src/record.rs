//! What every client reports: each connection attempt (when, and how it ended) and
//! each time it became live or stopped being live. Shared by every task of one run
//! on a single-threaded runtime, so a `RefCell` is enough; no borrow spans an await.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use tokio::time::Instant;

/// Milliseconds since the benchmark started: the engine's `now`, and every timestamp.
#[derive(Debug, Clone, Copy)]
pub struct Clock(Instant);

impl Clock {
    /// A clock starting now.
    pub fn start() -> Self {
        Clock(Instant::now())
    }

    /// Milliseconds since start.
    pub fn now_ms(self) -> f64 {
        self.0.elapsed().as_secs_f64() * 1_000.0
    }
}

/// How a connection attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still connecting (or aborted by its client before it finished).
    Pending,
    /// Nothing listened on the port.
    Refused,
    /// The WebSocket handshake succeeded.
    Accepted,
    /// Anything else: reset, handshake refused, timed out.
    Failed,
}

/// One connection attempt.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// Which client.
    pub client: usize,
    /// When it began (TCP connect), ms.
    pub at: f64,
    /// How it ended.
    pub outcome: Outcome,
}

/// Everything one run records.
#[derive(Debug)]
pub struct Recorder {
    /// Every attempt, in the order they began.
    pub attempts: Vec<Attempt>,
    /// Per client, every moment it became live, ms.
    pub became_live: Vec<Vec<f64>>,
    /// Log lines of the engines with digits masked, and how often each came.
    pub notes: BTreeMap<String, u64>,
    /// How open links ended after the restart began: `bye`, `close 1012`, `reset`, `other`.
    pub ends: BTreeMap<&'static str, u64>,
    live: Vec<bool>,
    live_count: usize,
    restart_at: Option<f64>,
    back: usize,
    clock: Clock,
}

/// The recorder as the tasks of one run share it.
pub type Shared = Rc<RefCell<Recorder>>;

impl Recorder {
    /// An empty record for `clients` clients.
    pub fn shared(clients: usize, clock: Clock) -> Shared {
        Rc::new(RefCell::new(Recorder {
            attempts: Vec::new(),
            became_live: vec![Vec::new(); clients],
            notes: BTreeMap::new(),
            ends: BTreeMap::new(),
            live: vec![false; clients],
            live_count: 0,
            restart_at: None,
            back: 0,
            clock,
        }))
    }

    /// Notes the start of an attempt; returns its index for [`Recorder::outcome`].
    pub fn attempt(&mut self, client: usize) -> usize {
        self.attempts.push(Attempt { client, at: self.clock.now_ms(), outcome: Outcome::Pending });
        self.attempts.len() - 1
    }

    /// Notes how attempt `index` ended.
    pub fn outcome(&mut self, index: usize, outcome: Outcome) {
        if let Some(attempt) = self.attempts.get_mut(index) {
            attempt.outcome = outcome;
        }
    }

    /// Notes that `client` is (or is no longer) live.
    pub fn set_live(&mut self, client: usize, live: bool) {
        let Some(was) = self.live.get_mut(client) else { return };
        if *was == live {
            return;
        }
        *was = live;
        if live {
            self.live_count += 1;
            let now = self.clock.now_ms();
            if let Some(times) = self.became_live.get_mut(client) {
                if self.restart_at.is_some_and(|r| !times.iter().any(|t| *t >= r)) {
                    self.back += 1;
                }
                times.push(now);
            }
        } else {
            self.live_count = self.live_count.saturating_sub(1);
        }
    }

    /// Counts one log line, digits masked so that lines of one kind add up.
    pub fn note(&mut self, line: &str) {
        let masked: String = line.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
        *self.notes.entry(masked).or_insert(0) += 1;
    }

    /// An open link ended (`how`: `bye`, or the reason of a close or error); counted
    /// only after the restart began.
    pub fn link_ended(&mut self, how: &str) {
        if self.restart_at.is_none() {
            return;
        }
        let kind = if how == "bye" {
            "bye"
        } else if how.contains("(1012)") {
            "close 1012"
        } else if how.contains("reset") {
            "reset"
        } else {
            "other"
        };
        *self.ends.entry(kind).or_insert(0) += 1;
    }

    /// From now on, count clients that become live as "back".
    pub fn mark_restart(&mut self, at: f64) {
        self.restart_at = Some(at);
        self.back = 0;
    }

    /// Hands over what was recorded, leaving an empty record for late reports of
    /// tasks that are being aborted.
    pub fn take(&mut self) -> Recorder {
        let empty = Recorder {
            attempts: Vec::new(),
            became_live: Vec::new(),
            notes: BTreeMap::new(),
            ends: BTreeMap::new(),
            live: Vec::new(),
            live_count: 0,
            restart_at: None,
            back: 0,
            clock: self.clock,
        };
        std::mem::replace(self, empty)
    }

    /// Clients live right now.
    pub fn live_count(&self) -> usize {
        self.live_count
    }

    /// Clients that became live again since [`Recorder::mark_restart`].
    pub fn back_count(&self) -> usize {
        self.back
    }
}
