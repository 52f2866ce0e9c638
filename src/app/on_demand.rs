//! The views a page loads only when it shows them. In the release build
//! (`--cfg pulse_split`, set by `web_release_env` in `scripts/lib.sh`) each body
//! here is compiled into a wasm file of its own, which `scripts/split-wasm.sh` cuts
//! out of the app's and the browser fetches the first time the view opens: the
//! fleet page never downloads a host's charts, a host page never downloads the
//! fleet's table, and only an admin downloads the admin screens. Elsewhere
//! (`trunk serve`, the browser tests) they are ordinary calls.
//!
//! A body that cannot be fetched (the network went away between the page's load
//! and the click) is a readable error with a way to retry, never a dead page.

use std::future::Future;

use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;
use pulse_protocol::{Catalog, HostInfo};

use crate::components::{AdminPage, AlertsPage, ChartView, Dashboard, FleetState, FleetView, HistoryView};
use crate::hooks::{use_admin, use_alert_rules, use_past_alerts, HistoryClient, Notifications};
use crate::host_status::HostNote;
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

/// Why a view's code is not here.
#[derive(Debug, thiserror::Error)]
#[error("the fetch failed")]
pub struct Unloaded;

impl From<leptos::wasm_split::SplitLoaderError> for Unloaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Unloaded
    }
}

/// A split body is `async` (its file is fetched first); the same body unsplit is not.
macro_rules! load {
    ($call:expr) => {{
        #[cfg(pulse_split)]
        let body = $call.await;
        #[cfg(not(pulse_split))]
        let body = $call;
        body
    }};
}
use load;

/// The view `load` makes once it resolves; its error state retries on a click.
fn show<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, Unloaded>> + Send + 'static,
{
    let attempt = RwSignal::new(0_u32);
    (move || {
        attempt.track();
        let body = load();
        Suspend::new(async move { body.await.unwrap_or_else(|e| unloaded(&e, attempt)) })
    })
    .into_any()
}

/// The error state of a view whose code could not be fetched.
fn unloaded(error: &Unloaded, attempt: RwSignal<u32>) -> AnyView {
    view! {
        <div class="banner error" data-testid="view-unloaded" role="alert">
            <strong>"This view could not be loaded"</strong>
            <span>"Its code is fetched when the view is first shown, and "{error.to_string()}
                ": the network may be down. The live connection is unaffected."</span>
            <button class="tool" on:click=move |_| attempt.update(|n| *n += 1)>"Try again"</button>
        </div>
    }
    .into_any()
}

#[cfg_attr(pulse_split, leptos::wasm_split::wasm_split(fleet, wasm_split_path = ::leptos::wasm_split, fallible))]
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

#[cfg_attr(pulse_split, leptos::wasm_split::wasm_split(host, wasm_split_path = ::leptos::wasm_split, fallible))]
fn host_body(parts: HostParts) -> Result<AnyView, Unloaded> {
    let HostParts { catalog, store, view, history, note, tags } = parts;
    Ok(view! { <Dashboard catalog=catalog store=store view=view history=history note=note tags=tags /> }.into_any())
}

#[cfg_attr(pulse_split, leptos::wasm_split::wasm_split(alerts, wasm_split_path = ::leptos::wasm_split, fallible))]
fn alerts_body(parts: AlertsParts) -> Result<AnyView, Unloaded> {
    let AlertsParts { live, client, link, notifications } = parts;
    let past = use_past_alerts(client, live);
    Ok(view! { <AlertsPage live=live past=past link=link notifications=notifications /> }.into_any())
}

#[cfg_attr(pulse_split, leptos::wasm_split::wasm_split(admin, wasm_split_path = ::leptos::wasm_split, fallible))]
fn admin_body(server: ServerUrl) -> Result<AnyView, Unloaded> {
    Ok(view! { <AdminPage admin=use_admin(server.clone()) alerts=use_alert_rules(server) /> }.into_any())
}
