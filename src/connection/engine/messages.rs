//! Messages from a transport: hello, frames, heartbeats, gaps, goodbyes, the live
//! alerts, the hub's status and a hub's refusal of a `subscribe`. A transport is up
//! only when hello and then data (a frame or heartbeat) arrived; the alerts and the
//! hub's status are handed on as they are, and are not data: they neither make a
//! link live nor move the cursor.

use pulse_protocol::{ServerMessage, PROTOCOL_VERSION};

use super::{subscribe, Attempt, AttemptId, Engine, LinkState, Timer, TransportKind};
use crate::connection::{Command, ConnectionStatus};

impl Engine {
    pub(super) fn on_messages(
        &mut self,
        id: AttemptId,
        messages: Vec<ServerMessage>,
        now: f64,
        random: f64,
        out: &mut Vec<Command>,
    ) {
        let Some(attempt) = self.attempt(id) else { return };
        let is_probe = self.probe.is_some_and(|p| p.id == id);
        let (mut data, mut hello, mut new_epoch) = (false, false, false);
        let mut subscribe = attempt.subscribe;
        for message in messages {
            let whose = if is_probe { subscribe::Whose::Shown } else { self.whose(&message) };
            if whose == subscribe::Whose::Refused {
                let detail = match &message {
                    ServerMessage::Error(error) => error.detail.as_str(),
                    _ => "",
                };
                let reason = format!("the hub cannot show that stream: {detail}");
                return self.fail(&reason, None, false, now, random, out);
            }
            if whose == subscribe::Whose::Left {
                match message {
                    // The old stream's: it says the socket lives, and nothing more.
                    ServerMessage::Hello(_) | ServerMessage::Frame(_) | ServerMessage::Heartbeat(_) => data = true,
                    ServerMessage::Gap(_) => {}
                    ServerMessage::Alerts(alerts) => out.push(Command::Alerts(alerts)),
                    ServerMessage::Hub(status) => out.push(Command::Hub(status)),
                    // A stream the page passed through: it has moved on from it.
                    ServerMessage::Error(error) => {
                        out.push(Command::Log(format!("a stream already left was refused: {}", error.detail)));
                    }
                    ServerMessage::Bye(bye) => {
                        let reason = format!("the server is {} (back in {} ms)", bye.reason, bye.retry_ms);
                        return self.fail(&reason, Some(bye.retry_ms as f64), true, now, random, out);
                    }
                }
                continue;
            }
            match message {
                ServerMessage::Hello(h) => {
                    hello = true;
                    subscribe = subscribe::takes_subscribe(attempt.transport, &h);
                    if let Some(warning) = newer_protocol(h.protocol) {
                        out.push(Command::Log(warning));
                    }
                    self.heartbeat_ms = (h.heartbeat_ms as f64).clamp(250.0, 60_000.0);
                    new_epoch |= self.resume.hello(&h, out);
                    out.push(Command::Hello(Box::new(h)));
                }
                ServerMessage::Frame(frame) => {
                    data = true;
                    self.resume.frame(frame, out);
                }
                ServerMessage::Heartbeat(_) => data = true,
                ServerMessage::Gap(gap) => self.resume.server_gap(&gap, out),
                ServerMessage::Alerts(alerts) => out.push(Command::Alerts(alerts)),
                ServerMessage::Hub(status) => out.push(Command::Hub(status)),
                ServerMessage::Error(error) => {
                    out.push(Command::Log(format!("the hub says: {} ({})", error.detail, error.error)));
                }
                ServerMessage::Bye(bye) => {
                    let reason = format!("the server is {} (back in {} ms)", bye.reason, bye.retry_ms);
                    if is_probe {
                        self.end_probe(&reason, out);
                    } else {
                        self.fail(&reason, Some(bye.retry_ms as f64), true, now, random, out);
                    }
                    return;
                }
            }
        }
        let attempt = Attempt { hello: attempt.hello || hello, last_data_at: now, subscribe, ..attempt };
        let became_up = attempt.up_at.is_none() && attempt.hello && data;
        let attempt = if became_up { Attempt { up_at: Some(now), ..attempt } } else { attempt };
        if is_probe {
            self.probe = Some(attempt);
            if became_up {
                self.promote_probe(now, out);
            }
            return;
        }
        self.active = Some(attempt);
        if became_up {
            self.on_up(attempt, now, out);
        }
        if attempt.up_at.is_some() {
            self.status.last_data_at = Some(now);
            out.push(Command::SetTimer(Timer::Dead, self.dead_after_ms()));
            if new_epoch {
                self.probe_soon_if_on_fallback(attempt.transport, out);
            }
        }
    }

    pub(super) fn on_up(&mut self, active: Attempt, now: f64, out: &mut Vec<Command>) {
        out.push(Command::CancelTimer(Timer::Connect));
        out.push(Command::CancelTimer(Timer::Retry));
        let order = self.config.transports();
        let rank = |t: TransportKind| order.iter().position(|o| *o == t);
        // Back on a worse transport than before this outage (e.g. a restart caught
        // mid-fallback): look at the better one again soon, not in minutes.
        let demoted = self.lost.take().is_some_and(|lost| rank(lost) < rank(active.transport));
        self.status = ConnectionStatus {
            state: LinkState::Live,
            transport: Some(active.transport),
            attempt: 0,
            next_retry_at: None,
            last_data_at: Some(now),
            last_error: None,
        };
        self.was_up = None;
        self.was_up_failures = 0;
        self.retry_at = None;
        self.ever_up = true;
        out.push(Command::Log(format!("live over {}", active.transport.label())));
        if self.config.forced.is_none() {
            let fallback = active.transport != order[0];
            out.push(Command::Remember(fallback.then_some(active.transport)));
            if fallback {
                let after = if demoted { self.config.probe_soon_ms } else { self.config.probe_every_ms };
                out.push(Command::SetTimer(Timer::Probe, after));
            }
        }
    }
}

/// What to tell the user when the server speaks a newer protocol than this page
/// (a page cached or deployed before the server was upgraded): it reads what it
/// can, and says how to get the page that matches.
pub fn newer_protocol(server: u32) -> Option<String> {
    (server > PROTOCOL_VERSION).then(|| {
        format!(
            "the server speaks protocol {server}, this page {PROTOCOL_VERSION}: reload the page \
             (or rebuild the static site) to get the version that matches"
        )
    })
}
