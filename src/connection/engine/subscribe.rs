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
//!
//! A page that switches quickly (A, B, C) may send a subscribe before the last
//! one's answer came. The hub answers each subscribe, in order, with a `hello` or
//! an `error`, so the engine counts the answers due: everything before the last
//! subscribe's answer is the old streams', dropped, an earlier subscribe's
//! refusal included (the page has moved on from it); only a refusal of the last
//! fails the attempt.

use pulse_protocol::{Hello, ServerMessage};

use super::{Attempt, Engine, TransportKind};
use crate::connection::Command;

/// Streams whose cursors are kept besides the one shown (the oldest is forgotten:
/// coming back to it then starts afresh, with history from the hook's backfill).
const KEPT: usize = 64;

/// The `subscribe`s on the active attempt whose answers have not all come.
#[derive(Debug, Clone)]
pub(super) struct Awaiting {
    /// The stream asked for last, the one shown.
    host: String,
    /// Subscribes sent and not answered yet.
    due: u32,
}

/// Whose a message on the active attempt is, while subscribes wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Whose {
    /// The stream shown.
    Shown,
    /// A stream the page has left (the old one, or one it passed through).
    Left,
    /// The last subscribe's refusal: the stream shown cannot be had on this attempt.
    Refused,
}

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
            let due = self.awaiting.as_ref().map_or(0, |a| a.due).saturating_add(1);
            self.awaiting = Some(Awaiting { host: host.clone(), due });
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

    /// Whose `message` on the active attempt is: while subscribes wait for their
    /// answers, everything up to the last one's `hello` is a stream left behind.
    pub(super) fn whose(&mut self, message: &ServerMessage) -> Whose {
        let Some(awaiting) = &mut self.awaiting else { return Whose::Shown };
        match message {
            ServerMessage::Hello(hello) => {
                awaiting.due = awaiting.due.saturating_sub(1);
                // The last answer, and the stream asked for (a hello naming another
                // host is left behind, whatever the count says).
                if awaiting.due == 0 && hello.host.as_ref() == Some(&awaiting.host) {
                    self.awaiting = None;
                    return Whose::Shown;
                }
                Whose::Left
            }
            ServerMessage::Error(_) if awaiting.due > 1 => {
                awaiting.due -= 1;
                Whose::Left
            }
            ServerMessage::Error(_) => Whose::Refused,
            _ => Whose::Left,
        }
    }
}

/// Whether a hub that said `hello` takes `subscribe` on this transport.
pub(super) fn takes_subscribe(transport: TransportKind, hello: &Hello) -> bool {
    transport == TransportKind::WebSocket && hello.subscribe >= pulse_protocol::SUBSCRIBE_VERSION
}
