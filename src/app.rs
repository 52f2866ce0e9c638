//! The page: wires live metrics into the toolbar, the badge and the dashboard.
//!
//! `App` (in `app/entry.rs`) is what `main.rs` mounts: it calls
//! `crate::hooks::use_live_metrics` and renders [`Shell`], the same page for any
//! [`LiveMetrics`], so browser tests can mount it with a store they fill themselves.

mod clock;
mod entry;
pub use entry::App;
mod fleet_url;
mod theme;
mod url;

use leptos::prelude::*;

use crate::charts::Window;
use crate::components::{ChartView, ConnectionBadge, Dashboard, FleetView, LogDrawer, StatusBanner, Toolbar};
use crate::config::Page;
use crate::connection::LinkState;
use crate::live::LiveMetrics;

pub use url::UrlState;

/// The default time range: five minutes.
pub const DEFAULT_RANGE_MS: f64 = 300e3;

/// The page for a given source of live metrics.
#[component]
pub fn Shell(
    /// Where the data comes from.
    live: LiveMetrics,
) -> impl IntoView {
    let initial = url::read();
    let range_ms = RwSignal::new(initial.range_ms.unwrap_or(DEFAULT_RANGE_MS));
    let hidden = RwSignal::new(initial.hidden.clone());
    let theme = theme::use_theme(initial.theme);
    let paused = RwSignal::new(false);
    let zoom: RwSignal<Option<Window>> = RwSignal::new(None);
    let hover = RwSignal::new(None);
    let now = clock::use_clock();

    let newest = Memo::new(move |_| live.store.with(|s| s.newest_ts()));
    // The right edge at the moment of pausing: only `paused` is tracked, so the edge
    // stays put while data keeps arriving.
    let frozen_end =
        Memo::new(move |_| paused.get().then(|| newest.get_untracked().unwrap_or_else(|| now.get_untracked())));
    let window = Memo::new(move |_| {
        if let Some(zoomed) = zoom.get() {
            return zoomed;
        }
        let end = frozen_end.get().or_else(|| newest.get()).unwrap_or_else(|| now.get());
        Window::ending_at(end, range_ms.get())
    });
    let stale = Signal::derive(move || live.status.with(|s| s.state != LinkState::Live));
    let frozen = Signal::derive(move || paused.get() || zoom.with(Option::is_some));
    let view = ChartView { window: window.into(), theme: theme.theme.into(), hover, hidden, zoom, stale, frozen };

    url::sync(range_ms, hidden, theme.chosen);
    Effect::new(move |_| live.backfill.run(range_ms.get_untracked()));

    let has_data = Signal::derive(move || newest.get().is_some());
    let has_catalog = move || live.catalog.with(|c| !c.series.is_empty());
    let fleet = fleet_url::read();
    let host_link = Callback::new(|id: String| fleet_url::host_link(&id));
    let page = move || match live.page.get() {
        Some(Page::Fleet) => {
            fleet_url::sync(fleet);
            view! { <FleetView hosts=live.hosts store=live.store state=fleet view=view now=now link=host_link /> }
                .into_any()
        }
        Some(Page::Host) => view! {
            <Show when=has_catalog>
                <Dashboard catalog=live.catalog store=live.store view=view />
            </Show>
        }
        .into_any(),
        None => ().into_any(),
    };
    let back = fleet_url::names_a_host().then(|| {
        view! { <a class="tool back" href=fleet_url::fleet_link() data-testid="fleet-link">"← All hosts"</a> }
    });
    view! {
        <div class="app" class:paused=paused>
            <header class="topbar">
                <div class="brand" aria-label="Pulse">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Pulse"
                </div>
                {back}
                <ConnectionBadge status=live.status now=now retry_now=live.retry_now />
                <Toolbar range_ms=range_ms paused=paused zoom=zoom theme=theme.theme backfill=live.backfill />
            </header>
            <main>
                <StatusBanner status=live.status has_data=has_data />
                {move || {
                    paused.get().then(|| {
                        view! {
                            <p class="paused-note" role="status">
                                "Paused: the charts are frozen while data keeps arriving."
                            </p>
                        }
                    })
                }}
                {page}
            </main>
            <footer>
                <LogDrawer log=live.log />
            </footer>
        </div>
    }
}
