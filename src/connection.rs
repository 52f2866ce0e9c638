//! The connection engine's pure core: events in, commands out. No `web_sys`, no
//! `leptos`, no `wasm_bindgen` anywhere below this module: the clock (`now`, ms)
//! and the randomness for jitter are passed in, so every rule is a native test.
//!
//! Rules it keeps (each one tested in `connection/tests/`):
//! - A transport is up only when data arrives (hello, then a frame or heartbeat),
//!   never on `onopen`; each transport has its own connect deadline.
//! - Fallback order WebSocket → SSE → long-poll → poll (configurable, or one forced
//!   transport), moving on at once from a transport that never came up in this
//!   outage; a transport that was up and dropped is retried first (near 1 s,
//!   jittered), and only after repeated failures does the engine fall back. After a
//!   full pass it starts again from the best transport, after a backoff.
//! - Every attempt has an id; events of any other attempt are ignored, so an error
//!   and a close of one attempt schedule one retry.
//! - Backoff: near 1 s for the first attempts of an outage, then full jitter up to
//!   30 s; forgotten once a link stayed up 10 s. Server hints (`bye`, WS 1012/1013,
//!   `Retry-After`) win, jittered too.
//! - One cursor (epoch + seq) across every transport: duplicates are dropped,
//!   holes, server gaps and epoch changes become one gap marker each.
//! - A live link silent for two heartbeats is dead.
//! - On a fallback, the working transport is remembered and the best one is probed
//!   quietly, then taken over when it delivers. A restart or a new epoch sends the
//!   page back to the best transport first.
//! - Offline pauses, online and bfcache restores reconnect at once, and a tab that
//!   becomes visible checks its link by the wall clock, not by throttled timers.

mod backoff;
mod engine;
mod resume;
mod status;
mod tuning;
mod vocabulary;

pub use backoff::Backoff;
pub use engine::Engine;
pub use resume::Counters;
pub use status::{ConnectionStatus, LinkState, TransportKind};
pub use tuning::{ConnectDeadlines, EngineConfig};
pub use vocabulary::{AttemptId, Command, Event, Timer};

#[cfg(test)]
mod tests;
