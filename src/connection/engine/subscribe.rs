//! Showing another stream (a host, or the `@fleet` summary) on the page's one
//! connection. Each stream keeps its own cursor, so coming back to a host resumes
//! it without a hole or a duplicate, as a reconnect would.
//!
//! On a WebSocket whose hub takes `subscribe` (its `hello` says so), the socket
//! stays: the engine sends `subscribe` and drops everything the socket brings
//! until the new stream's `hello` (which names its host), so nothing of the old
//! stream reaches the new cursor. Otherwise (SSE, long-poll, poll, an older hub,
//! an attempt not up yet) the attempt is closed and one of the same transport is
//! opened at once for the new stream: never two streams at a time, and not a
//! failure (no backoff, no fallback).

use pulse_protocol::Hello;

use super::{Attempt, Engine, TransportKind};
use crate::connection::Command;

/// Streams whose cursors are kept besides the one shown (the oldest is forgotten:
/// coming back to it then starts afresh, with history from the hook's backfill).
const KEPT: usize = 64;

impl Engine {
    pub(super) fn on_subscribe(&mut self, host: String, now: f64, out: &mut Vec<Command>) {
        if host == self.shown {
            return;
        }
        let at = self.others.iter().position(|(kept, _)| *kept == host);
        let next = at.map(|at| self.others.remove(at).1).unwrap_or_default();
        let counters = self.resume.counters();
        let left = std::mem::replace(&mut self.resume, next.counting_from(counters));
        let old = std::mem::replace(&mut self.shown, host.clone());
        self.others.push((old, left));
        if self.others.len() > KEPT {
            self.others.remove(0);
        }
        out.push(Command::Log(format!("showing {}", if host.is_empty() { "the hub's own host" } else { &host })));
        let Some(active) = self.active else { return };
        if active.subscribe && !host.is_empty() {
            self.awaiting = Some(host.clone());
            out.push(Command::Subscribe { attempt: active.id, host, cursor: self.resume.cursor().cloned() });
            return;
        }
        self.reopen(active, now, out);
    }

    /// Closes `active` and opens its transport again for the stream now shown.
    fn reopen(&mut self, active: Attempt, now: f64, out: &mut Vec<Command>) {
        self.close_active(out);
        if active.up_at.is_some() {
            // Failing now is the transport failing again, not one that never worked.
            self.was_up = Some(active.transport);
            self.was_up_failures = 0;
        }
        self.next_transport = active.transport;
        self.open(now, out);
    }

    /// Whether a message on the active attempt belongs to a stream it left: while a
    /// `subscribe` waits for its `hello`, everything else is the old stream's.
    pub(super) fn left_behind(&mut self, hello: Option<&Hello>) -> bool {
        let Some(awaiting) = &self.awaiting else { return false };
        if hello.is_some_and(|h| h.host.as_ref() == Some(awaiting)) {
            self.awaiting = None;
            return false;
        }
        true
    }
}

/// Whether a hub that said `hello` takes `subscribe` on this transport.
pub(super) fn takes_subscribe(transport: TransportKind, hello: &Hello) -> bool {
    transport == TransportKind::WebSocket && hello.subscribe >= pulse_protocol::SUBSCRIBE_VERSION
}
