//! Quietly probing the best transport while on a fallback, and switching over when
//! the probe delivers. The probe resumes from the shared cursor, so the switch
//! neither loses nor repeats a sample.

use super::{Attempt, Engine, Timer, TransportKind};
use crate::connection::Command;

impl Engine {
    /// After a new epoch seen on a fallback (the server restarted), look at the best
    /// transport again soon: a restart must not strand a page on polling.
    pub(super) fn probe_soon_if_on_fallback(&mut self, current: TransportKind, out: &mut Vec<Command>) {
        let best = self.config.transports()[0];
        if self.config.forced.is_none() && current != best && self.probe.is_none() {
            out.push(Command::SetTimer(Timer::Probe, self.config.probe_soon_ms));
        }
    }

    pub(super) fn start_probe(&mut self, now: f64, out: &mut Vec<Command>) {
        let best = self.config.transports()[0];
        if self.config.forced.is_some() || self.active.is_some_and(|a| a.transport == best) {
            return;
        }
        self.next_id += 1;
        self.probe = Some(Attempt::new(self.next_id, best, now));
        out.push(Command::Log(format!("probing {} quietly", best.label())));
        out.push(Command::Open { attempt: self.next_id, transport: best, cursor: self.resume.cursor().cloned() });
        out.push(Command::SetTimer(Timer::ProbeDeadline, self.config.connect_deadline_ms(best)));
    }

    pub(super) fn promote_probe(&mut self, now: f64, out: &mut Vec<Command>) {
        let Some(probe) = self.probe.take() else { return };
        out.push(Command::CancelTimer(Timer::ProbeDeadline));
        if let Some(old) = self.active.replace(probe) {
            out.push(Command::Close(old.id));
        }
        out.push(Command::Log(format!("{} works again; switched over", probe.transport.label())));
        self.on_up(probe, now, out);
        self.status.last_data_at = Some(now);
        out.push(Command::SetTimer(Timer::Dead, self.dead_after_ms()));
    }

    pub(super) fn end_probe(&mut self, reason: &str, out: &mut Vec<Command>) {
        self.close_probe(out);
        out.push(Command::Log(reason.to_owned()));
        if self.active.is_some_and(|a| a.up_at.is_some()) {
            out.push(Command::SetTimer(Timer::Probe, self.config.probe_every_ms));
        }
    }

    pub(super) fn close_probe(&mut self, out: &mut Vec<Command>) {
        if let Some(probe) = self.probe.take() {
            out.push(Command::Close(probe.id));
            out.push(Command::CancelTimer(Timer::ProbeDeadline));
        }
    }
}
