//! `use_live_metrics`: the connection engine as signals.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::alerts::LiveAlert;
use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{Catalog, HostInfo};

use super::backfill::{Backfill, INITIAL_BACKFILL_MS};
use super::history_picture::HistoryClient;
use super::runner::{Runner, Sinks};
use super::{lifecycle, navigation};
use crate::config::{ClientConfig, Page};
use crate::connection::{ConnectionStatus, EngineConfig, Event};
use crate::live::{LiveMetrics, LogEntry};
use crate::store::SeriesStore;
use crate::transport::ServerUrl;

/// Connects to the located server (see [`crate::config`]; `located` is
/// `crate::hooks::use_access`'s) and keeps the returned signals live until the
/// calling component is cleaned up. `shared` is what a share link shows (a host
/// id or `@fleet`), which decides the page; `signed_out` is told when the hub
/// refuses the page's credential.
///
/// On start it chooses the page, opens the best transport at once, and
/// loads [`INITIAL_BACKFILL_MS`] of history (or more, if `backfill` asked for more
/// before the server was known) at the same time. A configuration error shows in
/// `status.last_error` and the log, and nothing connects.
///
/// Links between the fleet, a host and the alerts are followed in the page
/// (`hooks/navigation.rs`, not for a share link, which shows one thing): the page
/// changes, and the one connection changes its stream ([`Runner::show`]).
pub fn use_live_metrics(
    located: Result<ClientConfig, String>,
    shared: Option<String>,
    signed_out: Callback<()>,
) -> LiveMetrics {
    let (status, set_status) = signal(ConnectionStatus::default());
    let (catalog, set_catalog) = signal(Catalog::default());
    let store = RwSignal::new(SeriesStore::default());
    let (log, set_log) = signal(Vec::<LogEntry>::new());
    let (alerts, set_alerts) = signal(None::<Vec<LiveAlert>>);
    let (redis_down_since, set_redis_down_since) = signal(None::<i64>);
    let (page, set_page) = signal(None::<Page>);
    let page_shown = page;
    let hosts = RwSignal::new(Vec::<HostInfo>::new());
    let (fleet_server, set_fleet_server) = signal(None::<ServerUrl>);
    let (server, set_server) = signal(None::<ServerUrl>);
    let (location, set_location) = signal(navigation::query());
    // The hub's host count when the page was chosen: a URL without `host=` or
    // `view=` (Back to where the page opened) is decided the same way again.
    let host_count: StoredValue<Option<usize>> = StoredValue::new(None);
    let follows_links = shared.is_none();
    super::fleet_hosts::keep_current(fleet_server, store.into(), hosts);
    let sinks = Sinks { set_status, set_catalog, store, set_log, set_alerts, set_redis_down_since, signed_out };
    let runner: StoredValue<Option<Rc<Runner>>, LocalStorage> = StoredValue::new_local(None);
    let history: StoredValue<Rc<Backfill>, LocalStorage> = StoredValue::new_local(Rc::default());
    super::debug::reset();

    spawn_local(async move {
        let chosen = match located {
            Ok(located) => crate::config::choose_page(located, shared.as_deref()).await.map_err(|e| e.to_string()),
            Err(error) => Err(error),
        };
        let config = match chosen {
            Ok(config) => config,
            Err(error) => return sinks.fail_to_start(&error),
        };
        hosts.set(config.hosts.clone());
        host_count.set_value((!config.hosts.is_empty()).then_some(config.hosts.len()));
        set_server.set(Some(config.server.clone()));
        if config.page == Page::Fleet {
            set_fleet_server.set(Some(config.server.clone()));
        }
        set_page.set(Some(config.page));
        let engine_config = EngineConfig { forced: config.forced, ..EngineConfig::default() };
        let backfill = history.get_value();
        let started = Runner::new(config.server.clone(), engine_config, sinks, backfill.clone());
        started.log(&format!("server {}", config.server.as_str()));
        runner.set_value(Some(started.clone()));
        // Weak: the runner keeps the listeners, which must not keep the runner.
        let weak = Rc::downgrade(&started);
        let mut listeners = lifecycle::listen(move |event| {
            if let Some(runner) = weak.upgrade() {
                runner.event(event);
            }
        });
        if follows_links {
            navigation::listen(&mut listeners, move || {
                set_location.maybe_update(|shown| {
                    let query = navigation::query();
                    let moved = *shown != query;
                    *shown = query;
                    moved
                });
            });
        }
        started.keep_listeners(listeners);
        // The stream the page opens on, for the engine to keep its cursor by name.
        started.event(Event::Subscribe { host: config.server.host().unwrap_or_default().to_owned() });
        if !lifecycle::online() {
            started.event(Event::Offline);
        }
        let remembered = if config.forced.is_some() { None } else { super::remember::load(&config.server) };
        started.event(Event::Start { remembered });
        let span = backfill.wanted_ms.get().max(INITIAL_BACKFILL_MS);
        backfill.request(&started, store, span);
    });

    // A link followed in the page, or Back: the page the URL asks for now, and its
    // stream on the same connection. Never on the effect's first run: the page the
    // address opened on is the one `choose_page` chose (a share link to the fleet
    // opens the fleet whatever the host count says), even when the start finished
    // before this effect first ran.
    Effect::new(move |first: Option<()>| {
        location.track();
        if first.is_none() {
            return;
        }
        let Some(runner) = runner.get_value() else { return };
        let (host, view) = (crate::config::param("host"), crate::config::param("view"));
        let page = crate::config::page::decide(host.as_deref(), view.as_deref(), host_count.get_value());
        let shown = match page {
            Page::Fleet | Page::Alerts => Some(FLEET_HOST.to_owned()),
            Page::Host => host,
        };
        runner.show(shown.as_deref());
        let server = runner.server();
        if page == Page::Fleet {
            set_fleet_server.set(Some(server.clone()));
        }
        set_server.set(Some(server));
        if page_shown.get_untracked() != Some(page) {
            set_page.set(Some(page));
        }
    });

    on_cleanup(move || {
        if let Some(runner) = runner.try_get_value().flatten() {
            runner.shut_down();
        }
    });

    let retry_now = Callback::new(move |()| {
        if let Some(runner) = runner.get_value() {
            runner.event(Event::RetryNow);
        }
    });
    let backfill = Callback::new(move |span_ms: f64| {
        let backfill = history.get_value();
        match runner.get_value() {
            Some(runner) => backfill.request(&runner, store, span_ms),
            // Not connected yet: remembered, and fetched once the server is known.
            None => backfill.wanted_ms.set(backfill.wanted_ms.get().max(span_ms)),
        }
    });

    LiveMetrics {
        status: status.into(),
        catalog: catalog.into(),
        store: store.read_only().into(),
        page: page.into(),
        location: location.into(),
        hosts: hosts.read_only().into(),
        log: log.into(),
        alerts: alerts.into(),
        redis_down_since: redis_down_since.into(),
        retry_now,
        backfill,
        history: HistoryClient::new(server.into()),
    }
}
