//! The engine's tunables, every default documented.

use super::{Backoff, TransportKind};

/// How the engine behaves; `EngineConfig::default()` is what the site uses.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// Transports to try, best first. Default: WebSocket, SSE, long-poll, poll.
    pub order: Vec<TransportKind>,
    /// When set, only this transport is used (`?transport=`). Default: none.
    pub forced: Option<TransportKind>,
    /// Retry delays. Default: [`Backoff::default`].
    pub backoff: Backoff,
    /// Connect deadlines per transport: see [`ConnectDeadlines`].
    pub deadlines: ConnectDeadlines,
    /// The heartbeat assumed until hello says otherwise. Default: 5 s.
    pub heartbeat_ms: f64,
    /// Silence, in heartbeats, after which a link is dead. Default: 2.
    pub dead_after_heartbeats: f64,
    /// How long the link must stay up before past failures are forgotten. Default: 10 s.
    pub healthy_after_ms: f64,
    /// How often to probe the best transport while on a fallback. Default: 2 min.
    pub probe_every_ms: f64,
    /// How soon to probe after a restart or a new epoch seen on a fallback. Default: 5 s.
    pub probe_soon_ms: f64,
    /// Failures of a transport that was up before the engine falls back. Default: 3.
    pub retries_before_fallback: u32,
}

/// How long a fresh attempt may take to deliver hello and its first data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectDeadlines {
    /// WebSocket. Default 1.5 s: the transport pings right after hello, so data is
    /// one round trip away, and a blocked WebSocket costs little before SSE is tried
    /// (first data over SSE within 3 s of page load).
    pub websocket_ms: f64,
    /// WebSocket, once its socket opened. Default 1 s: hello comes at once and the
    /// ping's answer one round trip later, so a socket that opened through a proxy
    /// and carries nothing is given up on early.
    pub websocket_after_open_ms: f64,
    /// Server-Sent Events. Default 2.5 s (hello, then the next frame or heartbeat).
    pub sse_ms: f64,
    /// Long-poll. Default 4 s.
    pub long_poll_ms: f64,
    /// Poll. Default 4 s.
    pub poll_ms: f64,
}

impl Default for ConnectDeadlines {
    fn default() -> Self {
        ConnectDeadlines {
            websocket_ms: 1_500.0,
            websocket_after_open_ms: 1_000.0,
            sse_ms: 2_500.0,
            long_poll_ms: 4_000.0,
            poll_ms: 4_000.0,
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            order: TransportKind::ALL.to_vec(),
            forced: None,
            backoff: Backoff::default(),
            deadlines: ConnectDeadlines::default(),
            heartbeat_ms: 5_000.0,
            dead_after_heartbeats: 2.0,
            healthy_after_ms: 10_000.0,
            probe_every_ms: 120_000.0,
            probe_soon_ms: 5_000.0,
            retries_before_fallback: 3,
        }
    }
}

impl EngineConfig {
    /// How long `transport` may take to deliver its first data.
    pub fn connect_deadline_ms(&self, transport: TransportKind) -> f64 {
        match transport {
            TransportKind::WebSocket => self.deadlines.websocket_ms,
            TransportKind::Sse => self.deadlines.sse_ms,
            TransportKind::LongPoll => self.deadlines.long_poll_ms,
            TransportKind::Poll => self.deadlines.poll_ms,
        }
    }

    /// The transports in use, best first: the forced one alone, else `order`
    /// (every transport when `order` is empty).
    pub fn transports(&self) -> Vec<TransportKind> {
        match self.forced {
            Some(forced) => vec![forced],
            None if self.order.is_empty() => TransportKind::ALL.to_vec(),
            None => self.order.clone(),
        }
    }
}
