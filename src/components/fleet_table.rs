//! The fleet overview's table: a row per host with its status, live numbers and a
//! one-minute CPU sparkline. Only the rows on screen (and a few either side) are
//! in the page, so a thousand hosts cost what thirty do.

use leptos::html::Div;
use leptos::prelude::*;
use pulse_protocol::fleet::{series_id, Metric, FLEET_HOST};
use pulse_protocol::HostStatus;

use super::sparkline::Sparkline;
use crate::charts::theme::Theme;
use crate::fleet::{HostRow, Item, Sort, SortKey, COLUMNS};
use crate::format;
use crate::store::SeriesStore;

/// The height of a row, in CSS pixels (the stylesheet's `.fleet-row` agrees).
pub const ROW_HEIGHT: f64 = 44.0;
/// Rows drawn beyond each edge of the visible part, so a scroll never shows a hole.
const OVERSCAN: usize = 8;
/// Samples in a sparkline: a minute at 1 Hz.
const SPARK_POINTS: usize = 60;

/// The table of `items` (hosts and group headings) over `rows`.
#[component]
pub fn FleetTable(
    /// Every host's row.
    #[prop(into)]
    rows: Signal<Vec<HostRow>>,
    /// What to show, in order (see [`crate::fleet::arrange`]).
    #[prop(into)]
    items: Signal<Vec<Item>>,
    /// The sort order; the column headings change it.
    sort: RwSignal<Sort>,
    /// The samples (for sparklines).
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// The page clock, ms (for "last seen").
    #[prop(into)]
    now: Signal<f64>,
    /// Colours.
    #[prop(into)]
    theme: Signal<Theme>,
    /// The link to a host's page, from its id.
    link: Callback<String, String>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(900.0);
    let on_scroll = move |_| {
        if let Some(element) = scroller.get() {
            scroll_top.set(f64::from(element.scroll_top()));
            viewport.set(f64::from(element.client_height()));
        }
    };
    // Which items are drawn: (position, key, item).
    let visible = Memo::new(move |_| {
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
        let count = (viewport.get() / ROW_HEIGHT).ceil() as usize + 2 * OVERSCAN;
        items.with(|items| {
            items
                .iter()
                .enumerate()
                .skip(first)
                .take(count)
                .map(|(i, item)| (i, key(item), item.clone()))
                .collect::<Vec<_>>()
        })
    });
    let height = Signal::derive(move || format!("{}px", items.with(Vec::len) as f64 * ROW_HEIGHT));
    let count = Signal::derive(move || {
        let shown = items.with(|items| items.iter().filter(|i| matches!(i, Item::Host(_))).count());
        let total = rows.with(Vec::len);
        if shown == total {
            format!("{total} hosts")
        } else {
            format!("{shown} of {total} hosts")
        }
    });
    view! {
        <div class="fleet-table" data-testid="fleet-table" role="table" aria-label="Hosts">
            <div class="fleet-head" role="row">
                <Heading label="Host" key=SortKey::Name sort=sort />
                {COLUMNS.into_iter().map(|metric| view! { <Heading label=metric.label() key=SortKey::Metric(metric) sort=sort /> }).collect_view()}
                <span class="fleet-spark-head" role="columnheader">"CPU, 1 min"</span>
            </div>
            <div class="fleet-scroll" node_ref=scroller on:scroll=on_scroll data-testid="fleet-scroll">
                <div class="fleet-space" style:height=height>
                    <For each=move || visible.get() key=|(_, key, _)| key.clone() let:((_, my_key, item))>
                        {
                            let position = Signal::derive(move || {
                                let my_key = my_key.clone();
                                visible.with(|v| v.iter().find(|(_, k, _)| *k == my_key).map_or(0, |(i, _, _)| *i))
                            });
                            let transform = Signal::derive(move || format!("translateY({}px)", position.get() as f64 * ROW_HEIGHT));
                            match item {
                                Item::Group { value, hosts, up } => view! {
                                    <div class="fleet-group" role="row" style:transform=transform>
                                        <span class="fleet-group-name">{value.unwrap_or_else(|| "(untagged)".to_owned())}</span>
                                        <span class="muted">{format!("{up} of {hosts} up")}</span>
                                    </div>
                                }.into_any(),
                                Item::Host(index) => view! {
                                    <HostLine index=index rows=rows store=store now=now theme=theme link=link transform=transform />
                                }.into_any(),
                            }
                        }
                    </For>
                </div>
            </div>
            <p class="fleet-count muted" data-testid="fleet-count">{count}</p>
        </div>
    }
}

/// A stable key per item: the host's id, or the group's value.
fn key(item: &Item) -> String {
    match item {
        Item::Group { value, .. } => format!("group:{}", value.as_deref().unwrap_or("")),
        Item::Host(index) => format!("host:{index}"),
    }
}

/// A sortable column heading.
#[component]
fn Heading(label: &'static str, key: SortKey, sort: RwSignal<Sort>) -> impl IntoView {
    let direction = Signal::derive(move || {
        let sort = sort.get();
        match (sort.key == key, sort.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
        .to_owned()
    });
    let numeric = key != SortKey::Name;
    view! {
        <button
            type="button"
            role="columnheader"
            class:num=numeric
            aria-sort=direction
            data-testid=format!("sort-{}", key.key())
            on:click=move |_| {
                sort.update(|sort| {
                    *sort = if sort.key == key {
                        Sort { key, descending: !sort.descending }
                    } else {
                        // Numbers: the busiest first; names: A to Z.
                        Sort { key, descending: numeric }
                    }
                })
            }
        >
            {label}
        </button>
    }
}

/// One host's row.
#[component]
fn HostLine(
    index: usize,
    rows: Signal<Vec<HostRow>>,
    store: Signal<SeriesStore>,
    now: Signal<f64>,
    theme: Signal<Theme>,
    link: Callback<String, String>,
    transform: Signal<String>,
) -> impl IntoView {
    let row = Memo::new(move |_| rows.with(|rows| rows.get(index).cloned()));
    let field =
        move |f: fn(&HostRow) -> String| Signal::derive(move || row.with(|r| r.as_ref().map(f).unwrap_or_default()));
    let status = Signal::derive(move || row.with(|r| r.as_ref().map_or(HostStatus::Down, |r| r.status)));
    let status_name = Signal::derive(move || status_text(status.get()).to_owned());
    let id = field(|r| r.id.clone());
    let href = Signal::derive(move || link.run(id.get()));
    let tags = field(|r| r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "));
    let note = Signal::derive(move || {
        let (status, seen) = row.with(|r| r.as_ref().map_or((HostStatus::Down, 0.0), |r| (r.status, r.last_seen)));
        let seen =
            if seen > 0.0 { format!("last seen {}", format::age(now.get() - seen)) } else { "never seen".to_owned() };
        format!("{} · {seen}", status_text(status))
    });
    let cells = move || {
        COLUMNS
            .into_iter()
            .map(|metric| {
                let text = Signal::derive(move || {
                    row.with(|r| {
                        r.as_ref()
                            .and_then(|r| r.value(metric))
                            .map(|v| format::value(metric.unit(), v))
                            .unwrap_or_default()
                    })
                });
                view! { <span class="num" role="cell" data-metric=metric.key()>{text}</span> }
            })
            .collect_view()
    };
    let spark = Signal::derive(move || {
        let id = id.get();
        store.with(|store| {
            let Some(summary) = store.host(FLEET_HOST) else { return Vec::new() };
            let Some((older, newer)) = summary.values(&series_id(&id, Metric::Cpu)) else { return Vec::new() };
            let skip = (older.len() + newer.len()).saturating_sub(SPARK_POINTS);
            older.iter().chain(newer).skip(skip).copied().collect()
        })
    });
    view! {
        <div
            class="fleet-row"
            role="row"
            data-testid="fleet-row"
            data-host=id
            data-status=status_name
            class:dim=Signal::derive(move || status.get() != HostStatus::Up)
            style:transform=transform
        >
            <span class="fleet-host" role="cell">
                <span class="status-dot" aria-hidden="true"></span>
                <a href=href class="fleet-name">{field(|r| r.name.clone())}</a>
                <span class="fleet-tags muted">{tags}</span>
            </span>
            <Show
                when=move || status.get() == HostStatus::Up
                fallback=move || view! { <span class="fleet-note" role="cell" data-testid="fleet-note">{note}</span> }
            >
                {cells()}
            </Show>
            <span class="fleet-spark" role="cell">
                <Sparkline points=spark top=100.0 theme=theme />
            </span>
        </div>
    }
}

fn status_text(status: HostStatus) -> &'static str {
    match status {
        HostStatus::Up => "up",
        HostStatus::Stale => "stale",
        HostStatus::Down => "down",
    }
}
