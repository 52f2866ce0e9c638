//! History backfill: the charts start full, and a wider range fetches what the
//! store does not hold. A request for no more than the one in flight is dropped,
//! and an answer is not applied when a wider request has started since (loading
//! history replaces older rows, so a narrower answer arriving last would shorten
//! the charts). A fetch that failed (the server was down or refused the page when
//! it loaded) is made again once the link is live, so the charts still start full.
//! An answer for a stream the page has left (`hooks/shown`) is dropped: neither
//! its rows nor its refusal are the new stream's. A 404 (the hub has no such host)
//! stops the connection from trying to show it.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::shown::Shown;
use crate::store::SeriesStore;
use crate::transport::fetch_history;
use crate::transport::ServerUrl;

/// What a backfill needs from the connection it fills the store for (the runner:
/// this module does not know it, so the arrow points one way).
pub trait Connection: 'static {
    /// The server (and host) to ask.
    fn server(&self) -> ServerUrl;
    /// Adds a line to the connection log.
    fn log(&self, text: &str);
    /// The server refused this page: show why.
    fn refused(&self, why: String);
    /// The hub has no host `host` (404): stop trying to show it.
    fn no_such_host(&self, host: String, why: String);
}

/// History fetched when the page starts, so the charts start full: 5 minutes.
pub const INITIAL_BACKFILL_MS: f64 = 300_000.0;

/// Samples this close to the asked-for start count as covering it.
const SLACK_MS: f64 = 5_000.0;

/// The span asked for so far and the request in flight.
#[derive(Debug, Default)]
pub struct Backfill {
    /// The widest span asked for (remembered until the runner exists).
    pub wanted_ms: Cell<f64>,
    /// The widest request in flight.
    in_flight_ms: Cell<Option<f64>>,
    /// The span of the last request, if it failed: fetched again by [`Backfill::retry`].
    failed_ms: Cell<Option<f64>>,
    /// The stream shown, so an answer for one the page left is dropped.
    shown: Shown,
}

impl Backfill {
    /// Makes sure `store` holds the last `span_ms`, fetching history if it does not.
    pub fn request<C: Connection>(self: &Rc<Self>, runner: &Rc<C>, store: RwSignal<SeriesStore>, span_ms: f64) {
        self.wanted_ms.set(self.wanted_ms.get().max(span_ms));
        if self.in_flight_ms.get().is_some_and(|f| f >= span_ms) {
            return;
        }
        let now = js_sys::Date::now();
        let from = now - span_ms;
        let server = runner.server();
        let covers = |h: &crate::store::HostSeries| h.oldest_ts().is_some_and(|t| t <= from + SLACK_MS);
        let covered = store.with_untracked(|s| match server.host() {
            // A fleet host (or the summary): its own rings.
            Some(id) => s.host(id).is_some_and(covers),
            None => s.hosts().count() > 0 && s.hosts().all(|(_, h)| covers(h)),
        });
        if covered {
            return;
        }
        self.in_flight_ms.set(Some(span_ms));
        let (me, runner) = (self.clone(), runner.clone());
        let ticket = self.shown.ticket();
        spawn_local(async move {
            let result = fetch_history(&server, from).await;
            if !me.shown.current(ticket) {
                return; // Asked for a stream the page has left since.
            }
            if me.in_flight_ms.get().is_some_and(|widest| widest > span_ms) {
                return; // A wider request is on its way and will bring all of this.
            }
            me.in_flight_ms.set(None);
            match result {
                Ok(history) => {
                    me.failed_ms.set(None);
                    let rows = history.ts.len();
                    store.update(|s| s.load_history(&history));
                    runner.log(&format!("loaded {rows} samples of history"));
                }
                Err(error) => {
                    me.failed_ms.set(Some(span_ms));
                    runner.log(&format!("could not load history: {error}"));
                    if error.is_refusal() {
                        runner.refused(error.to_string());
                    }
                    if let (Some(host), Some(why)) = (server.host(), error.missing()) {
                        runner.no_such_host(host.to_owned(), why.to_owned());
                    }
                }
            }
        });
    }

    /// Forgets the request in flight and the one that failed: the page shows another
    /// stream, whose history is asked for afresh (an answer still on its way is
    /// dropped when it comes).
    pub fn forget(&self) {
        self.shown.moved();
        self.in_flight_ms.set(None);
        self.failed_ms.set(None);
    }

    /// Fetches again what the last request failed to fetch, if it failed; the
    /// runner calls this when the link becomes live (the server answers again).
    pub fn retry<C: Connection>(self: &Rc<Self>, runner: &Rc<C>, store: RwSignal<SeriesStore>) {
        if let Some(span_ms) = self.failed_ms.take() {
            runner.log("fetching the history that could not be loaded before");
            self.request(runner, store, span_ms);
        }
    }
}
