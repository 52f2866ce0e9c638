//! One metric across hosts: small multiples (a chart per host, one time axis, one
//! crosshair) or the top N hosts in one chart, both from the fleet summary. On a
//! range that reaches past the page's rings (a history range, a zoom back, or a
//! live range longer than the summary the page has watched: the hub keeps only
//! its last minute, and none while no page watches), each small multiple draws
//! its host's history picture from the hub's store instead (`fleet::picture`), so
//! the compare view goes back as far as a host page does; the top N stays a chart
//! of now.

use leptos::prelude::*;
use pulse_protocol::fleet::{series_id, Metric, FLEET_HOST};
use pulse_protocol::{HostStatus, WireName};

use super::dashboard::plot_width;
use super::segmented::Segmented;
use super::{ChartPanel, ChartView, HistoryView};
use crate::charts::{ChartSpec, Line};
use crate::fleet::order::sort_indices;
use crate::fleet::picture::as_summary;
use crate::fleet::{multiples, HostRow, Item, MULTIPLES_HEADING};
use crate::format;
use crate::history::plan::rings_fall_short;
use crate::hooks::{use_history_picture, Picture, PictureInputs, Reshape};
use crate::store::SeriesStore;

/// The most small multiples drawn at once (the first hosts of the table's order:
/// filter to see others).
pub const MAX_MULTIPLES: usize = 24;
/// Hosts in the top-N chart.
pub const TOP_N: usize = 10;

/// How the metric is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareMode {
    /// A small chart per host.
    Multiples,
    /// The [`TOP_N`] highest now, in one chart.
    Top,
}

impl CompareMode {
    /// Its name in the URL.
    pub fn key(self) -> &'static str {
        match self {
            CompareMode::Multiples => "multiples",
            CompareMode::Top => "top",
        }
    }

    /// The mode named `text`.
    pub fn parse(text: &str) -> Option<Self> {
        [CompareMode::Multiples, CompareMode::Top].into_iter().find(|m| m.key() == text)
    }
}

/// The chosen metric for the hosts of `items`.
#[component]
pub fn Compare(
    /// The metric shown.
    metric: RwSignal<Metric>,
    /// Small multiples or top N.
    mode: RwSignal<CompareMode>,
    /// Every host's row (memos, as the table takes them: no `Signal` copy of
    /// Leptos's signal code for these value types).
    rows: Memo<Vec<HostRow>>,
    /// The hosts to compare, in order (the table's filter and sort).
    items: Memo<Vec<Item>>,
    /// The samples.
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// Signals shared by every chart (one window, one crosshair).
    view: ChartView,
    /// Where the small multiples' history pictures come from, and when they are drawn.
    history: HistoryView,
) -> impl IntoView {
    // The ids of the hosts drawn (a `Vec<String>`, a memo type the fleet page has
    // already: the names are looked up in `rows`).
    let chosen = Memo::new(move |_| {
        let hosts: Vec<usize> = items.with(|items| {
            items.iter().filter_map(|item| if let Item::Host(i) = item { Some(*i) } else { None }).collect()
        });
        let metric = metric.get();
        rows.with(|rows| match mode.get() {
            CompareMode::Multiples => hosts.iter().take(MAX_MULTIPLES).map(|&i| rows[i].id.clone()).collect(),
            CompareMode::Top => top(rows, &hosts, metric),
        })
    });
    // The small multiples in order, with a heading before each group when the
    // table is grouped.
    let multiples = Memo::new(move |_| items.with(|items| rows.with(|rows| multiples(items, rows, MAX_MULTIPLES))));
    let shown = Signal::derive(move || {
        let total = items.with(|items| items.iter().filter(|i| matches!(i, Item::Host(_))).count());
        let drawn = chosen.with(Vec::len);
        match mode.get() {
            CompareMode::Multiples if drawn < total => {
                format!("The first {drawn} of {total} hosts in the table's order: filter to see others.")
            }
            CompareMode::Multiples => format!("{total} hosts."),
            CompareMode::Top => format!("The {drawn} highest of {total} hosts now."),
        }
    });
    let host = Signal::stored(FLEET_HOST.to_owned());
    // Pictures whenever the summary's ring does not reach the window's start.
    let window = view.window;
    let short = Memo::new(move |_| {
        let oldest = store.with(|s| s.host(FLEET_HOST).and_then(|h| h.oldest_ts()));
        rings_fall_short(window.get().from, oldest)
    });
    let history = HistoryView { active: Signal::derive(move || history.active.get() || short.get()), ..history };
    let metrics = Metric::CHARTED.iter().map(|m| (m.label(), format!("metric-{}", m.key()))).collect();
    let chosen_metric = Signal::derive(move || Metric::CHARTED.iter().position(|m| *m == metric.get()).unwrap_or(0));
    let pick_metric = Callback::new(move |index: usize| metric.set(Metric::CHARTED[index]));
    let modes = vec![("Each host", "mode-multiples".to_owned()), ("Top 10", "mode-top".to_owned())];
    let chosen_mode = Signal::derive(move || usize::from(mode.get() == CompareMode::Top));
    let pick_mode =
        Callback::new(move |index: usize| mode.set(if index == 1 { CompareMode::Top } else { CompareMode::Multiples }));
    let charts = move || {
        let metric = metric.get();
        let spec = ChartSpec { unit: metric.unit(), warn_at: None, ceiling: None };
        match mode.get() {
            CompareMode::Multiples => view! {
                <div class="grid multiples" data-testid="multiples">
                    <For each=move || multiples.get() key=|id| id.clone() let:id>
                        {
                            if let Some(heading) = id.strip_prefix(MULTIPLES_HEADING) {
                                return view! { <h2 class="multiples-group" data-testid="multiples-group">{heading.to_owned()}</h2> }
                                    .into_any();
                            }
                            // Fixed when the chart is made, as the key is the id.
                            let name = rows.with_untracked(|rows| name_of(rows, &id));
                            let size = RwSignal::new((0.0, 0.0));
                            let picture = host_picture(&id, metric, store, view, history, size);
                            let offset = -js_sys::Date::new_0().get_timezone_offset();
                            let shown = id.clone();
                            let note = Signal::derive(move || {
                                rows.with(|rows| {
                                    rows.iter().find(|r| r.id == shown).and_then(|r| status_note(r.status, r.last_seen, offset))
                                })
                            });
                            view! {
                                <ChartPanel
                                    title=name
                                    slug=format!("host-{id}")
                                    store=store
                                    host=host
                                    lines=vec![Line { id: series_id(&id, metric), label: metric.label().to_owned(), color: 0 }]
                                    spec=spec.clone()
                                    view=view
                                    picture=picture
                                    size=size
                                    note=note
                                />
                            }
                            .into_any()
                        }
                    </For>
                </div>
            }
            .into_any(),
            CompareMode::Top => {
                // A memo (the chart panel has one of this type): the rows change
                // every second, the names and the chosen hosts seldom.
                let lines = Memo::new(move |_| {
                    chosen.with(|chosen| {
                        rows.with(|rows| {
                            chosen
                                .iter()
                                .enumerate()
                                .map(|(color, id)| Line { id: series_id(id, metric), label: name_of(rows, id), color })
                                .collect::<Vec<_>>()
                        })
                    })
                });
                view! {
                    <div class="grid top-n" data-testid="top-n">
                        <ChartPanel
                            title=format!("Top {TOP_N} by {}", metric.label())
                            slug="top"
                            store=store
                            host=host
                            lines=lines
                            spec=spec
                            view=view
                        />
                    </div>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="compare" data-testid="compare">
            <div class="compare-controls">
                <Segmented choices=metrics chosen=chosen_metric pick=pick_metric label="Metric" />
                <Segmented choices=modes chosen=chosen_mode pick=pick_mode label="Layout" />
                <span class="muted compare-note">{shown}</span>
            </div>
            {charts}
        </section>
    }
}

/// A small multiple's history picture: `id`'s own series of `metric`, fetched at
/// the plot's width and drawn as its summary column.
fn host_picture(
    id: &str,
    metric: Metric,
    store: Signal<SeriesStore>,
    view: ChartView,
    history: HistoryView,
    size: RwSignal<(f64, f64)>,
) -> Picture {
    let host = id.to_owned();
    let apply = Callback::new(move |answer| as_summary(&answer, &host, metric));
    use_history_picture(PictureInputs {
        client: history.client,
        live: store,
        host: Signal::stored(id.to_owned()),
        series: Signal::stored(metric.sources().iter().map(|s| (*s).to_owned()).collect()),
        window: view.window,
        plot_width: plot_width(size),
        active: history.active,
        follows_now: history.follows_now,
        chart: format!("compare-{id}"),
        reshape: Some(Reshape { host: FLEET_HOST.to_owned(), apply }),
    })
}

/// The display name of the host `id` (empty if it has gone).
fn name_of(rows: &[HostRow], id: &str) -> String {
    rows.iter().find(|r| r.id == id).map(|r| r.name.clone()).unwrap_or_default()
}

/// The [`TOP_N`] of `hosts` with the highest `metric` now, as ids, in the
/// table's order (so a host keeps its colour while it stays in the top).
pub fn top(rows: &[HostRow], hosts: &[usize], metric: Metric) -> Vec<String> {
    let mut ranked: Vec<usize> = hosts.iter().copied().filter(|&i| rows[i].value(metric).is_some()).collect();
    let value = |i: usize| rows[i].value(metric).unwrap_or(f64::NEG_INFINITY);
    sort_indices(&mut ranked, &|a, b| value(b).total_cmp(&value(a)));
    ranked.truncate(TOP_N);
    hosts.iter().filter(|i| ranked.contains(i)).map(|&i| rows[i].id.clone()).collect()
}

/// A small multiple's word for a host that is not up: "down · last seen 14:05:30"
/// (in a zone `offset_minutes` east of UTC), "stale · …", or "down · never seen";
/// `None` for a host that is up.
pub fn status_note(status: HostStatus, last_seen: f64, offset_minutes: f64) -> Option<String> {
    if status == HostStatus::Up {
        return None;
    }
    let seen = if last_seen > 0.0 {
        format!("last seen {}", format::clock(last_seen, offset_minutes, true))
    } else {
        "never seen".to_owned()
    };
    Some(format!("{} · {seen}", status.as_str()))
}

#[cfg(test)]
mod status_tests {
    use super::*;

    #[test]
    fn a_host_that_is_not_up_says_so_and_when_it_was_last_seen() {
        // 2026-12-06 14:05:30 UTC.
        let t = 1_796_565_930_000.0;
        let cases = [
            (HostStatus::Up, t, 0.0, None),
            (HostStatus::Down, t, 0.0, Some("down · last seen 14:05:30")),
            (HostStatus::Stale, t, 60.0, Some("stale · last seen 15:05:30")),
            (HostStatus::Down, 0.0, 0.0, Some("down · never seen")),
        ];
        for (status, seen, offset, want) in cases {
            assert_eq!(status_note(status, seen, offset).as_deref(), want, "{status:?} {seen}");
        }
    }
}
