//! The connection state machine. Pure: events in, commands out; the clock and the
//! random numbers for jitter are passed in.

mod failover;
mod lifecycle;
mod messages;
mod probe;
mod subscribe;

use pulse_protocol::{Cursor, Epoch};

use super::resume::{Counters, Resume};
use super::vocabulary::{AttemptId, Command, Event, Timer};
use super::{ConnectionStatus, EngineConfig, LinkState, TransportKind};

/// The engine. See the module docs of [`crate::connection`] for its rules.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    status: ConnectionStatus,
    resume: Resume,
    next_id: AttemptId,
    active: Option<Attempt>,
    probe: Option<Attempt>,
    /// From the last hello.
    heartbeat_ms: f64,
    /// The transport that was up when the current outage began.
    was_up: Option<TransportKind>,
    /// Failures of `was_up` in this outage.
    was_up_failures: u32,
    /// The transport lost when this outage began, kept through the whole outage.
    lost: Option<TransportKind>,
    /// Backoff steps since the link was last healthy.
    retries: u32,
    /// The transport the next attempt uses.
    next_transport: TransportKind,
    /// When the pending retry is due (wall clock), if one is pending.
    retry_at: Option<f64>,
    offline: bool,
    ever_up: bool,
    /// The stream shown: a host's id, `@fleet`, or "" (the URL's own).
    shown: String,
    /// The cursors of the streams shown before, most recent last.
    others: Vec<(String, Resume)>,
    /// The `subscribe`s on the active attempt that wait for their answers.
    awaiting: Option<subscribe::Awaiting>,
}

/// How often a page showing a host the hub does not have looks for it again, in
/// ms: its agent may connect later (a link opened before the agent's first
/// connect, a hub restarted without a store), and a look costs one request.
pub const NO_SUCH_HOST_RECHECK_MS: f64 = 15_000.0;

/// One connection attempt.
#[derive(Debug, Clone, Copy)]
struct Attempt {
    id: AttemptId,
    transport: TransportKind,
    opened_at: f64,
    /// When the socket itself opened (WebSocket only).
    socket_open_at: Option<f64>,
    hello: bool,
    up_at: Option<f64>,
    last_data_at: f64,
    /// Its hub takes `subscribe` on this socket.
    subscribe: bool,
}

impl Attempt {
    fn new(id: AttemptId, transport: TransportKind, now: f64) -> Self {
        Attempt {
            id,
            transport,
            opened_at: now,
            socket_open_at: None,
            hello: false,
            up_at: None,
            last_data_at: now,
            subscribe: false,
        }
    }
}

impl Engine {
    /// A stopped engine; send [`Event::Start`].
    pub fn new(config: EngineConfig) -> Self {
        let first = config.transports()[0];
        Engine {
            heartbeat_ms: config.heartbeat_ms,
            config,
            status: ConnectionStatus::default(),
            resume: Resume::default(),
            next_id: 0,
            active: None,
            probe: None,
            was_up: None,
            was_up_failures: 0,
            lost: None,
            retries: 0,
            next_transport: first,
            retry_at: None,
            offline: false,
            ever_up: false,
            shown: String::new(),
            others: Vec::new(),
            awaiting: None,
        }
    }

    /// Sets the resume cursor before starting (e.g. from a history backfill).
    pub fn resume_from(&mut self, cursor: Cursor) {
        self.resume.set(cursor);
    }

    /// The status the badge shows.
    pub fn status(&self) -> &ConnectionStatus {
        &self.status
    }

    /// Accepted, duplicate and gap counts.
    pub fn counters(&self) -> Counters {
        self.resume.counters()
    }

    /// The resume cursor.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.resume.cursor()
    }

    /// The server run last heard from.
    pub fn epoch(&self) -> Option<&Epoch> {
        self.resume.epoch()
    }

    /// How long a live link may stay silent before it counts as dead.
    pub fn dead_after_ms(&self) -> f64 {
        self.heartbeat_ms * self.config.dead_after_heartbeats
    }

    /// Handles one event at `now` (ms, wall clock); `random` in `[0, 1)` jitters delays.
    pub fn handle(&mut self, event: Event, now: f64, random: f64) -> Vec<Command> {
        let mut out = Vec::new();
        if self.status.state == LinkState::SignedOut {
            // Signed out is final for this engine: signing in starts a new one.
            return out;
        }
        if self.status.state == LinkState::NoSuchHost {
            // Another stream brings the page back to the hub at once; the host's own
            // only when it is looked for again (every [`NO_SUCH_HOST_RECHECK_MS`], or
            // on the user's word): its agent may connect later.
            match event {
                Event::Subscribe { host } => self.on_subscribe(host, now, &mut out),
                Event::Timer(Timer::Retry) | Event::RetryNow => {}
                _ => return out,
            }
            out.push(Command::CancelTimer(Timer::Retry));
            self.status.state = LinkState::Connecting;
            self.status.last_error = None;
            self.open(now, &mut out);
            return out;
        }
        match event {
            Event::Start { remembered } => self.start(remembered, now, &mut out),
            Event::Opened { attempt } => self.on_opened(attempt, now, &mut out),
            Event::Messages { attempt, messages } => self.on_messages(attempt, messages, now, random, &mut out),
            Event::Malformed { attempt, error } => {
                if let Some(a) = self.attempt(attempt) {
                    out.push(Command::Log(format!("{}: {error} (ignored)", a.transport.label())));
                }
            }
            Event::Failed { attempt, reason, retry_after_ms } => {
                if self.probe.is_some_and(|p| p.id == attempt) {
                    self.end_probe(&format!("probe failed: {reason}"), &mut out);
                } else if self.active.is_some_and(|a| a.id == attempt) {
                    self.fail(&reason, retry_after_ms, false, now, random, &mut out);
                }
            }
            Event::Unauthorized { attempt, reason } => self.on_unauthorized(attempt, &reason, &mut out),
            Event::NoSuchHost { host, reason } => self.on_no_such_host(&host, &reason, &mut out),
            Event::Timer(timer) => self.on_timer(timer, now, random, &mut out),
            Event::Offline => self.on_offline(&mut out),
            Event::Online => self.on_online(now, &mut out),
            Event::Visible => self.on_visible(now, random, &mut out),
            Event::PageShow => self.on_page_show(now, &mut out),
            Event::RetryNow => self.on_retry_now(now, &mut out),
            Event::Subscribe { host } => self.on_subscribe(host, now, &mut out),
        }
        out
    }

    fn start(&mut self, remembered: Option<TransportKind>, now: f64, out: &mut Vec<Command>) {
        let order = self.config.transports();
        if let Some(t) = remembered.filter(|t| self.config.forced.is_none() && order.contains(t)) {
            self.next_transport = t;
            out.push(Command::Log(format!("starting with {}, which worked last time", t.label())));
        }
        if self.offline {
            self.status.state = LinkState::Offline;
        } else {
            self.open(now, out);
        }
    }

    /// When `attempt` must have come up: its transport's deadline, or sooner for a
    /// WebSocket whose socket opened.
    fn connect_deadline_at(&self, attempt: &Attempt) -> f64 {
        let overall = attempt.opened_at + self.config.connect_deadline_ms(attempt.transport);
        let after_open =
            attempt.socket_open_at.map_or(f64::INFINITY, |at| at + self.config.deadlines.websocket_after_open_ms);
        overall.min(after_open)
    }

    fn on_opened(&mut self, id: AttemptId, now: f64, out: &mut Vec<Command>) {
        let is_probe = self.probe.is_some_and(|p| p.id == id);
        let slot = if is_probe { &mut self.probe } else { &mut self.active };
        let Some(attempt) = slot.as_mut().filter(|a| a.id == id && a.up_at.is_none()) else { return };
        if attempt.transport != TransportKind::WebSocket || attempt.socket_open_at.is_some() {
            return;
        }
        attempt.socket_open_at = Some(now);
        let attempt = *attempt;
        let timer = if is_probe { Timer::ProbeDeadline } else { Timer::Connect };
        out.push(Command::SetTimer(timer, (self.connect_deadline_at(&attempt) - now).max(0.0)));
    }

    /// The credential was refused: close everything, stop every timer, and wait for
    /// the page to sign in (a new engine starts then). Any attempt counts, the probe
    /// included: a revoked credential is revoked on every transport.
    fn on_unauthorized(&mut self, id: Option<AttemptId>, reason: &str, out: &mut Vec<Command>) {
        let by = match id {
            Some(id) => match self.attempt(id) {
                Some(attempt) => attempt.transport.label(),
                None => return,
            },
            None => "the hub",
        };
        out.push(Command::Log(format!("{by}: not signed in ({reason})")));
        self.close_active(out);
        self.close_probe(out);
        for timer in [Timer::Retry, Timer::ProbeDeadline] {
            out.push(Command::CancelTimer(timer));
        }
        self.retry_at = None;
        self.status.state = LinkState::SignedOut;
        self.status.next_retry_at = None;
        self.status.last_error = Some(format!("sign-in needed: {reason}"));
        out.push(Command::SignedOut);
    }

    /// The hub has no host `host`: if the page still shows it, close everything and
    /// stop every timer, as for a refused credential, until another stream is shown.
    fn on_no_such_host(&mut self, host: &str, reason: &str, out: &mut Vec<Command>) {
        if host != self.shown {
            return; // A stream the page has left since.
        }
        let every = NO_SUCH_HOST_RECHECK_MS / 1000.0;
        out.push(Command::Log(format!("no host {host:?} on this hub ({reason}): looking again every {every} s")));
        self.close_active(out);
        self.close_probe(out);
        out.push(Command::CancelTimer(Timer::ProbeDeadline));
        out.push(Command::SetTimer(Timer::Retry, NO_SUCH_HOST_RECHECK_MS));
        self.retry_at = None;
        // The transports did not fail: the host was missing. The next stream starts
        // afresh, on the first transport.
        self.retries = 0;
        self.was_up = None;
        self.was_up_failures = 0;
        self.next_transport = self.config.transports()[0];
        self.status.state = LinkState::NoSuchHost;
        self.status.attempt = 0;
        self.status.next_retry_at = None;
        self.status.last_error = Some(reason.to_owned());
    }

    fn attempt(&self, id: AttemptId) -> Option<Attempt> {
        self.active.filter(|a| a.id == id).or(self.probe.filter(|p| p.id == id))
    }

    fn on_timer(&mut self, timer: Timer, now: f64, random: f64, out: &mut Vec<Command>) {
        match timer {
            Timer::Connect => self.check_connect(now, random, out),
            Timer::Dead => self.check_dead(now, random, out),
            Timer::Retry if self.active.is_none() && !self.offline => self.open(now, out),
            Timer::Probe if self.active.is_some_and(|a| a.up_at.is_some()) && self.probe.is_none() => {
                self.start_probe(now, out)
            }
            Timer::ProbeDeadline if self.probe.is_some() => self.end_probe("the probe got no data in time", out),
            _ => {}
        }
    }

    fn open(&mut self, now: f64, out: &mut Vec<Command>) {
        self.next_id += 1;
        let transport = self.next_transport;
        self.active = Some(Attempt::new(self.next_id, transport, now));
        self.retry_at = None;
        self.status.transport = Some(transport);
        self.status.next_retry_at = None;
        let cursor = self.resume.cursor().cloned();
        out.push(Command::Open { attempt: self.next_id, transport, cursor });
        out.push(Command::SetTimer(Timer::Connect, self.config.connect_deadline_ms(transport)));
    }

    /// Closes the active attempt, its timers and any probe; returns what it was.
    fn close_active(&mut self, out: &mut Vec<Command>) -> Option<Attempt> {
        let active = self.active.take()?;
        self.awaiting = None;
        out.push(Command::Close(active.id));
        for timer in [Timer::Connect, Timer::Dead, Timer::Probe] {
            out.push(Command::CancelTimer(timer));
        }
        self.close_probe(out);
        Some(active)
    }
}
