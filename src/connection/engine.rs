//! The connection state machine. Pure: events in, commands out; the clock and the
//! random numbers for jitter are passed in.

use pulse_protocol::{Cursor, ServerMessage};

use super::vocabulary::{AttemptId, Command, EngineConfig, Event, Timer};
use super::{ConnectionStatus, LinkState, TransportKind};

/// Counters the tests and the debug handle read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Frames accepted.
    pub frames: u64,
    /// Frames dropped because they were already delivered.
    pub duplicates: u64,
    /// Gap markers emitted.
    pub gaps: u64,
}

#[derive(Debug, Clone, Copy)]
struct Attempt {
    id: AttemptId,
    transport: TransportKind,
    hello: bool,
    up: bool,
}

/// The engine. See the module docs of [`crate::connection`] for its rules.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    status: ConnectionStatus,
    counters: Counters,
    next_id: AttemptId,
    active: Option<Attempt>,
    probe: Option<Attempt>,
    cursor: Option<Cursor>,
    /// The epoch of the last hello, even before any frame.
    epoch: Option<pulse_protocol::Epoch>,
    heartbeat_ms: f64,
    /// The transport that was up when the current outage began.
    was_up: Option<TransportKind>,
    /// Failures since the link was last healthy.
    failures: u32,
    /// The transport the next attempt uses.
    next_transport: TransportKind,
    offline: bool,
    /// A gap marker was emitted and no frame has followed it yet.
    gap_pending: bool,
}

impl Engine {
    /// A stopped engine; send [`Event::Start`].
    pub fn new(config: EngineConfig) -> Self {
        let first = config.forced.or_else(|| config.order.first().copied()).unwrap_or(TransportKind::WebSocket);
        let heartbeat_ms = config.heartbeat_ms;
        Engine {
            config,
            status: ConnectionStatus::default(),
            counters: Counters::default(),
            next_id: 0,
            active: None,
            probe: None,
            cursor: None,
            epoch: None,
            heartbeat_ms,
            was_up: None,
            failures: 0,
            next_transport: first,
            offline: false,
            gap_pending: false,
        }
    }

    /// Sets the resume cursor before starting (e.g. from a history backfill).
    pub fn resume_from(&mut self, cursor: Cursor) {
        self.cursor = Some(cursor);
    }

    /// The status the badge shows.
    pub fn status(&self) -> &ConnectionStatus {
        &self.status
    }

    /// Accepted, duplicate and gap counts.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The resume cursor.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    /// Handles one event at `now` (ms); `random` in `[0, 1)` jitters retry delays.
    pub fn handle(&mut self, event: Event, now: f64, random: f64) -> Vec<Command> {
        let mut out = Vec::new();
        match event {
            Event::Start { remembered } => {
                if let Some(t) = remembered.filter(|t| self.config.forced.is_none() && self.config.order.contains(t)) {
                    self.next_transport = t;
                }
                self.open(&mut out);
            }
            Event::Messages { attempt, messages } => self.on_messages(attempt, messages, now, random, &mut out),
            Event::Failed { attempt, reason, retry_after_ms } => {
                if self.probe.is_some_and(|p| p.id == attempt) {
                    self.end_probe(&format!("WebSocket probe failed: {reason}"), &mut out);
                } else if self.active.is_some_and(|a| a.id == attempt) {
                    self.fail(&reason, retry_after_ms, now, random, &mut out);
                }
            }
            Event::Timer(timer) => self.on_timer(timer, now, random, &mut out),
            Event::Offline => {
                self.offline = true;
                self.close_all(&mut out);
                out.push(Command::CancelTimer(Timer::Retry));
                self.status.state = LinkState::Offline;
                self.status.next_retry_at = None;
                out.push(Command::Log("the browser is offline; waiting for the network".into()));
            }
            Event::Online => {
                if self.offline {
                    self.offline = false;
                    self.failures = 0;
                    out.push(Command::Log("the browser is online again; reconnecting now".into()));
                    self.reconnect_now(&mut out);
                }
            }
            Event::Visible => self.on_visible(now, &mut out),
            Event::PageShow => {
                out.push(Command::Log("page restored from the back-forward cache; reconnecting".into()));
                self.close_all(&mut out);
                self.reconnect_now(&mut out);
            }
            Event::RetryNow => {
                if self.status.state != LinkState::Live && !self.offline {
                    out.push(Command::Log("retrying now, as asked".into()));
                    self.close_all(&mut out);
                    self.reconnect_now(&mut out);
                }
            }
        }
        out
    }

    fn on_messages(
        &mut self,
        attempt: AttemptId,
        messages: Vec<ServerMessage>,
        now: f64,
        random: f64,
        out: &mut Vec<Command>,
    ) {
        let is_probe = self.probe.is_some_and(|p| p.id == attempt);
        if !is_probe && self.active.is_none_or(|a| a.id != attempt) {
            return;
        }
        let mut frames = Vec::new();
        let mut data = false;
        let mut hello = false;
        for message in messages {
            match message {
                ServerMessage::Hello(h) => {
                    hello = true;
                    self.heartbeat_ms = h.heartbeat_ms as f64;
                    if self.epoch.as_ref().is_some_and(|e| e != &h.epoch)
                        || self.cursor.as_ref().is_some_and(|c| c.epoch != h.epoch)
                    {
                        self.flush(&mut frames, out);
                        self.gap(out, "the server restarted (new epoch)");
                        self.cursor = None;
                    }
                    self.epoch = Some(h.epoch.clone());
                    out.push(Command::Hello(Box::new(h)));
                }
                ServerMessage::Frame(frame) => {
                    data = true;
                    match &mut self.cursor {
                        Some(cursor) if frame.seq <= cursor.seq => self.counters.duplicates += 1,
                        Some(cursor) => {
                            let hole = frame.seq > cursor.seq + 1;
                            cursor.seq = frame.seq;
                            if hole {
                                self.flush(&mut frames, out);
                                self.gap(out, "frames were missing");
                            }
                            self.counters.frames += 1;
                            self.gap_pending = false;
                            frames.push(frame);
                        }
                        None => {
                            let epoch = self.epoch.clone().unwrap_or_else(|| pulse_protocol::Epoch(String::new()));
                            self.cursor = Some(Cursor { epoch, seq: frame.seq });
                            self.counters.frames += 1;
                            self.gap_pending = false;
                            frames.push(frame);
                        }
                    }
                }
                ServerMessage::Heartbeat(_) => data = true,
                ServerMessage::Gap(gap) => {
                    self.flush(&mut frames, out);
                    self.gap(out, &format!("the server reports missing frames ({:?})", gap.reason));
                    if let Some(epoch) = self.epoch.clone() {
                        self.cursor = Some(Cursor { epoch, seq: gap.next_seq.saturating_sub(1) });
                    }
                }
                ServerMessage::Bye(bye) => {
                    self.flush(&mut frames, out);
                    let reason = format!("the server is {} (back in {} ms)", bye.reason, bye.retry_ms);
                    let hint = Some(bye.retry_ms as f64);
                    if is_probe {
                        self.end_probe(&reason, out);
                    } else {
                        self.fail(&reason, hint, now, random, out);
                    }
                    return;
                }
            }
        }
        self.flush(&mut frames, out);
        let target = if is_probe { &mut self.probe } else { &mut self.active };
        let Some(current) = target.as_mut() else {
            return;
        };
        current.hello |= hello;
        if current.hello && (data || hello) {
            let became_up = !current.up && data;
            if data {
                current.up = true;
            }
            if is_probe && became_up {
                self.promote_probe(now, out);
            } else if !is_probe {
                if became_up {
                    self.on_up(now, out);
                }
                if current_up(&self.active) {
                    self.status.last_data_at = Some(now);
                    out.push(Command::SetTimer(Timer::Dead, self.dead_after_ms()));
                }
            }
        }
    }

    fn on_up(&mut self, now: f64, out: &mut Vec<Command>) {
        let Some(active) = self.active else { return };
        out.push(Command::CancelTimer(Timer::Connect));
        out.push(Command::CancelTimer(Timer::Retry));
        out.push(Command::SetTimer(Timer::Healthy, self.config.healthy_after_ms));
        self.status = ConnectionStatus {
            state: LinkState::Live,
            transport: Some(active.transport),
            attempt: 0,
            next_retry_at: None,
            last_data_at: Some(now),
            last_error: None,
        };
        self.was_up = None;
        out.push(Command::Log(format!("live over {}", active.transport.label())));
        let best = self.config.order.first().copied();
        if self.config.forced.is_none() {
            out.push(Command::Remember((Some(active.transport) != best).then_some(active.transport)));
            if Some(active.transport) != best {
                out.push(Command::SetTimer(Timer::Probe, self.config.probe_every_ms));
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, now: f64, random: f64, out: &mut Vec<Command>) {
        match timer {
            Timer::Connect if self.active.is_some_and(|a| !a.up) => {
                let transport = self.active.map(|a| a.transport).unwrap_or(TransportKind::WebSocket);
                let deadline = self.config.connect_deadline_ms(transport);
                self.fail(&format!("no data within {} s", deadline / 1000.0), None, now, random, out);
            }
            Timer::Dead if current_up(&self.active) => {
                let silent = self.dead_after_ms() / 1000.0;
                self.fail(&format!("silent for {silent} s: the link is dead"), None, now, random, out);
            }
            Timer::Retry if self.active.is_none() && !self.offline => self.open(out),
            Timer::Healthy if current_up(&self.active) => self.failures = 0,
            Timer::Probe if current_up(&self.active) && self.probe.is_none() => self.start_probe(out),
            Timer::ProbeDeadline if self.probe.is_some() => self.end_probe("WebSocket probe got no data", out),
            _ => {}
        }
    }

    fn on_visible(&mut self, now: f64, out: &mut Vec<Command>) {
        let silent_for = self.status.last_data_at.map_or(0.0, |at| now - at);
        if current_up(&self.active) && silent_for > self.dead_after_ms() {
            out.push(Command::Log("tab visible again and the link went quiet; reconnecting".into()));
            self.close_all(&mut *out);
            self.reconnect_now(out);
        } else if self.active.is_none() && !self.offline && self.status.next_retry_at.is_some_and(|at| now >= at) {
            self.open(out);
        }
    }

    /// The active attempt failed (or was declared dead): close it and decide what next.
    fn fail(&mut self, reason: &str, hint: Option<f64>, now: f64, random: f64, out: &mut Vec<Command>) {
        let Some(active) = self.active.take() else {
            return;
        };
        out.push(Command::Close(active.id));
        out.push(Command::CancelTimer(Timer::Connect));
        out.push(Command::CancelTimer(Timer::Dead));
        out.push(Command::CancelTimer(Timer::Probe));
        self.close_probe(out);
        out.push(Command::Log(format!("{}: {reason}", active.transport.label())));
        self.status.last_error = Some(reason.to_owned());
        if active.up {
            self.was_up = Some(active.transport);
            self.failures = 0;
        }
        self.failures += 1;
        let order = self.order();
        let position = order.iter().position(|t| *t == active.transport).unwrap_or(0);
        let retry_same = self.config.forced.is_some()
            || hint.is_some()
            || (self.was_up == Some(active.transport) && self.failures <= self.config.retries_before_fallback);
        if retry_same {
            self.next_transport = active.transport;
        } else if let Some(&next) = order.get(position + 1) {
            // A transport that never came up: fall back to the next one at once.
            self.next_transport = next;
            out.push(Command::Log(format!("falling back to {}", next.label())));
            self.open(out);
            return;
        } else {
            self.next_transport = order[0];
        }
        let delay = self.config.backoff.delay(self.failures, hint, random);
        self.status.state = LinkState::Reconnecting;
        self.status.attempt = self.failures;
        self.status.next_retry_at = Some(now + delay);
        out.push(Command::SetTimer(Timer::Retry, delay));
        out.push(Command::Log(format!("retrying {} in {:.1} s", self.next_transport.label(), delay / 1000.0)));
    }

    fn open(&mut self, out: &mut Vec<Command>) {
        self.next_id += 1;
        let transport = self.next_transport;
        self.active = Some(Attempt { id: self.next_id, transport, hello: false, up: false });
        if self.status.state != LinkState::Live {
            self.status.state = if self.failures == 0 { LinkState::Connecting } else { LinkState::Reconnecting };
        }
        self.status.transport = Some(transport);
        self.status.next_retry_at = None;
        out.push(Command::Open { attempt: self.next_id, transport, cursor: self.cursor.clone() });
        out.push(Command::SetTimer(Timer::Connect, self.config.connect_deadline_ms(transport)));
    }

    fn reconnect_now(&mut self, out: &mut Vec<Command>) {
        out.push(Command::CancelTimer(Timer::Retry));
        if self.was_up.is_none() && self.status.state == LinkState::Live {
            self.was_up = self.active.map(|a| a.transport);
        }
        self.next_transport = self.config.forced.unwrap_or_else(|| self.was_up.unwrap_or(self.order()[0]));
        self.status.state = LinkState::Connecting;
        self.open(out);
    }

    fn start_probe(&mut self, out: &mut Vec<Command>) {
        let best = self.order()[0];
        self.next_id += 1;
        self.probe = Some(Attempt { id: self.next_id, transport: best, hello: false, up: false });
        out.push(Command::Log(format!("probing {} quietly", best.label())));
        out.push(Command::Open { attempt: self.next_id, transport: best, cursor: self.cursor.clone() });
        out.push(Command::SetTimer(Timer::ProbeDeadline, self.config.connect_deadline_ms(best)));
    }

    fn promote_probe(&mut self, now: f64, out: &mut Vec<Command>) {
        let Some(probe) = self.probe.take() else {
            return;
        };
        if let Some(old) = self.active.replace(probe) {
            out.push(Command::Close(old.id));
        }
        out.push(Command::CancelTimer(Timer::ProbeDeadline));
        out.push(Command::Log(format!("{} works again; switched over", probe.transport.label())));
        self.on_up(now, out);
        out.push(Command::SetTimer(Timer::Dead, self.dead_after_ms()));
    }

    fn end_probe(&mut self, reason: &str, out: &mut Vec<Command>) {
        self.close_probe(out);
        out.push(Command::Log(reason.to_owned()));
        if current_up(&self.active) {
            out.push(Command::SetTimer(Timer::Probe, self.config.probe_every_ms));
        }
    }

    fn close_probe(&mut self, out: &mut Vec<Command>) {
        if let Some(probe) = self.probe.take() {
            out.push(Command::Close(probe.id));
            out.push(Command::CancelTimer(Timer::ProbeDeadline));
        }
    }

    fn close_all(&mut self, out: &mut Vec<Command>) {
        if let Some(active) = self.active.take() {
            if active.up {
                self.was_up = Some(active.transport);
            }
            out.push(Command::Close(active.id));
        }
        self.close_probe(out);
        for timer in [Timer::Connect, Timer::Dead, Timer::Probe] {
            out.push(Command::CancelTimer(timer));
        }
    }

    fn gap(&mut self, out: &mut Vec<Command>, why: &str) {
        out.push(Command::Log(format!("gap: {why}")));
        if !self.gap_pending {
            self.gap_pending = true;
            self.counters.gaps += 1;
            out.push(Command::Gap);
        }
    }

    fn flush(&self, frames: &mut Vec<pulse_protocol::Frame>, out: &mut Vec<Command>) {
        if !frames.is_empty() {
            out.push(Command::Frames(std::mem::take(frames)));
        }
    }

    fn order(&self) -> Vec<TransportKind> {
        match self.config.forced {
            Some(forced) => vec![forced],
            None if self.config.order.is_empty() => TransportKind::ALL.to_vec(),
            None => self.config.order.clone(),
        }
    }

    fn dead_after_ms(&self) -> f64 {
        self.heartbeat_ms.max(100.0) * self.config.dead_after_heartbeats
    }
}

fn current_up(attempt: &Option<Attempt>) -> bool {
    attempt.is_some_and(|a| a.up)
}

#[cfg(test)]
mod tests;
