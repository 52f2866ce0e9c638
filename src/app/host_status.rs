//! Derives the host page's "down · last seen 4 min ago" (`crate::host_status`):
//! reads `/api/v1/hosts` once each time the page shows a host (the fleet page keeps
//! its own list current; a host page has none), and compares the listing with the
//! newest sample the page holds.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::{HostInfo, HostsResponse};

use crate::config::{self, Page};
use crate::host_status::{host_note, HostNote};
use crate::live::LiveMetrics;
use crate::transport::fetch_json;

/// The note while the host the page shows is listed as not up; `now` ticks once a
/// second.
pub fn use_host_status(live: LiveMetrics, now: ReadSignal<f64>) -> HostListing {
    let listed: RwSignal<Option<HostInfo>> = RwSignal::new(None);
    // The host on view: `Some(None)` for the page without `?host=`, the hub's own.
    let host = Memo::new(move |_| {
        if live.page.get() != Some(Page::Host) {
            return None;
        }
        live.location.track();
        Some(config::param("host"))
    });
    Effect::new(move |_| {
        listed.set(None);
        let (Some(id), Some(server)) = (host.get(), live.history.server().get()) else { return };
        let url = server.http_as_is("/api/v1/hosts");
        spawn_local(async move {
            // No list (an older hub, a share link that may not list): nothing to say.
            let Ok(list) = fetch_json::<HostsResponse>(&url, None).await else { return };
            if host.get_untracked().as_ref() == Some(&id) {
                let on_view = |h: &HostInfo| id.as_ref().map_or(h.local, |id| h.id == *id);
                listed.set(list.hosts.into_iter().find(on_view));
            }
        });
    });
    let newest = Memo::new(move |_| {
        let name = listed.with(|l| l.as_ref().map(|h| h.name.clone()))?;
        live.store.with(|s| s.host(&name).and_then(|h| h.newest_ts()))
    });
    let note = Signal::derive(move || {
        listed
            .with(|l| l.as_ref().and_then(|h| host_note(&h.id, h.status, h.last_seen as f64, newest.get(), now.get())))
    });
    let tags = Signal::derive(move || {
        listed.with(|l| l.iter().flat_map(|h| h.tags.iter().map(|(k, v)| format!("{k}={v}"))).collect())
    });
    HostListing { note, tags }
}

/// What the hub's list says of the host on view.
#[derive(Clone, Copy)]
pub struct HostListing {
    /// Its state when it is not up ("down · last seen …").
    pub note: Signal<Option<HostNote>>,
    /// Its tags, as `key=value`.
    pub tags: Signal<Vec<String>>,
}
