//! The signals the hook hands out, as the runner writes them.

use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;
use pulse_protocol::Catalog;

use super::debug;
use crate::connection::{ConnectionStatus, Counters, LinkState};
use crate::live::{LogEntry, LOG_CAPACITY};
use crate::store::SeriesStore;

/// The signals the runner writes.
#[derive(Clone, Copy)]
pub struct Sinks {
    /// The badge's status.
    pub set_status: WriteSignal<ConnectionStatus>,
    /// The catalogue from hello.
    pub set_catalog: WriteSignal<Catalog>,
    /// The samples.
    pub store: RwSignal<SeriesStore>,
    /// The connection log.
    pub set_log: WriteSignal<Vec<LogEntry>>,
    /// The fleet's pending and firing alerts, as the stream last sent them.
    pub set_alerts: WriteSignal<Option<Vec<LiveAlert>>>,
    /// Since when the hub's shared log (Redis) is out of reach, as the stream last said.
    pub set_redis_down_since: WriteSignal<Option<i64>>,
    /// The server refused the page's credential: the access layer shows sign-in
    /// (or, for a share link, that it was revoked or expired).
    pub signed_out: Callback<()>,
}

impl Sinks {
    /// Shows an error that stops the page from connecting at all: the state is
    /// `Stopped`, with the reason in `last_error`; no attempt is made.
    pub fn fail_to_start(&self, error: &str) {
        let status = ConnectionStatus {
            state: LinkState::Stopped,
            last_error: Some(error.to_owned()),
            ..ConnectionStatus::default()
        };
        debug::status(&status, None, None, Counters::default());
        self.set_status.set(status);
        push_log(self.set_log, error);
    }
}

/// Adds a line to the connection log (and to `window.__pulse.log`).
pub fn push_log(set_log: WriteSignal<Vec<LogEntry>>, text: &str) {
    debug::log(text);
    set_log.update(|log| {
        if log.len() >= LOG_CAPACITY {
            log.remove(0);
        }
        log.push(LogEntry { at: js_sys::Date::now(), text: text.to_owned() });
    });
}
