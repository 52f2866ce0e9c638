//! The one handle components get on live data: signals, never transports.
//!
//! [`crate::hooks::use_live_metrics`] builds it; components read it. Nothing in
//! here knows how the data travels.

use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;
use pulse_protocol::{Catalog, HostInfo};

use crate::config::Page;
use crate::connection::ConnectionStatus;
use crate::hooks::HistoryClient;
use crate::store::SeriesStore;

/// Live metrics as signals.
#[derive(Clone, Copy)]
pub struct LiveMetrics {
    /// The connection as the badge shows it.
    pub status: Signal<ConnectionStatus>,
    /// Every series the server streams (names, units, groups).
    pub catalog: Signal<Catalog>,
    /// The samples; notifies on every change. Read with `store.with(|s| ..)`.
    pub store: Signal<SeriesStore>,
    /// The page the configuration chose (`None` until it is known); it changes when
    /// a link is followed in the page, or on Back.
    pub page: Signal<Option<Page>>,
    /// The page's query (`?…`), which changes with in-page navigation: what reads
    /// the URL once tracks this to read it again.
    pub location: Signal<String>,
    /// The hub's hosts (names, tags): on the fleet page, kept current as the
    /// summary shows hosts come and go.
    pub hosts: Signal<Vec<HostInfo>>,
    /// The connection log, oldest first (at most [`LOG_CAPACITY`] entries).
    pub log: Signal<Vec<LogEntry>>,
    /// The fleet's pending and firing alerts as the stream last sent them (`None`
    /// until it sent a set: an older hub, or alerts off, never does).
    pub alerts: Signal<Option<Vec<LiveAlert>>>,
    /// Since when (ms since the Unix epoch) the hub's link to its shared log (Redis,
    /// `--redis`) is down, as the stream last said; `None` while it is up, or when
    /// the hub has none or does not say.
    pub redis_down_since: Signal<Option<i64>>,
    /// Starts the next attempt now instead of waiting for the backoff.
    pub retry_now: Callback<()>,
    /// Makes sure the store holds at least this many milliseconds of history,
    /// fetching it from the server when it does not.
    pub backfill: Callback<f64>,
    /// Where charts fetch history pictures (`crate::hooks::use_history_picture`).
    pub history: HistoryClient,
}

/// Entries kept in the connection log.
pub const LOG_CAPACITY: usize = 50;

/// One line of the connection log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// When it happened, ms on the page clock (`Date.now()`).
    pub at: f64,
    /// What happened, in words.
    pub text: String,
}
