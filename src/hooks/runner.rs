//! Runs the engine: feeds it events with the page clock and jitter, and carries out
//! its commands with real transports, timers (one per kind), storage and signals.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::{Catalog, Frame, Subscribe, SUBSCRIBE_VERSION};

use super::backfill::{Backfill, Connection, INITIAL_BACKFILL_MS};
use super::catalog::CatalogWatch;
use super::lifecycle::Listeners;
use super::shown::Shown;
use super::sinks::push_log;
pub use super::sinks::Sinks;
use super::slots::Slots;
use super::{debug, remember};
use crate::connection::{AttemptId, Command, Engine, EngineConfig, Event, LinkState, Timer};
use crate::store::SeriesStore;
use crate::transport::{fetch_series, fetch_text, HttpError, ServerUrl, Sink, Transport};

/// Catalogues of streams shown before, kept for coming back to them (the oldest
/// is forgotten; coming back then waits for the stream's `hello`).
const CATALOGS_KEPT: usize = 16;

/// The catalogues of streams not shown, by host (`None`: the hub's own).
type KeptCatalogs = Vec<(Option<String>, Catalog)>;

/// The engine and everything it drives.
pub struct Runner {
    /// The server, showing the stream the page shows now.
    server: RefCell<ServerUrl>,
    /// The catalogue of the stream shown, and those of streams shown before.
    catalogs: RefCell<(Catalog, KeptCatalogs)>,
    engine: RefCell<Engine>,
    transports: RefCell<Slots<AttemptId, Transport>>,
    timers: RefCell<Slots<Timer, Timeout>>,
    catalog: RefCell<CatalogWatch>,
    listeners: RefCell<Listeners>,
    /// Why the server refused this page (a 403), shown until data flows again:
    /// WebSocket and SSE cannot read a refusal, so their failures would hide it.
    refusal: RefCell<Option<String>>,
    /// Whether a credential check is in flight (see [`Runner::check_credential`]).
    checking: Cell<bool>,
    /// Whether the last published state was live: a failed history fetch is made
    /// again when it becomes live.
    live: Cell<bool>,
    backfill: Rc<Backfill>,
    /// The stream shown, so a catalogue fetched for one the page left is dropped.
    shown: Shown,
    sinks: Sinks,
    me: Weak<Runner>,
}

impl Runner {
    /// A runner for `server` that fills the store's history through `backfill`;
    /// nothing happens until [`Event::Start`].
    pub fn new(server: ServerUrl, config: EngineConfig, sinks: Sinks, backfill: Rc<Backfill>) -> Rc<Self> {
        Rc::new_cyclic(|me| Runner {
            server: RefCell::new(server),
            catalogs: RefCell::default(),
            engine: RefCell::new(Engine::new(config)),
            transports: RefCell::default(),
            timers: RefCell::default(),
            catalog: RefCell::default(),
            listeners: RefCell::default(),
            refusal: RefCell::default(),
            checking: Cell::new(false),
            live: Cell::new(false),
            backfill,
            shown: Shown::default(),
            sinks,
            me: me.clone(),
        })
    }

    /// The server in use, showing the stream the page shows.
    pub fn server(&self) -> ServerUrl {
        self.server.borrow().clone()
    }

    /// Shows another stream from now on, on the same connection: fleet host `id`
    /// (`None`: the hub's own host), or `@fleet`. The charts get the catalogue the
    /// stream had when last shown (none: they wait for its `hello`), and its
    /// history is fetched as at the start.
    pub fn show(&self, id: Option<&str>) {
        let server = self.server.borrow().showing(id);
        if *self.server.borrow() == server {
            return;
        }
        let left = self.server.replace(server).host().map(str::to_owned);
        self.shown.moved();
        let catalog = {
            let mut catalogs = self.catalogs.borrow_mut();
            let (shown, kept) = &mut *catalogs;
            let next = match kept.iter().position(|(host, _)| host.as_deref() == id) {
                Some(at) => kept.remove(at).1,
                None => Catalog::default(),
            };
            kept.push((left, std::mem::replace(shown, next.clone())));
            if kept.len() > CATALOGS_KEPT {
                kept.remove(0);
            }
            next
        };
        self.catalog.borrow_mut().learn(&catalog);
        self.sinks.set_catalog.set(catalog);
        debug::showing(id.unwrap_or_default());
        self.event(Event::Subscribe { host: id.unwrap_or_default().to_owned() });
        if let Some(me) = self.me.upgrade() {
            self.backfill.forget();
            self.backfill.request(&me, self.sinks.store, INITIAL_BACKFILL_MS.max(self.backfill.wanted_ms.get()));
        }
    }

    /// Keeps page-lifecycle listeners until [`Runner::shut_down`].
    pub fn keep_listeners(&self, listeners: Listeners) {
        *self.listeners.borrow_mut() = listeners;
    }

    /// Feeds one event and carries out what the engine says.
    pub fn event(&self, event: Event) {
        let commands = self.engine.borrow_mut().handle(event, js_sys::Date::now(), js_sys::Math::random());
        for command in commands {
            self.execute(command);
        }
        self.publish_status();
    }

    /// Remembers that the server refused this page, and why (shown while not live).
    pub fn refused(&self, why: String) {
        *self.refusal.borrow_mut() = Some(why);
        self.publish_status();
    }

    fn publish_status(&self) {
        let mut status = {
            let engine = self.engine.borrow();
            debug::status(engine.status(), engine.epoch(), engine.cursor(), engine.counters());
            engine.status().clone()
        };
        let live = status.state == LinkState::Live;
        if live {
            self.refusal.borrow_mut().take();
        } else if let Some(why) = self.refusal.borrow().as_ref() {
            status.last_error = Some(why.clone());
        }
        if live && !self.live.get() {
            if let Some(me) = self.me.upgrade() {
                self.backfill.retry(&me, self.sinks.store);
            }
        }
        self.live.set(live);
        self.sinks.set_status.maybe_update(|s| {
            let changed = *s != status;
            *s = status;
            changed
        });
    }

    /// Adds a line to the connection log.
    pub fn log(&self, text: &str) {
        push_log(self.sinks.set_log, text);
    }

    /// Closes everything (the page is going away).
    pub fn shut_down(&self) {
        *self.listeners.borrow_mut() = Listeners::default();
        let timers = self.timers.borrow_mut().take_all();
        drop(timers);
        let transports = self.transports.borrow_mut().take_all();
        transports.into_iter().for_each(Transport::close);
    }

    fn execute(&self, command: Command) {
        match command {
            Command::Open { attempt, transport, cursor } => {
                let server = self.server();
                match Transport::open(transport, &server, cursor.as_ref(), self.sink(attempt)) {
                    Ok(open) => {
                        self.transports.borrow_mut().insert(attempt, open);
                    }
                    Err(reason) => self.defer(Event::Failed { attempt, reason, retry_after_ms: None }),
                }
            }
            Command::Subscribe { attempt, host, cursor } => {
                let subscribe = Subscribe { v: SUBSCRIBE_VERSION, host, resume: cursor, columns: true };
                let sent = self.transports.borrow().get(&attempt).map(|open| open.subscribe(&subscribe));
                if let Some(Err(reason)) = sent {
                    self.defer(Event::Failed { attempt, reason, retry_after_ms: None });
                }
            }
            Command::Close(attempt) => {
                let closed = self.transports.borrow_mut().remove(&attempt);
                closed.into_iter().for_each(Transport::close);
            }
            Command::SetTimer(timer, after_ms) => {
                let me = self.me.clone();
                let timeout = Timeout::new(after_ms.clamp(0.0, 2_147_483_647.0) as u32, move || {
                    if let Some(runner) = me.upgrade() {
                        runner.timers.borrow_mut().remove(&timer);
                        runner.event(Event::Timer(timer));
                    }
                });
                // Replacing a timer of the same kind drops, and so clears, the old one.
                self.timers.borrow_mut().insert(timer, timeout);
            }
            Command::CancelTimer(timer) => {
                self.timers.borrow_mut().remove(&timer);
            }
            Command::Hello(hello) => self.set_catalog(hello.catalog),
            Command::Frames(frames) => {
                debug::frames(&frames);
                self.watch_catalog(&frames);
                self.sinks.store.update(|s| frames.iter().for_each(|f| s.push_frame(f)));
            }
            Command::Gap(host) => {
                debug::gap();
                // Only the rings of the stream that lost samples: the others (streams
                // shown before, kept to resume) lost nothing.
                let server = self.server();
                match host.as_deref().or(server.host()) {
                    Some(host) => self.sinks.store.update(|s| s.push_gap_of(host)),
                    // The hub's own host, before any frame named it.
                    None => self.sinks.store.update(SeriesStore::push_gap),
                }
            }
            Command::Alerts(live) => self.sinks.set_alerts.set(Some(live.alerts)),
            Command::Hub(status) => self.sinks.set_redis_down_since.set(status.redis_down_since),
            Command::Remember(transport) => remember::save(&self.server(), transport),
            Command::Log(text) => self.log(&text),
            Command::SignedOut => self.sinks.signed_out.run(()),
        }
    }

    fn set_catalog(&self, catalog: Catalog) {
        self.catalog.borrow_mut().learn(&catalog);
        self.catalogs.borrow_mut().0 = catalog.clone();
        self.sinks.set_catalog.maybe_update(|c| {
            let changed = *c != catalog;
            *c = catalog;
            changed
        });
    }

    /// Refetches the catalogue when frames name a series it does not know.
    fn watch_catalog(&self, frames: &[Frame]) {
        if !self.catalog.borrow_mut().should_refetch(frames, js_sys::Date::now()) {
            return;
        }
        let me = self.me.clone();
        let server = self.server();
        let ticket = self.shown.ticket();
        spawn_local(async move {
            let result = fetch_series(&server).await;
            let Some(runner) = me.upgrade() else { return };
            if !runner.shown.current(ticket) {
                return; // The catalogue of a stream the page has left since.
            }
            match result {
                Ok(catalog) => runner.set_catalog(catalog),
                Err(error) => runner.log(&format!("could not refresh the series catalogue: {error}")),
            }
        });
    }

    /// The callbacks a transport of `attempt` reports to; they do nothing once the
    /// runner is gone, and the engine ignores them once the attempt is over.
    fn sink(&self, attempt: AttemptId) -> Sink {
        let send = {
            let me = self.me.clone();
            Rc::new(move |event: Event| {
                if let Some(runner) = me.upgrade() {
                    runner.event(event);
                }
            })
        };
        let (on_opened, on_messages, on_malformed, on_unauthorized) =
            (send.clone(), send.clone(), send.clone(), send.clone());
        let me = self.me.clone();
        Sink {
            opened: Rc::new(move || on_opened(Event::Opened { attempt })),
            messages: Rc::new(move |messages| on_messages(Event::Messages { attempt, messages })),
            malformed: Rc::new(move |error| on_malformed(Event::Malformed { attempt, error })),
            failed: Rc::new(move |reason, retry_after_ms| {
                send(Event::Failed { attempt, reason, retry_after_ms });
                if let Some(runner) = me.upgrade() {
                    runner.check_credential();
                }
            }),
            unauthorized: Rc::new(move |reason| {
                on_unauthorized(Event::Unauthorized { attempt: Some(attempt), reason })
            }),
        }
    }

    /// A stream that was cut cannot say why (a WebSocket or an `EventSource` never
    /// shows the status): asks the hub whether the page's credential still holds,
    /// and tells the engine when it does not (revoked, expired, signed out
    /// elsewhere). One question at a time; no answer (a hub that is down) says nothing.
    fn check_credential(&self) {
        if self.checking.replace(true) {
            return;
        }
        let me = self.me.clone();
        let url = self.server.borrow().http_as_is("/api/v1/session");
        spawn_local(async move {
            let result = fetch_text(&url, None).await;
            let Some(runner) = me.upgrade() else { return };
            runner.checking.set(false);
            if let Err(HttpError::Status { status: 401, detail, .. }) = result {
                runner.event(Event::Unauthorized { attempt: None, reason: detail });
            }
        });
    }

    /// Handles an event on the next turn of the event loop (never re-entrantly).
    fn defer(&self, event: Event) {
        let me = self.me.clone();
        // Not gloo's `Timeout::forget`, which leaks its closure: this one is freed once run.
        set_timeout(
            move || {
                if let Some(runner) = me.upgrade() {
                    runner.event(event);
                }
            },
            std::time::Duration::ZERO,
        );
    }
}

impl Connection for Runner {
    fn server(&self) -> ServerUrl {
        Runner::server(self)
    }

    fn log(&self, text: &str) {
        Runner::log(self, text);
    }

    fn refused(&self, why: String) {
        Runner::refused(self, why);
    }

    fn no_such_host(&self, host: String, why: String) {
        self.event(Event::NoSuchHost { host, reason: why });
    }
}
