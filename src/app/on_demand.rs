//! The page bodies, each loaded when the page first shows it (`crate::split`): a
//! host page never downloads the fleet's table, the fleet page never a host's
//! dashboard, and only an admin the admin screens.

use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;
use pulse_protocol::{Catalog, HostInfo};

use crate::components::{AdminPage, AlertsPage, ChartView, Dashboard, FleetState, FleetView, HistoryView};
use crate::config::page::{decide, needs_host_count, Page};
use crate::hooks::{use_admin, use_alert_rules, use_past_alerts, HistoryClient, Notifications};
use crate::host_status::HostNote;
use crate::split::{load, show, Unloaded};
use crate::store::SeriesStore;
use crate::transport::ServerUrl;

/// What the fleet page's body takes (its props, as one value to hand across).
#[derive(Clone, Copy)]
pub struct FleetParts {
    /// The hub's hosts.
    pub hosts: Signal<Vec<HostInfo>>,
    /// The samples (the `@fleet` summary).
    pub store: Signal<SeriesStore>,
    /// The user's choices.
    pub state: FleetState,
    /// Signals shared by every chart.
    pub view: ChartView,
    /// History pictures.
    pub history: HistoryView,
    /// The page clock, ms.
    pub now: Signal<f64>,
    /// A host's page, by id.
    pub link: Callback<String, String>,
    /// The fleet's live alerts.
    pub alerts: Signal<Option<Vec<LiveAlert>>>,
    /// Whether the page's link to the hub is down.
    pub not_live: Signal<bool>,
}

/// What a host's dashboard takes.
#[derive(Clone, Copy)]
pub struct HostParts {
    /// The host's series.
    pub catalog: Signal<Catalog>,
    /// Its samples.
    pub store: Signal<SeriesStore>,
    /// Signals shared by every chart.
    pub view: ChartView,
    /// History pictures.
    pub history: HistoryView,
    /// Down or stale, and since when.
    pub note: Signal<Option<HostNote>>,
    /// The host's tags.
    pub tags: Signal<Vec<String>>,
}

/// What the alerts page takes.
#[derive(Clone, Copy)]
pub struct AlertsParts {
    /// The live set.
    pub live: Signal<Option<Vec<LiveAlert>>>,
    /// Where the alert history is asked.
    pub client: HistoryClient,
    /// A host's page, by id.
    pub link: Callback<String, String>,
    /// Desktop notifications.
    pub notifications: Notifications,
}

/// Starts fetching the body the page's address names (`?host=`, `?view=`), beside
/// the sign-in check and the first API calls, so that it is here when the page
/// shows it rather than asked for then. An address that names no page (the hub's
/// host count decides) preloads nothing here; the page does once it is known.
pub fn preload_named() {
    let (host, view) = (crate::config::param("host"), crate::config::param("view"));
    if needs_host_count(host.as_deref(), view.as_deref()) {
        return;
    }
    match view.as_deref() {
        Some("admin") => preload_admin_early(),
        Some("compare") => {
            fetch_early(Page::Fleet);
            crate::components::fetch_compare_early();
        }
        _ => fetch_early(decide(host.as_deref(), view.as_deref(), None)),
    }
}

/// Starts fetching a page's body (nothing where the views are not split). A
/// failure is the view's own to show, when it is asked for.
pub fn fetch_early(page: Page) {
    #[cfg(pulse_split)]
    match page {
        Page::Fleet => crate::split::spawn_preload(preload_fleet()),
        Page::Alerts => crate::split::spawn_preload(preload_alerts()),
        Page::Host => crate::split::spawn_preload(preload_host()),
    }
    #[cfg(not(pulse_split))]
    let _ = page;
}

fn preload_admin_early() {
    #[cfg(pulse_split)]
    crate::split::spawn_preload(preload_admin());
}

/// The fleet page's body, once its code is here.
pub fn fleet(parts: FleetParts) -> AnyView {
    show(move || async move { load!(fleet_body(parts)) })
}

/// A host's dashboard, once its code is here.
pub fn host(parts: HostParts) -> AnyView {
    show(move || async move { load!(host_body(parts)) })
}

/// The alerts page, once its code is here.
pub fn alerts(parts: AlertsParts) -> AnyView {
    show(move || async move { load!(alerts_body(parts)) })
}

/// The admin screens (and the hooks that fill them), once their code is here.
pub fn admin(server: ServerUrl) -> AnyView {
    show(move || {
        let server = server.clone();
        async move { load!(admin_body(server)) }
    })
}

#[cfg_attr(
    pulse_split,
    leptos::wasm_split::wasm_split(fleet, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_fleet))
)]
fn fleet_body(parts: FleetParts) -> Result<AnyView, Unloaded> {
    let FleetParts { hosts, store, state, view, history, now, link, alerts, not_live } = parts;
    Ok(view! {
        <FleetView
            hosts=hosts
            store=store
            state=state
            view=view
            history=history
            now=now
            link=link
            alerts=alerts
            not_live=not_live
        />
    }
    .into_any())
}

#[cfg_attr(
    pulse_split,
    leptos::wasm_split::wasm_split(host, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_host))
)]
fn host_body(parts: HostParts) -> Result<AnyView, Unloaded> {
    let HostParts { catalog, store, view, history, note, tags } = parts;
    Ok(view! { <Dashboard catalog=catalog store=store view=view history=history note=note tags=tags /> }.into_any())
}

#[cfg_attr(
    pulse_split,
    leptos::wasm_split::wasm_split(alerts, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_alerts))
)]
fn alerts_body(parts: AlertsParts) -> Result<AnyView, Unloaded> {
    let AlertsParts { live, client, link, notifications } = parts;
    let past = use_past_alerts(client, live);
    Ok(view! { <AlertsPage live=live past=past link=link notifications=notifications /> }.into_any())
}

#[cfg_attr(
    pulse_split,
    leptos::wasm_split::wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_admin))
)]
fn admin_body(server: ServerUrl) -> Result<AnyView, Unloaded> {
    Ok(view! { <AdminPage admin=use_admin(server.clone()) alerts=use_alert_rules(server) /> }.into_any())
}
