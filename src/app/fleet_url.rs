//! The fleet page's state in the address bar (`view=compare&metric=mem&mode=top&
//! sort=cpu&desc=1&filter=env%3Dprod&group=env`), and the links between the fleet
//! and a host's page, which keep every other parameter (`server`, `theme`, …). A
//! host's page keeps the fleet's state in its address too (`?host=` wins over
//! `view=`), so "← All hosts" goes back to the fleet as it was left.

use leptos::prelude::*;
use pulse_protocol::fleet::Metric;

use super::url::{params, replace, set_or_delete};
use crate::components::{CompareMode, FleetState, FleetTab};
use crate::fleet::{Sort, SortKey};

/// The parameters only the fleet page uses (the alerts link drops them; a host's
/// link keeps them for the way back).
const FLEET_KEYS: [&str; 7] = ["view", "metric", "mode", "sort", "desc", "filter", "group"];

/// The fleet state the URL asks for.
pub fn read() -> FleetState {
    let params = params();
    let get = |key: &str| params.as_ref().and_then(|p| p.get(key)).filter(|v| !v.is_empty());
    let tab = if get("view").as_deref() == Some("compare") { FleetTab::Compare } else { FleetTab::Hosts };
    let sort = get("sort")
        .as_deref()
        .and_then(SortKey::parse)
        .map_or_else(Sort::default, |key| Sort { key, descending: get("desc").is_some() });
    FleetState {
        tab: RwSignal::new(tab),
        filter: RwSignal::new(get("filter").unwrap_or_default()),
        sort: RwSignal::new(sort),
        group: RwSignal::new(get("group")),
        metric: RwSignal::new(
            get("metric")
                .as_deref()
                .and_then(Metric::from_key)
                .filter(|m| Metric::CHARTED.contains(m))
                .unwrap_or(Metric::Cpu),
        ),
        mode: RwSignal::new(get("mode").as_deref().and_then(CompareMode::parse).unwrap_or(CompareMode::Multiples)),
    }
}

/// Writes the state back with `history.replaceState` whenever it changes, so a
/// reload or a shared link opens the same view.
pub fn sync(state: FleetState) {
    Effect::new(move |_| {
        let tab = state.tab.get();
        let (filter, sort, group) = (state.filter.get(), state.sort.get(), state.group.get());
        let (metric, mode) = (state.metric.get(), state.mode.get());
        let Some(params) = params() else { return };
        params.set("view", if tab == FleetTab::Compare { "compare" } else { "fleet" });
        let compare = tab == FleetTab::Compare;
        set_or_delete(&params, "metric", (compare && metric != Metric::Cpu).then_some(metric.key()));
        set_or_delete(&params, "mode", (compare && mode != CompareMode::Multiples).then_some(mode.key()));
        set_or_delete(&params, "sort", (sort != Sort::default()).then_some(sort.key.key()));
        set_or_delete(&params, "desc", (sort != Sort::default() && sort.descending).then_some("1"));
        set_or_delete(&params, "filter", Some(filter.as_str()).filter(|f| !f.is_empty()));
        set_or_delete(&params, "group", group.as_deref());
        replace(&params);
    });
}

/// The link to host `id`'s page from the fleet (or the alerts page), keeping the
/// fleet's state for the way back.
pub fn host_link(id: &str) -> String {
    let Some(params) = params() else { return format!("?host={}", crate::history::encode(id)) };
    // `view=fleet` is where "← All hosts" goes anyway; only the compare tab is kept.
    if params.get("view").as_deref() != Some("compare") {
        params.delete("view");
    }
    params.set("host", id);
    format!("?{}", String::from(params.to_string()))
}

/// Whether the page shows one host of a fleet (`?host=`).
pub fn names_a_host() -> bool {
    params().is_some_and(|p| p.has("host"))
}

/// The link to the alerts page, from any page.
pub fn alerts_link() -> String {
    let Some(params) = params() else { return "?view=alerts".to_owned() };
    for key in FLEET_KEYS {
        params.delete(key);
    }
    params.delete("host");
    params.delete("hide");
    params.set("view", "alerts");
    format!("?{}", String::from(params.to_string()))
}

/// The link from a host's page back to the fleet, in the state the fleet was left
/// (its tab, sort, filter and grouping).
pub fn fleet_link() -> String {
    let Some(params) = params() else { return "?view=fleet".to_owned() };
    params.delete("host");
    params.delete("hide");
    if params.get("view").as_deref() != Some("compare") {
        params.set("view", "fleet");
    }
    format!("?{}", String::from(params.to_string()))
}
