//! The connection engine's pure core: events in, commands out, no `web_sys`.
//!
//! Rules it keeps (each one a test in `engine/tests.rs`):
//! - A transport is up only when data arrives (hello, then a frame or heartbeat),
//!   never on `onopen`; each transport has a connect deadline.
//! - Fallback order WebSocket → SSE → long-poll → poll, moving on at once from a
//!   transport that never came up; a transport that was up and dropped is retried
//!   first (near 1 s, jittered), and only after repeated failures does the engine
//!   fall back. After a full pass it starts again from the best transport, so a
//!   server restart never strands a page on polling.
//! - Every attempt has an id; events of any other attempt are ignored.
//! - One cursor (epoch + seq) across every transport: duplicates are dropped,
//!   holes and epoch changes become gap markers.
//! - A link silent for two heartbeats is dead.
//! - On a fallback, WebSocket is probed quietly and taken over when it delivers.
//! - Offline pauses, online and bfcache restores reconnect at once, a tab that
//!   becomes visible checks its link by the wall clock, not by throttled timers.

mod backoff;
mod engine;
mod status;
mod vocabulary;

pub use backoff::Backoff;
pub use engine::{Counters, Engine};
pub use status::{ConnectionStatus, LinkState, TransportKind};
pub use vocabulary::{AttemptId, Command, EngineConfig, Event, Timer};
