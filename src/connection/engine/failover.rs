//! What to do when an attempt fails: retry the transport that was up, fall back at
//! once from one that never came up, or wait (full jitter, server hints first).

use super::{Engine, LinkState, Timer};
use crate::connection::Command;

impl Engine {
    /// The active attempt failed (or was declared dead): close it and decide what
    /// next. `restart`: the server said it is going away, so come back after its
    /// hint on the best transport (a restart must not strand a page on a fallback).
    pub(super) fn fail(
        &mut self,
        reason: &str,
        hint: Option<f64>,
        restart: bool,
        now: f64,
        random: f64,
        out: &mut Vec<Command>,
    ) {
        let Some(active) = self.close_active(out) else { return };
        out.push(Command::Log(format!("{}: {reason}", active.transport.label())));
        self.status.last_error = Some(reason.to_owned());
        if let Some(up_at) = active.up_at {
            if now - up_at >= self.config.healthy_after_ms {
                self.retries = 0;
            }
            self.was_up = Some(active.transport);
            self.was_up_failures = 0;
            self.lost = Some(active.transport);
        }
        let order = self.config.transports();
        if restart {
            self.was_up = None;
            self.next_transport = self.config.forced.unwrap_or(order[0]);
            return self.schedule_retry(hint, now, random, out);
        }
        let retry_same = if self.was_up == Some(active.transport) {
            self.was_up_failures += 1;
            self.was_up_failures <= self.config.retries_before_fallback
        } else {
            false
        };
        if self.config.forced.is_some() || hint.is_some() || retry_same {
            self.next_transport = active.transport;
            return self.schedule_retry(hint, now, random, out);
        }
        let position = order.iter().position(|t| *t == active.transport).unwrap_or(0);
        match order.get(position + 1) {
            Some(&next) => {
                // A transport that never came up in this outage: the next one, at once.
                self.next_transport = next;
                out.push(Command::Log(format!("falling back to {}", next.label())));
                self.status.state = if self.ever_up { LinkState::Reconnecting } else { LinkState::Connecting };
                self.open(now, out);
            }
            None => {
                // A full pass failed: wait, then start again from the best transport.
                self.next_transport = order[0];
                self.was_up = None;
                self.schedule_retry(hint, now, random, out);
            }
        }
    }

    fn schedule_retry(&mut self, hint: Option<f64>, now: f64, random: f64, out: &mut Vec<Command>) {
        self.retries += 1;
        let delay = self.config.backoff.delay(self.retries, hint, random);
        self.retry_at = Some(now + delay);
        self.status.state = LinkState::Reconnecting;
        self.status.attempt = self.retries;
        self.status.next_retry_at = Some(now + delay);
        out.push(Command::SetTimer(Timer::Retry, delay));
        out.push(Command::Log(format!("retrying {} in {:.1} s", self.next_transport.label(), delay / 1000.0)));
    }
}
