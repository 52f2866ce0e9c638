//! What goes into the engine (events) and what comes out (commands).

use pulse_protocol::{Cursor, Frame, Hello, ServerMessage};

use super::{Backoff, TransportKind};

/// Identifies one connection attempt; callbacks of older attempts are dropped.
pub type AttemptId = u64;

/// The engine's timers; the hook keeps at most one of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// The active attempt must deliver data before this fires.
    Connect,
    /// Fires when the live link has been silent too long.
    Dead,
    /// Starts the next attempt.
    Retry,
    /// The link has been healthy long enough to forget past failures.
    Healthy,
    /// Time to probe WebSocket quietly while on a fallback transport.
    Probe,
    /// The probe must deliver data before this fires.
    ProbeDeadline,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Begin; `remembered` is the transport that worked last time, if not expired.
    Start {
        /// From storage.
        remembered: Option<TransportKind>,
    },
    /// Messages arrived on an attempt (a poll answer brings several at once).
    Messages {
        /// Which attempt.
        attempt: AttemptId,
        /// In arrival order.
        messages: Vec<ServerMessage>,
    },
    /// The attempt failed or closed.
    Failed {
        /// Which attempt.
        attempt: AttemptId,
        /// In words, for the log.
        reason: String,
        /// A server hint: come back after this many ms.
        retry_after_ms: Option<f64>,
    },
    /// A timer fired.
    Timer(Timer),
    /// The browser went offline.
    Offline,
    /// The browser is online again.
    Online,
    /// The tab became visible.
    Visible,
    /// The page was shown again from the back-forward cache.
    PageShow,
    /// The user asked to retry now.
    RetryNow,
}

/// Something the engine wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a transport, resuming after `cursor`.
    Open {
        /// The new attempt's id.
        attempt: AttemptId,
        /// Which transport.
        transport: TransportKind,
        /// Where to resume.
        cursor: Option<Cursor>,
    },
    /// Close an attempt (its later callbacks are ignored anyway).
    Close(AttemptId),
    /// (Re)start a timer.
    SetTimer(Timer, f64),
    /// Stop a timer.
    CancelTimer(Timer),
    /// A server said hello: its catalogue and timing.
    Hello(Box<Hello>),
    /// New frames, in order, never seen before.
    Frames(Vec<Frame>),
    /// Samples are missing here: draw a break.
    Gap,
    /// Remember this transport for the next page load (None: forget).
    Remember(Option<TransportKind>),
    /// A line for the connection log.
    Log(String),
}

/// Tunables; every default documented.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Transports to try, best first. Default: WebSocket, SSE, long-poll, poll.
    pub order: Vec<TransportKind>,
    /// When set, only this transport is used (`?transport=`). Default: none.
    pub forced: Option<TransportKind>,
    /// Retry delays. Default: [`Backoff::default`].
    pub backoff: Backoff,
    /// The heartbeat assumed until hello says otherwise. Default: 5 s.
    pub heartbeat_ms: f64,
    /// Silence, in heartbeats, after which a link is dead. Default: 2.
    pub dead_after_heartbeats: f64,
    /// How long the link must stay up before failures are forgotten. Default: 10 s.
    pub healthy_after_ms: f64,
    /// How often to probe WebSocket while on a fallback. Default: 2 min.
    pub probe_every_ms: f64,
    /// Failures of the transport that was up before the engine falls back. Default: 3.
    pub retries_before_fallback: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            order: TransportKind::ALL.to_vec(),
            forced: None,
            backoff: Backoff::default(),
            heartbeat_ms: 5_000.0,
            dead_after_heartbeats: 2.0,
            healthy_after_ms: 10_000.0,
            probe_every_ms: 120_000.0,
            retries_before_fallback: 3,
        }
    }
}

impl EngineConfig {
    /// How long a transport may take to deliver its first data. WebSocket 1.5 s (the
    /// transport pings right after hello, so data is one round trip away), SSE 2.5 s
    /// (hello, then the next frame or heartbeat), the HTTP transports 4 s.
    pub fn connect_deadline_ms(&self, transport: TransportKind) -> f64 {
        match transport {
            TransportKind::WebSocket => 1_500.0,
            TransportKind::Sse => 2_500.0,
            TransportKind::LongPoll | TransportKind::Poll => 4_000.0,
        }
    }
}
