//! The fleet page's body: the hosts table or one metric across hosts, with the
//! filter, grouping and sort they share.

use leptos::prelude::*;
use pulse_protocol::fleet::{Metric, FLEET_HOST};
use pulse_protocol::{HostInfo, HostStatus};

use super::compare::CompareMode;
use super::compare_tab::{compare_tab, CompareParts};
use super::fleet_table::FleetTable;
use super::segmented::Segmented;
use super::{ChartView, HistoryView};
use crate::fleet::{arrange, rows, Sort};
use crate::store::SeriesStore;

/// Which of the fleet's views is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FleetTab {
    /// A row per host.
    Hosts,
    /// One metric across hosts.
    Compare,
}

/// What the user chose on the fleet page (the URL keeps it).
#[derive(Clone, Copy)]
pub struct FleetState {
    /// The open view.
    pub tab: RwSignal<FleetTab>,
    /// Names, ids or `key=value` tags, separated by spaces.
    pub filter: RwSignal<String>,
    /// The table's order (and the comparison's).
    pub sort: RwSignal<Sort>,
    /// A tag key to group the table by.
    pub group: RwSignal<Option<String>>,
    /// The compared metric.
    pub metric: RwSignal<Metric>,
    /// How it is compared.
    pub mode: RwSignal<CompareMode>,
}

/// The fleet page's body.
#[component]
pub fn FleetView(
    /// The hub's hosts (names, tags).
    #[prop(into)]
    hosts: Signal<Vec<HostInfo>>,
    /// The samples (the `@fleet` summary).
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// The user's choices.
    state: FleetState,
    /// Signals shared by every chart.
    view: ChartView,
    /// History pictures for the compare view's small multiples (and the table's
    /// first minute of sparklines).
    history: HistoryView,
    /// The page clock, ms.
    #[prop(into)]
    now: Signal<f64>,
    /// The link to a host's page, from its id.
    link: Callback<String, String>,
    /// The fleet's live alerts (each row's badge).
    #[prop(into)]
    alerts: Signal<Option<Vec<pulse_protocol::alerts::LiveAlert>>>,
    /// Whether the page's link to the hub is down: the figures are the last ones
    /// received, so the table and charts are dimmed and say so (a green dot must
    /// not claim a host is up when the page cannot know).
    #[prop(optional, into)]
    not_live: Signal<bool>,
) -> impl IntoView {
    let rows = Memo::new(move |_| hosts.with(|hosts| store.with(|store| rows(hosts, store.host(FLEET_HOST)))));
    let items = Memo::new(move |_| {
        let (filter, sort, group) = (state.filter.get(), state.sort.get(), state.group.get());
        rows.with(|rows| arrange(rows, &filter, sort, group.as_deref()))
    });
    // Every tag key, in order (inserted one by one: collecting into a set would
    // ship a sort).
    let tag_keys = Memo::new(move |_| {
        let mut keys: Vec<String> = Vec::new();
        hosts.with(|hosts| {
            for key in hosts.iter().flat_map(|h| h.tags.keys()) {
                if let Err(at) = keys.binary_search(key) {
                    keys.insert(at, key.clone());
                }
            }
        });
        keys
    });
    let tabs = vec![("Hosts", "tab-hosts".to_owned()), ("Compare", "tab-compare".to_owned())];
    let chosen_tab = Signal::derive(move || usize::from(state.tab.get() == FleetTab::Compare));
    let pick_tab =
        Callback::new(move |index: usize| state.tab.set(if index == 1 { FleetTab::Compare } else { FleetTab::Hosts }));
    let group_options = move || {
        let chosen = state.group.get();
        tag_keys
            .get()
            .into_iter()
            .map(|key| {
                let selected = chosen.as_deref() == Some(key.as_str());
                view! { <option value=key.clone() selected=selected>{format!("Group by {key}")}</option> }
            })
            .collect_view()
    };
    let counts = Signal::derive(move || {
        rows.with(|rows| {
            let count = |status| rows.iter().filter(|r| r.status == status).count();
            let mut text = format!("{} hosts · {} up", rows.len(), count(HostStatus::Up));
            for (status, name) in [(HostStatus::Stale, "stale"), (HostStatus::Down, "down")] {
                if count(status) > 0 {
                    text.push_str(&format!(" · {} {name}", count(status)));
                }
            }
            text
        })
    });
    view! {
        <section class="fleet" class:not-live=not_live data-testid="fleet">
            <div class="host-header">
                <h1 class="host-name">"Fleet"</h1>
                <span class="muted" data-testid="fleet-counts">{counts}</span>
                <Show when=move || not_live.get()>
                    <span class="fleet-not-live" data-testid="fleet-not-live" role="status">
                        "Not live: the figures as last received"
                    </span>
                </Show>
            </div>
            <div class="fleet-controls">
                <Segmented choices=tabs chosen=chosen_tab pick=pick_tab label="Fleet view" tabs=true />
                <input
                    type="search"
                    class="fleet-filter"
                    placeholder="Filter: name or tag=value"
                    aria-label="Filter hosts by name or tag"
                    data-testid="fleet-filter"
                    prop:value=state.filter
                    on:input=move |event| state.filter.set(event_target_value(&event))
                />
                <select
                    class="tool"
                    aria-label="Group hosts by tag"
                    data-testid="fleet-group"
                    on:change=move |event| {
                        let key = event_target_value(&event);
                        state.group.set((!key.is_empty()).then_some(key));
                    }
                >
                    <option value="" selected=move || state.group.with(Option::is_none)>"No grouping"</option>
                    {group_options}
                </select>
            </div>
            {move || match state.tab.get() {
                FleetTab::Hosts => view! {
                    <FleetTable
                        rows=rows
                        items=items
                        sort=state.sort
                        store=store
                        now=now
                        history=history.client
                        theme=view.theme
                        link=link
                        alerts=alerts
                    />
                }
                .into_any(),
                FleetTab::Compare => compare_tab(CompareParts {
                    metric: state.metric,
                    mode: state.mode,
                    rows,
                    items,
                    store,
                    view,
                    history,
                }),
            }}
        </section>
    }
}
