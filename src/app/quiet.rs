//! Derives the host page's quiet-host notice (`crate::host_quiet`) from the live
//! signals: which host the page shows, when its newest sample arrived on the
//! page's clock, and its interval from the hub's host list.

use leptos::prelude::*;

use crate::config::{self, Page};
use crate::connection::LinkState;
use crate::host_quiet::{quiet, Quiet};
use crate::live::LiveMetrics;

/// The notice while the host page's host is quiet and the link itself is live
/// (otherwise the connection's own banner speaks); `now` ticks once a second.
pub fn use_host_quiet(live: LiveMetrics, now: ReadSignal<f64>) -> Signal<Option<Quiet>> {
    let host = Memo::new(move |_| {
        if live.page.get() != Some(Page::Host) {
            return None;
        }
        live.location.track();
        config::param("host").or_else(|| live.catalog.with(|c| c.series.first().map(|s| s.host.clone())))
    });
    // The store files samples under the name their frames carry, which for an
    // agent's host need not be its id: the catalogue names it.
    let newest = Memo::new(move |_| {
        host.track();
        let name = live.catalog.with(|c| c.series.first().map(|s| s.host.clone()))?;
        live.store.with(|s| s.host(&name).and_then(|h| h.newest_ts()))
    });
    // When the newest sample last changed, on the page's clock: only `newest` is
    // tracked, so it moves when a sample arrives, not with the clock.
    let arrived_at = Memo::new(move |_| {
        newest.track();
        now.get_untracked()
    });
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    Signal::derive(move || {
        if live.status.with(|s| s.state != LinkState::Live) {
            return None;
        }
        let id = host.get()?;
        let (name, interval_ms) = live.hosts.with(|hosts| {
            hosts.iter().find(|h| h.id == id).map_or((id.clone(), 1_000.0), |h| (h.name.clone(), h.interval_ms as f64))
        });
        quiet(&name, newest.get(), arrived_at.get(), interval_ms, now.get(), offset)
    })
}
