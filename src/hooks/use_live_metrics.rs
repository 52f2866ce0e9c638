//! `use_live_metrics`: the connection engine as signals.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::{Catalog, Cursor};

use super::lifecycle;
use super::runner::{Runner, Sinks};
use crate::connection::{ConnectionStatus, EngineConfig, Event};
use crate::live::{LiveMetrics, LogEntry};
use crate::store::SeriesStore;
use crate::transport::fetch_history;

/// History fetched before the first connection, so the charts start full.
const INITIAL_BACKFILL_MS: f64 = 300_000.0;

/// Connects to the configured server and keeps the returned signals live.
pub fn use_live_metrics() -> LiveMetrics {
    let (status, set_status) = signal(ConnectionStatus::default());
    let (catalog, set_catalog) = signal(Catalog::default());
    let store = RwSignal::new(SeriesStore::default());
    let (log, set_log) = signal(Vec::<LogEntry>::new());
    let sinks = Sinks { set_status, set_catalog, store, set_log };
    let runner: StoredValue<Option<Rc<Runner>>, LocalStorage> = StoredValue::new_local(None);

    spawn_local(async move {
        let config = match crate::config::load().await {
            Ok(config) => config,
            Err(error) => {
                sinks.fail_to_start(&error.to_string());
                return;
            }
        };
        let engine_config = EngineConfig { forced: config.forced, ..EngineConfig::default() };
        let started = Runner::new(config.server.clone(), engine_config, sinks);
        runner.set_value(Some(started.clone()));
        match fetch_history(&config.server, js_sys::Date::now() - INITIAL_BACKFILL_MS).await {
            Ok(history) => {
                if !history.ts.is_empty() {
                    started.resume_from(Cursor { epoch: history.epoch.clone(), seq: history.last_seq });
                }
                store.update(|s| s.load_history(&history));
            }
            Err(error) => started.log(&format!("no history yet: {error}")),
        }
        lifecycle::listen(&started);
        let remembered = super::remember::load(&config.server);
        started.event(Event::Start { remembered });
    });

    on_cleanup(move || {
        if let Some(runner) = runner.get_value() {
            runner.shut_down();
        }
    });

    let retry_now = Callback::new(move |()| {
        if let Some(runner) = runner.get_value() {
            runner.event(Event::RetryNow);
        }
    });
    let backfill = Callback::new(move |span_ms: f64| {
        let Some(runner) = runner.get_value() else { return };
        let from = js_sys::Date::now() - span_ms;
        let covered =
            store.with_untracked(|s| s.hosts().all(|(_, h)| h.oldest_ts().is_some_and(|t| t <= from + 5_000.0)));
        if covered && store.with_untracked(|s| s.hosts().count() > 0) {
            return;
        }
        spawn_local(async move {
            match fetch_history(runner.server(), from).await {
                Ok(history) => store.update(|s| s.load_history(&history)),
                Err(error) => runner.log(&format!("could not load history: {error}")),
            }
        });
    });

    LiveMetrics {
        status: status.into(),
        catalog: catalog.into(),
        store: store.read_only().into(),
        log: log.into(),
        retry_now,
        backfill,
    }
}
