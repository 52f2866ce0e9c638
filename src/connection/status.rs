//! What the connection engine tells the page: state, transport, retry timing.

use std::fmt;

/// The four ways to reach the server, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TransportKind {
    /// One WebSocket, both directions.
    WebSocket,
    /// Server-Sent Events (`EventSource`).
    Sse,
    /// HTTP requests the server holds until a frame arrives.
    LongPoll,
    /// HTTP requests answered at once, repeated every interval.
    Poll,
}

impl TransportKind {
    /// Every transport in the default fallback order.
    pub const ALL: [TransportKind; 4] =
        [TransportKind::WebSocket, TransportKind::Sse, TransportKind::LongPoll, TransportKind::Poll];

    /// The short name used in URLs (`?transport=`), storage and `data-` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::WebSocket => "ws",
            TransportKind::Sse => "sse",
            TransportKind::LongPoll => "longpoll",
            TransportKind::Poll => "poll",
        }
    }

    /// Reads a short name back.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            TransportKind::WebSocket => "WebSocket",
            TransportKind::Sse => "SSE",
            TransportKind::LongPoll => "Long-poll",
            TransportKind::Poll => "Polling",
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the link is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// Trying a transport; no data yet.
    Connecting,
    /// Data is flowing.
    Live,
    /// The link dropped; waiting for the next attempt.
    Reconnecting,
    /// The browser says it is offline; attempts are paused.
    Offline,
    /// The page cannot start (its configuration is unusable): nothing connects until
    /// it is fixed and the page reloaded. Set by the app, never by the engine.
    Stopped,
    /// The server wants a credential this page does not have (or no longer has):
    /// nothing connects until it signs in again.
    SignedOut,
    /// The hub has no host by the id the page shows: nothing connects until the
    /// page shows another stream.
    NoSuchHost,
}

impl LinkState {
    /// The short name used in `data-` attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkState::Connecting => "connecting",
            LinkState::Live => "live",
            LinkState::Reconnecting => "reconnecting",
            LinkState::Offline => "offline",
            LinkState::Stopped => "stopped",
            LinkState::SignedOut => "signed-out",
            LinkState::NoSuchHost => "no-such-host",
        }
    }
}

/// A snapshot of the connection, for the badge and for tests.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionStatus {
    /// Where the link is.
    pub state: LinkState,
    /// The transport in use or being tried.
    pub transport: Option<TransportKind>,
    /// Attempts since the link was last healthy (0 while live).
    pub attempt: u32,
    /// When the next attempt starts, in ms on the page clock (`Date.now()`).
    pub next_retry_at: Option<f64>,
    /// When data last arrived, in ms on the page clock.
    pub last_data_at: Option<f64>,
    /// The last error, in words.
    pub last_error: Option<String>,
}

impl Default for ConnectionStatus {
    fn default() -> Self {
        ConnectionStatus {
            state: LinkState::Connecting,
            transport: None,
            attempt: 0,
            next_retry_at: None,
            last_data_at: None,
            last_error: None,
        }
    }
}
