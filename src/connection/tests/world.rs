//! A simulated world: one server (that can restart, die or freeze), a network with
//! a fixed latency, transports that work, are refused or stay silent, and the
//! hook's timers. Time jumps from one event to the next.

use std::collections::BTreeMap;

use pulse_protocol::{GapReason, ServerMessage};

use super::support::{bye, frame, gap, heartbeat, hello};
use crate::connection::{AttemptId, Command, Engine, EngineConfig, Event, LinkState, Timer, TransportKind};

/// How a transport behaves on this network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Behaviour {
    /// Carries everything.
    Works,
    /// Refused at once (e.g. a proxy that strips `Upgrade`).
    Refused,
    /// Opens but carries nothing (e.g. a buffering proxy).
    Silent,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Server {
    Up,
    Down { back_at: f64 },
    Frozen,
}

struct Conn {
    transport: TransportKind,
    live: bool,
}

pub struct World {
    pub engine: Engine,
    pub now: f64,
    rng: u64,
    timers: BTreeMap<Timer, f64>,
    conns: BTreeMap<AttemptId, Conn>,
    /// Network deliveries: when, to which attempt, what.
    pending: Vec<(f64, AttemptId, Event)>,
    server: Server,
    epoch: u32,
    seq: u64,
    next_tick: f64,
    pub behaviour: BTreeMap<TransportKind, Behaviour>,
    pub latency_ms: f64,
    /// Accepted seqs, `-1` at each gap marker.
    pub delivered: Vec<i64>,
    pub opens: Vec<(f64, TransportKind)>,
    pub remembered: Option<Option<TransportKind>>,
    pub log: Vec<String>,
    /// Every change of state: when, to what, over what.
    pub states: Vec<(f64, LinkState, Option<TransportKind>)>,
    /// The most transports open at once.
    pub max_open: usize,
}

impl World {
    pub fn new(config: EngineConfig) -> Self {
        let behaviour = TransportKind::ALL.iter().map(|t| (*t, Behaviour::Works)).collect();
        World {
            engine: Engine::new(config),
            now: 0.0,
            rng: 0x2545_f491_4f6c_dd1d,
            timers: BTreeMap::new(),
            conns: BTreeMap::new(),
            pending: Vec::new(),
            server: Server::Up,
            epoch: 1,
            seq: 100,
            next_tick: 500.0,
            behaviour,
            latency_ms: 20.0,
            delivered: Vec::new(),
            opens: Vec::new(),
            remembered: None,
            log: Vec::new(),
            states: Vec::new(),
            max_open: 0,
        }
    }

    pub fn with(mut self, transport: TransportKind, behaviour: Behaviour) -> Self {
        self.behaviour.insert(transport, behaviour);
        self
    }

    pub fn start(&mut self, remembered: Option<TransportKind>) {
        self.send(Event::Start { remembered });
    }

    pub fn state(&self) -> (LinkState, Option<TransportKind>) {
        let status = self.engine.status();
        (status.state, status.transport)
    }

    /// When the page first went live at or after `after`.
    pub fn live_at(&self, after: f64) -> Option<f64> {
        self.states.iter().find(|(at, state, _)| *at >= after && *state == LinkState::Live).map(|s| s.0)
    }

    /// The server dies (connections drop) and listens again after `down_ms`, as a
    /// new run; with `bye`, it says goodbye first, as a graceful restart does.
    pub fn restart(&mut self, down_ms: f64, bye_first: bool) {
        for (&id, conn) in &self.conns {
            if conn.live && bye_first {
                self.pending.push((self.now + self.latency_ms, id, messages(id, vec![bye(1_000)])));
            }
            self.pending.push((self.now + self.latency_ms, id, failed(id, "closed (1012)")));
        }
        self.server = Server::Down { back_at: self.now + down_ms };
    }

    /// SIGSTOP: connections stay open and carry nothing.
    pub fn freeze(&mut self) {
        self.server = Server::Frozen;
    }

    pub fn thaw(&mut self) {
        self.server = Server::Up;
        self.next_tick = self.now + 1_000.0;
    }

    pub fn send(&mut self, event: Event) {
        self.rng = self.rng.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let random = (self.rng >> 11) as f64 / (1u64 << 53) as f64;
        let commands = self.engine.handle(event, self.now, random);
        for command in commands {
            self.execute(command);
        }
        let state = self.state();
        if self.states.last().map(|s| (s.1, s.2)) != Some(state) {
            self.states.push((self.now, state.0, state.1));
        }
    }

    /// Runs every event due up to `until`.
    pub fn run_until(&mut self, until: f64) {
        loop {
            let timer = self.timers.iter().map(|(t, at)| (*at, *t)).min_by(|a, b| a.0.total_cmp(&b.0));
            let net = self.pending.iter().enumerate().map(|(i, p)| (p.0, i)).min_by(|a, b| a.0.total_cmp(&b.0));
            let tick = match self.server {
                Server::Up => self.next_tick,
                Server::Down { back_at } => back_at,
                Server::Frozen => f64::INFINITY,
            };
            let next = [timer.map_or(f64::INFINITY, |t| t.0), net.map_or(f64::INFINITY, |n| n.0), tick];
            let at = next.iter().copied().fold(f64::INFINITY, f64::min);
            if at > until {
                self.now = until;
                return;
            }
            self.now = at;
            if let Some((_, which)) = timer.filter(|t| t.0 == at) {
                self.timers.remove(&which);
                self.send(Event::Timer(which));
            } else if let Some((_, index)) = net.filter(|n| n.0 == at) {
                let (_, id, event) = self.pending.remove(index);
                if self.conns.contains_key(&id) {
                    self.send(event);
                }
            } else {
                self.tick();
            }
        }
    }

    fn tick(&mut self) {
        if let Server::Down { .. } = self.server {
            self.server = Server::Up;
            self.epoch += 1;
            self.seq = 0;
            self.next_tick = self.now + 1_000.0;
            return;
        }
        self.seq += 1;
        self.next_tick = self.now + 1_000.0;
        let live: Vec<AttemptId> = self.conns.iter().filter(|(_, c)| c.live).map(|(id, _)| *id).collect();
        for id in live {
            self.pending.push((self.now + self.latency_ms, id, messages(id, vec![frame(self.seq)])));
        }
    }

    fn execute(&mut self, command: Command) {
        match command {
            Command::Open { attempt, transport, cursor } => {
                self.opens.push((self.now, transport));
                let at = self.now + self.latency_ms;
                let behaviour = self.behaviour[&transport];
                let live = self.server == Server::Up && behaviour == Behaviour::Works;
                self.conns.insert(attempt, Conn { transport, live });
                self.max_open = self.max_open.max(self.conns.len());
                if matches!(self.server, Server::Down { .. }) || behaviour == Behaviour::Refused {
                    self.pending.push((at, attempt, failed(attempt, "connection refused")));
                    return;
                }
                if transport == TransportKind::WebSocket && self.server == Server::Up {
                    self.pending.push((at, attempt, Event::Opened { attempt }));
                }
                if live {
                    let epoch = format!("e{}", self.epoch);
                    let mut first = vec![hello(&epoch, self.seq)];
                    match cursor {
                        Some(c) if c.epoch.0 != epoch => {
                            first.push(gap(GapReason::EpochChanged, 1));
                            first.extend((1..=self.seq).map(frame));
                        }
                        Some(c) => first.extend((c.seq + 1..=self.seq).map(frame)),
                        None => {}
                    }
                    self.pending.push((at, attempt, messages(attempt, first)));
                    if transport == TransportKind::WebSocket {
                        // The transport pings after hello; the server answers at once.
                        let pong = messages(attempt, vec![heartbeat(self.seq)]);
                        self.pending.push((at + 2.0 * self.latency_ms, attempt, pong));
                    }
                }
            }
            Command::Close(attempt) => {
                self.conns.remove(&attempt);
            }
            Command::SetTimer(timer, after) => {
                self.timers.insert(timer, self.now + after);
            }
            Command::CancelTimer(timer) => {
                self.timers.remove(&timer);
            }
            Command::Hello(_) | Command::Alerts(_) | Command::Hub(_) => {}
            Command::Frames(frames) => self.delivered.extend(frames.iter().map(|f| f.seq as i64)),
            Command::Gap(_) => self.delivered.push(-1),
            Command::Remember(transport) => self.remembered = Some(transport),
            Command::Log(text) => self.log.push(format!("{:>7.0} {text}", self.now)),
            Command::SignedOut => self.log.push(format!("{:>7.0} signed out", self.now)),
            // The simulated hub's hello offers no `subscribe`.
            Command::Subscribe { host, .. } => self.log.push(format!("{:>7.0} subscribe {host}", self.now)),
        }
    }

    /// Checks that seqs only ever increase between gap markers.
    pub fn assert_no_duplicates_or_silent_holes(&self) {
        for pair in self.delivered.windows(2) {
            if pair[0] >= 0 && pair[1] >= 0 {
                assert_eq!(pair[1], pair[0] + 1, "a hole or a repeat without a gap marker: {:?}", self.delivered);
            }
        }
    }

    /// The transports of the open connections.
    pub fn open_transports(&self) -> Vec<TransportKind> {
        self.conns.values().map(|c| c.transport).collect()
    }
}

fn messages(attempt: AttemptId, messages: Vec<ServerMessage>) -> Event {
    Event::Messages { attempt, messages }
}

fn failed(attempt: AttemptId, reason: &str) -> Event {
    Event::Failed { attempt, reason: reason.into(), retry_after_ms: None }
}
