//! The page: wires live metrics into the toolbar, the badge and the dashboard.
//!
//! `App` (in `app/entry.rs`) is what `main.rs` mounts: it calls
//! `crate::hooks::use_live_metrics` and renders [`Shell`], the same page for any
//! [`LiveMetrics`], so browser tests can mount it with a store they fill themselves.

mod clock;
mod entry;
pub use entry::App;
mod fleet_url;
mod host_status;
mod on_demand;
mod quiet;
mod theme;
mod url;

use leptos::prelude::*;

use crate::charts::Window;
use crate::components::{
    AccountMenu, AlertsCount, ChartView, ConnectionBadge, HistoryView, HostQuiet, HubNotice, LogDrawer, ShareBanner,
    StatusBanner, Toolbar,
};
use crate::config::Page;
use crate::connection::LinkState;
use crate::history::plan::uses_history;
use crate::live::LiveMetrics;
use crate::range::{self, Range};

pub use url::UrlState;

/// Who is signed in, for the top bar.
#[derive(Clone)]
pub struct Account {
    /// Who the hub says this page is.
    pub session: Signal<Option<pulse_protocol::access::Session>>,
    /// Signs out.
    pub sign_out: Callback<()>,
    /// The admin screens' address.
    pub admin_href: String,
}

/// The page for a given source of live metrics.
#[component]
pub fn Shell(
    /// Where the data comes from.
    live: LiveMetrics,
    /// Who is signed in (none: the top bar names no one, as in browser tests).
    #[prop(optional, into)]
    account: Option<Account>,
) -> impl IntoView {
    let initial = url::read();
    let range = RwSignal::new(initial.range.unwrap_or(range::DEFAULT));
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
    let live_edge = Memo::new(move |_| frozen_end.get().or_else(|| newest.get()).unwrap_or_else(|| now.get()));
    let window = Memo::new(move |_| zoom.get().unwrap_or_else(|| range.get().window(live_edge.get())));
    let stale = Signal::derive(move || live.status.with(|s| s.state != LinkState::Live));
    let fixed = Signal::derive(move || zoom.with(Option::is_some) || matches!(range.get(), Range::Between(_)));
    let frozen = Signal::derive(move || paused.get() || fixed.get());
    // The host page's own alerts, for its charts: by the id in `?host=`, else the
    // hub's own host (whose id is the name its series carry).
    let host_alerts = Memo::new(move |_| {
        if live.page.get() != Some(Page::Host) {
            return Vec::new();
        }
        live.location.track();
        let shown_host = crate::config::param("host");
        let host = shown_host.or_else(|| live.catalog.with(|c| c.series.first().map(|s| s.host.clone())));
        live.alerts.with(|set| {
            set.iter().flatten().filter(|alert| Some(&alert.host) == host.as_ref()).cloned().collect::<Vec<_>>()
        })
    });
    let view = ChartView {
        window: window.into(),
        theme: theme.theme.into(),
        hover,
        hidden,
        zoom,
        stale,
        frozen,
        alerts: host_alerts.into(),
    };
    let notifications = crate::hooks::use_alert_notifications(live.alerts);
    // The oldest sample every host's rings hold: a zoom or pan of a live range
    // reaching back before it draws history pictures.
    let ring_oldest =
        Memo::new(move |_| live.store.with(|s| s.hosts().filter_map(|(_, h)| h.oldest_ts()).reduce(f64::max)));
    let history = HistoryView {
        client: live.history,
        active: Memo::new(move |_| uses_history(&range.get(), zoom.get(), ring_oldest.get())).into(),
        follows_now: Signal::derive(move || !frozen.get()),
    };

    url::sync(range, hidden, theme.chosen);
    // Another page (a link followed in the page, or Back): a zoom was the old one's.
    Effect::new(move |_| {
        live.location.track();
        zoom.set(None);
    });
    Effect::new(move |_| {
        if let Range::Last(preset) = range.get_untracked() {
            if !preset.history {
                live.backfill.run(preset.ms);
            }
        }
    });

    let has_data = Signal::derive(move || newest.get().is_some());
    let session = account.as_ref().map(|a| a.session);
    let may_administer = Signal::derive(move || {
        session.is_some_and(|s| s.with(|s| s.as_ref().is_some_and(|s| s.role == pulse_protocol::access::Role::Admin)))
    });
    provide_context(crate::hooks::use_host_removal(live.history.server(), may_administer));
    let listing = host_status::use_host_status(live, now);
    let has_catalog = move || live.catalog.with(|c| !c.series.is_empty());
    let host_link = Callback::new(|id: String| fleet_url::host_link(&id));
    let page = move || match live.page.get() {
        Some(Page::Fleet) => {
            // Read when the page is shown: Back may bring another tab or filter.
            let fleet = fleet_url::read();
            fleet_url::sync(fleet);
            on_demand::fleet(on_demand::FleetParts {
                hosts: live.hosts,
                store: live.store,
                state: fleet,
                view,
                history,
                now: now.into(),
                link: host_link,
                alerts: live.alerts,
                not_live: stale,
            })
        }
        Some(Page::Alerts) => on_demand::alerts(on_demand::AlertsParts {
            live: live.alerts,
            client: live.history,
            link: host_link,
            notifications,
        }),
        Some(Page::Host) => {
            let body = on_demand::HostParts {
                catalog: live.catalog,
                store: live.store,
                view,
                history,
                note: listing.note,
                tags: listing.tags,
            };
            // Its code is fetched now, not once the catalogue is here.
            on_demand::fetch_early(Page::Host);
            view! { <Show when=has_catalog>{move || on_demand::host(body)}</Show> }.into_any()
        }
        None => ().into_any(),
    };
    let shared = account.as_ref().is_some_and(|a| {
        a.session.with_untracked(|s| s.as_ref().is_some_and(|s| s.via == pulse_protocol::access::Via::Share))
    });
    // A share link shows only what it names: no way to the other hosts.
    let back = move || {
        live.location.track();
        (fleet_url::names_a_host() && !shared).then(|| {
            view! { <a class="tool back" href=fleet_url::fleet_link() data-testid="fleet-link">"← All hosts"</a> }
        })
    };
    let fleet_href = Signal::derive(move || {
        live.location.track();
        fleet_url::fleet_link()
    });
    view! {
        <div class="app" class:paused=paused class:shared=shared>
            <header class="topbar">
                <div class="brand" aria-label="Pulse">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Pulse"
                </div>
                {back}
                <AlertsCount alerts=live.alerts href=fleet_url::alerts_link() />
                <ConnectionBadge status=live.status now=now retry_now=live.retry_now host_note=listing.note />
                <Toolbar
                    range=range
                    window=window.into()
                    live_edge=live_edge.into()
                    paused=paused
                    zoom=zoom
                    theme=theme.theme
                    backfill=live.backfill
                />
                {account.clone().map(|a| {
                    let admin_href = a.admin_href.clone();
                    let share_href = Signal::derive(move || {
                        let target = match live.page.get()? {
                            Page::Fleet | Page::Alerts => pulse_protocol::fleet::FLEET_HOST.to_owned(),
                            Page::Host => live.catalog.with(|c| c.series.first().map(|s| s.host.clone()))?,
                        };
                        Some(format!("{admin_href}&share={target}"))
                    });
                    view! { <AccountMenu session=a.session admin_href=a.admin_href share_href=share_href sign_out=a.sign_out /> }
                })}
            </header>
            <HubNotice down_since=live.redis_down_since />
            <HostQuiet quiet=quiet::use_host_quiet(live, now) />
            <main>
                {account.map(|a| view! { <ShareBanner session=a.session /> })}
                <StatusBanner status=live.status has_data=has_data fleet_href=fleet_href />
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
