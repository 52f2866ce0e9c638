//! Deadlines checked by the wall clock, and the page's lifecycle: offline, online,
//! a tab that becomes visible, a page restored from the back-forward cache, and
//! the user's "retry now". Timers in hidden tabs are throttled, so nothing here
//! trusts that a timer fired on time: each check compares `now` with the deadline.

use super::{Engine, LinkState, Timer};
use crate::connection::Command;

/// Slack for timers that fire a hair early.
const EARLY_MS: f64 = 5.0;

impl Engine {
    /// The connect deadline: fail the attempt if it has not come up in time.
    pub(super) fn check_connect(&mut self, now: f64, random: f64, out: &mut Vec<Command>) {
        let Some(active) = self.active.filter(|a| a.up_at.is_none()) else { return };
        let deadline_at = self.connect_deadline_at(&active);
        if now + EARLY_MS >= deadline_at {
            let reason = match active.socket_open_at {
                Some(at) if at + self.config.deadlines.websocket_after_open_ms <= deadline_at => {
                    format!("opened but no data within {:.1} s", (now - at) / 1000.0)
                }
                _ => format!("no data within {:.1} s of opening", (now - active.opened_at) / 1000.0),
            };
            self.fail(&reason, None, false, now, random, out);
        } else {
            out.push(Command::SetTimer(Timer::Connect, deadline_at - now));
        }
    }

    /// The dead-link deadline: fail a live link that has been silent too long.
    pub(super) fn check_dead(&mut self, now: f64, random: f64, out: &mut Vec<Command>) {
        let Some(active) = self.active.filter(|a| a.up_at.is_some()) else { return };
        let limit = self.dead_after_ms();
        let silent = now - active.last_data_at;
        if silent + EARLY_MS >= limit {
            let reason = format!("silent for {:.1} s: the link is dead", silent / 1000.0);
            self.fail(&reason, None, false, now, random, out);
        } else {
            out.push(Command::SetTimer(Timer::Dead, limit - silent));
        }
    }

    pub(super) fn on_offline(&mut self, out: &mut Vec<Command>) {
        if self.offline {
            return;
        }
        self.offline = true;
        if let Some(active) = self.close_active(out) {
            if active.up_at.is_some() {
                self.was_up = Some(active.transport);
            }
        }
        out.push(Command::CancelTimer(Timer::Retry));
        self.retry_at = None;
        self.status.state = LinkState::Offline;
        self.status.next_retry_at = None;
        out.push(Command::Log("the browser is offline; waiting for the network".into()));
    }

    /// Online again, or a hint that the network changed: reconnect now rather than
    /// after a backoff that grew while the network was gone.
    pub(super) fn on_online(&mut self, now: f64, out: &mut Vec<Command>) {
        let waiting = self.active.is_none() && self.retry_at.is_some();
        if self.offline || waiting {
            self.offline = false;
            self.retries = 0;
            out.push(Command::Log("the network is back; reconnecting now".into()));
            self.reconnect_now(now, out);
        }
    }

    /// A visible tab checks its link by the clock: a link silent past its deadline
    /// reconnects at once, an overdue attempt or retry runs now.
    pub(super) fn on_visible(&mut self, now: f64, random: f64, out: &mut Vec<Command>) {
        if self.offline {
            return;
        }
        match self.active {
            Some(active) if active.up_at.is_some() && now - active.last_data_at > self.dead_after_ms() => {
                out.push(Command::Log("tab visible again and the link went quiet; reconnecting".into()));
                self.reconnect_now(now, out);
            }
            Some(active) if active.up_at.is_none() => self.check_connect(now, random, out),
            Some(_) => {}
            None if self.retry_at.is_some_and(|at| now >= at) => {
                out.push(Command::CancelTimer(Timer::Retry));
                self.open(now, out);
            }
            None => {}
        }
    }

    /// Restored from the back-forward cache: its sockets are gone, whatever they say.
    pub(super) fn on_page_show(&mut self, now: f64, out: &mut Vec<Command>) {
        if !self.offline {
            out.push(Command::Log("page restored from the back-forward cache; reconnecting".into()));
            self.reconnect_now(now, out);
        }
    }

    pub(super) fn on_retry_now(&mut self, now: f64, out: &mut Vec<Command>) {
        if self.status.state != LinkState::Live && !self.offline {
            out.push(Command::Log("retrying now, as asked".into()));
            self.reconnect_now(now, out);
        }
    }

    /// Drops whatever is open and starts an attempt now, on the transport that was up
    /// last (it most likely still works), else the best one.
    pub(super) fn reconnect_now(&mut self, now: f64, out: &mut Vec<Command>) {
        if let Some(active) = self.close_active(out) {
            if active.up_at.is_some() {
                self.was_up = Some(active.transport);
            }
        }
        out.push(Command::CancelTimer(Timer::Retry));
        let best = self.config.transports()[0];
        self.next_transport = self.config.forced.or(self.was_up).unwrap_or(best);
        self.status.state = LinkState::Connecting;
        self.open(now, out);
    }
}
