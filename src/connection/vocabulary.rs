//! What goes into the engine (events) and what comes out (commands).

use pulse_protocol::alerts::LiveAlerts;
use pulse_protocol::HubStatus;
use pulse_protocol::{Cursor, Frame, Hello, ServerMessage};

use super::TransportKind;

/// Identifies one connection attempt; callbacks of older attempts are dropped.
pub type AttemptId = u64;

/// The engine's timers; the hook keeps at most one of each kind, and setting one
/// again replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// The active attempt must deliver data before this fires.
    Connect,
    /// Fires when the live link has been silent too long.
    Dead,
    /// Starts the next attempt.
    Retry,
    /// Time to probe the best transport quietly while on a fallback.
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
    /// The attempt's socket opened (WebSocket `onopen`). Not data: but a WebSocket
    /// that opened must deliver within a shorter deadline, since the server sends
    /// hello at once and answers the transport's ping one round trip later.
    Opened {
        /// Which attempt.
        attempt: AttemptId,
    },
    /// Messages arrived on an attempt (a poll answer brings several at once).
    Messages {
        /// Which attempt.
        attempt: AttemptId,
        /// In arrival order.
        messages: Vec<ServerMessage>,
    },
    /// A message that could not be read; logged, and the link goes on.
    Malformed {
        /// Which attempt.
        attempt: AttemptId,
        /// What was wrong, in words.
        error: String,
    },
    /// The attempt failed or closed (error and close of one attempt may both come).
    Failed {
        /// Which attempt.
        attempt: AttemptId,
        /// In words, for the log.
        reason: String,
        /// A server hint: come back after this many ms (WS close 1012/1013, `Retry-After`).
        retry_after_ms: Option<f64>,
    },
    /// The server refused the attempt's credential (HTTP 401, or a session check
    /// after a cut stream said so): the page is not signed in, or its token or share
    /// link was revoked or expired. Not a transport failure: no retry, no fallback.
    Unauthorized {
        /// Which attempt (none: the hub said so of the page's credential itself,
        /// asked after a stream was cut).
        attempt: Option<AttemptId>,
        /// In words, for the log.
        reason: String,
    },
    /// The hub has no host by the id the page shows (404 `no_such_host`: a wrong
    /// link, or a host removed since). Nothing to retry or fall back to: the page
    /// waits, without a connection, until it shows another stream.
    NoSuchHost {
        /// The host asked for.
        host: String,
        /// The hub's words, for the log.
        reason: String,
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
    /// Show another stream from now on: a host's id, or `@fleet` ("": the hub's own
    /// host, as a URL without `host=` shows it). Each stream keeps its own cursor;
    /// the hook points new attempts at the new stream's URL before sending this.
    Subscribe {
        /// The stream to show.
        host: String,
    },
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
    /// Ask the attempt's WebSocket for another stream on the same socket (the
    /// `subscribe` message), resuming after `cursor`.
    Subscribe {
        /// The attempt whose socket sends it.
        attempt: AttemptId,
        /// The stream to show (a host's id, or `@fleet`).
        host: String,
        /// Where that stream resumes.
        cursor: Option<Cursor>,
    },
    /// (Re)start a timer to fire after this many ms.
    SetTimer(Timer, f64),
    /// Stop a timer.
    CancelTimer(Timer),
    /// A server said hello: its catalogue and timing.
    Hello(Box<Hello>),
    /// New frames, in order, never delivered before.
    Frames(Vec<Frame>),
    /// Samples are missing here: draw a break in the rings of this host (the name
    /// its frames carry), the stream's own; `None`: no frame of the stream has come
    /// yet to name it (the runner then marks the rings of the stream shown).
    Gap(Option<String>),
    /// The fleet's pending and firing alerts, as the hub now has them.
    Alerts(LiveAlerts),
    /// What the hub says of itself (whether its shared log, Redis, is out of reach).
    Hub(HubStatus),
    /// Remember this transport for the next page load (None: forget, the best one works).
    Remember(Option<TransportKind>),
    /// A line for the connection log.
    Log(String),
    /// Nothing connects until the page signs in again (or its share link is
    /// replaced): show the sign-in page.
    SignedOut,
}
