//! The fleet overview's table: a line per host (or group heading) with its status,
//! its live numbers and a one-minute CPU sparkline.
//!
//! Only the lines on screen exist: a window of line slots that moves through a
//! spacer as tall as the whole list, a whole line at a time. In each line the name
//! is a real link (it changes only when the hosts do); the numbers, which change
//! every second, are drawn on one canvas for the window ([`TextCells`], so an
//! update never lays the page out, and screen readers hear them as its label), and
//! the sparklines on another. A thousand hosts cost what thirty do.

use leptos::html::{Canvas, Div};
use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;
use pulse_protocol::fleet::{series_id, Metric, FLEET_HOST};
use pulse_protocol::{HostStatus, WireName};

use super::remove_host::{RemoveHostButton, RemoveHostError};
use super::text_cells::TextCells;
use crate::alerts::summary::{badge, Badge};
use crate::charts::theme::{css, Theme};
use crate::fleet::{HostRow, Item, Sort, SortKey, COLUMNS};
use crate::format;
use crate::history::plan::rings_fall_short;
use crate::hooks::{spark_points, use_spark_seeds, HistoryClient};
use crate::paint::backing::{device_pixel_ratio, fit};
use crate::paint::text::{Align, CellLayout, Column, Row, Tone, Width};
use crate::store::SeriesStore;

/// The height of a line, in CSS pixels (the stylesheet's `.fleet-line` agrees).
pub const ROW_HEIGHT: f64 = 44.0;
/// Line slots: enough to fill the scroll box (the stylesheet caps it at 23 lines),
/// plus the one half scrolled in.
const SLOTS: usize = 24;
/// Samples in a sparkline: a minute at 1 Hz.
const SPARK_POINTS: usize = 60;
/// The minute a sparkline spans, in ms.
const SPARK_MS: f64 = SPARK_POINTS as f64 * 1000.0;
/// CSS width of a sparkline (the stylesheet's `--spark-w` less its padding).
const SPARK_WIDTH: f64 = 96.0;

/// The table of `items` (hosts and group headings) over `rows`.
#[component]
pub fn FleetTable(
    /// Every host's row (a `Memo`, not a `Signal`: each signal value type costs the
    /// download a copy of Leptos's signal code, and the page's rows are a memo).
    rows: Memo<Vec<HostRow>>,
    /// What to show, in order (see [`crate::fleet::arrange`]).
    items: Memo<Vec<Item>>,
    /// The sort order; the column headings change it.
    sort: RwSignal<Sort>,
    /// The samples (for sparklines).
    #[prop(into)]
    store: Signal<SeriesStore>,
    /// The page clock, ms (for "last seen").
    #[prop(into)]
    now: Signal<f64>,
    /// Where the sparklines' first minute comes from while the summary's ring
    /// is short (a page opened on a hub nobody watched).
    history: HistoryClient,
    /// Colours.
    #[prop(into)]
    theme: Signal<Theme>,
    /// The link to a host's page, from its id.
    link: Callback<String, String>,
    /// The fleet's live alerts: a host with firing ones gets a badge (a status,
    /// like its dot; it changes only when an alert does).
    #[prop(into)]
    alerts: Signal<Option<Vec<LiveAlert>>>,
) -> impl IntoView {
    // A phone shows names, CPU and when a host was last seen; the layout is chosen
    // once, on mount.
    let compact = window().inner_width().ok().and_then(|w| w.as_f64()).is_some_and(|w| w < 720.0);
    let metrics: &'static [Metric] = if compact { &COLUMNS[..1] } else { &COLUMNS };
    let layout = layout(metrics);
    let template = format!("grid-template-columns:{}", layout.grid_template());

    let scroller = NodeRef::<Div>::new();
    let first = RwSignal::new(0usize);
    let on_scroll = move |_| {
        if let Some(element) = scroller.get_untracked() {
            let line = (f64::from(element.scroll_top()) / ROW_HEIGHT) as usize;
            if line != first.get_untracked() {
                first.set(line);
            }
        }
    };
    // The items in the window (the same type as `items`: one signal type fewer).
    let window = Memo::new(move |_| {
        let first = first.get();
        items.with(|items| items.iter().skip(first).take(SLOTS).cloned().collect::<Vec<_>>())
    });
    let line = move |slot: usize| {
        Memo::new(move |_| {
            window.with(|w| {
                w.get(slot).map(|item| match item {
                    Item::Host(i) => rows
                        .with(|rows| rows.get(*i).map(|row| alerts.with(|set| Line::host(row, set.as_deref()))))
                        .unwrap_or_default(),
                    Item::Group { value, .. } => Line::group(value.as_deref()),
                })
            })
        })
    };
    let slots = (0..SLOTS)
        .map(|slot| {
            let line = line(slot);
            let text = move |f: fn(&Line) -> String| Signal::derive(move || line.with(|l| l.as_ref().map(f).unwrap_or_default()));
            view! {
                <div
                    class="fleet-line"
                    data-testid=text(|l| if l.group { "fleet-heading" } else { "fleet-row" }.to_owned())
                    data-host=text(|l| l.id.clone())
                    data-status=text(|l| l.status.to_owned())
                    hidden=Signal::derive(move || line.with(Option::is_none))
                    style:top=format!("{}px", slot as f64 * ROW_HEIGHT)
                >
                    <span class="status-dot" aria-hidden="true"></span>
                    <a class="fleet-name" href=Signal::derive(move || line.with(|l| l.as_ref().filter(|l| !l.group).map(|l| link.run(l.id.clone()))))>
                        {text(|l| l.name.clone())}
                    </a>
                    <span
                        class="fleet-alert"
                        data-testid="fleet-alert"
                        data-severity=text(|l| l.alert.severity_name().to_owned())
                        hidden=Signal::derive(move || line.with(|l| l.as_ref().is_none_or(|l| l.alert.firing == 0)))
                    >
                        {text(|l| alert_words(l.alert))}
                    </span>
                    <RemoveHostButton
                        id=text(|l| l.id.clone())
                        down=Signal::derive(move || line.with(|l| l.as_ref().is_some_and(|l| l.status == "down")))
                    />
                </div>
            }
        })
        .collect_view();
    // The numbers of the lines in the window, and what a screen reader hears of them.
    let numbers = Memo::new(move |_| {
        let now = now.get();
        window.with(|w| {
            rows.with(|rows| w.iter().map(|item| numbers_row(item, rows, metrics, now, compact)).collect::<Vec<_>>())
        })
    });
    let described = Signal::derive(move || {
        window.with(|w| {
            numbers.with(|numbers| {
                w.iter()
                    .zip(numbers)
                    .filter_map(|(item, row)| match item {
                        Item::Host(i) => {
                            rows.with(|rows| rows.get(*i).map(|r| format!("{}: {}", r.name, row.cells.join(" "))))
                        }
                        Item::Group { .. } => None,
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        })
    });
    // While the summary's ring holds less than a sparkline, the hosts on screen
    // that are up have their minute asked of the hub's history.
    let short = Memo::new(move |_| {
        store.with(|store| {
            let ring = store.host(FLEET_HOST);
            let newest = ring.and_then(|s| s.newest_ts());
            // No ring at all (before the first summary, or dropped at a restarted
            // hub's gap) asks nothing yet, so a new ring asks again.
            newest.is_some_and(|newest| rings_fall_short(newest - SPARK_MS, ring.and_then(|s| s.oldest_ts())))
        })
    });
    let wanted = Signal::derive(move || {
        if !short.get() {
            return Vec::new();
        }
        window.with(|w| {
            rows.with(|rows| {
                w.iter()
                    .filter_map(|item| match item {
                        Item::Host(i) => rows.get(*i).filter(|r| r.status == HostStatus::Up).map(|r| r.id.clone()),
                        Item::Group { .. } => None,
                    })
                    .collect()
            })
        })
    });
    let seeds = use_spark_seeds(history, wanted, now, SPARK_MS, SPARK_POINTS);
    // The sparklines are computed where they are drawn: a memo of them would
    // cost a signal type of its own for the few repaints it saves.
    let spark_canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(canvas) = spark_canvas.get() else { return };
        let colour = css(theme.get().palette().series_color(0));
        let sparks = window.with(|w| {
            store.with(|store| {
                seeds.with(|seeds| {
                    let summary = store.host(FLEET_HOST);
                    let oldest = summary.and_then(|s| s.oldest_ts());
                    w.iter()
                        .map(|item| {
                            let Item::Host(i) = item else { return Vec::new() };
                            rows.with(|rows| {
                                // A down host's row has its Remove where the line was.
                                let Some(row) = rows.get(*i).filter(|r| r.status != HostStatus::Down) else {
                                    return Vec::new();
                                };
                                let ring: Vec<f64> = summary
                                    .and_then(|s| s.values(&series_id(&row.id, Metric::Cpu)))
                                    .map(|(older, newer)| older.iter().chain(newer).copied().collect())
                                    .unwrap_or_default();
                                let seed = seeds.get(&row.id).unwrap_or_default();
                                spark_points(seed, oldest, &ring, SPARK_POINTS)
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
        });
        draw_sparks(&canvas, &sparks, &colour);
    });

    let height = Signal::derive(move || format!("{}px", items.with(Vec::len) as f64 * ROW_HEIGHT));
    let top = Signal::derive(move || format!("{}px", first.get() as f64 * ROW_HEIGHT));
    // The window is as tall as the lines in it: a short list gets a short canvas.
    let window_height = Signal::derive(move || format!("{}px", window.with(Vec::len) as f64 * ROW_HEIGHT));
    let count = Signal::derive(move || {
        let shown = items.with(|items| items.iter().filter(|i| matches!(i, Item::Host(_))).count());
        let total = rows.with(Vec::len);
        if shown == total {
            format!("{total} hosts")
        } else {
            format!("{shown} of {total} hosts")
        }
    });
    let headings = metrics.iter().map(|&metric| heading(metric.label(), SortKey::Metric(metric), sort)).collect_view();
    view! {
        <div class="fleet-table" class:compact=compact data-testid="fleet-table">
            <div class="fleet-head">
                {heading("Host", SortKey::Name, sort)}
                <div class="fleet-head-cells" style=template>
                    <span class="muted">{if compact { "" } else { "Tags" }}</span>
                    {headings}
                </div>
                <span class="fleet-spark-head">"CPU, 1 min"</span>
            </div>
            <div class="fleet-scroll" node_ref=scroller on:scroll=on_scroll data-testid="fleet-scroll">
                <div class="fleet-space" style:height=height>
                    <div class="fleet-window" style:top=top style:height=window_height>
                        {slots}
                        <div class="fleet-numbers">
                            <TextCells
                                rows=numbers
                                layout=layout
                                theme=theme
                                class="fleet-numbers-canvas"
                                label=described
                                test_id="fleet-numbers"
                            />
                        </div>
                        <canvas
                            class="fleet-sparks"
                            node_ref=spark_canvas
                            style:height=window_height
                            aria-hidden="true"
                        ></canvas>
                    </div>
                </div>
            </div>
            <p class="fleet-count muted" data-testid="fleet-count">{count}</p>
            <RemoveHostError />
        </div>
    }
}

/// What a line slot shows besides the numbers.
#[derive(Debug, Clone, Default, PartialEq)]
struct Line {
    id: String,
    name: String,
    status: &'static str,
    group: bool,
    /// The host's firing alerts.
    alert: Badge,
}

impl Line {
    fn host(row: &HostRow, alerts: Option<&[LiveAlert]>) -> Line {
        let alert = alerts.map(|set| badge(set, Some(&row.id))).unwrap_or_default();
        Line { id: row.id.clone(), name: row.name.clone(), status: row.status.as_str(), group: false, alert }
    }

    fn group(value: Option<&str>) -> Line {
        Line { name: value.unwrap_or("(untagged)").to_owned(), status: "group", group: true, ..Line::default() }
    }
}

/// The canvas's columns: tags (or what a host that is not up last did), then the
/// numbers.
/// A row's badge, in the worst severity's colour: that severity for one alert,
/// the count for several (of mixed levels, perhaps).
fn alert_words(badge: Badge) -> String {
    match badge.firing {
        0 | 1 => badge.severity_name().to_owned(),
        n => format!("{n} alerts"),
    }
}

fn layout(metrics: &[Metric]) -> CellLayout {
    let mut columns = vec![Column { width: Width::Fill, align: Align::Left, tone: Tone::Muted }];
    for metric in metrics {
        let width = match metric {
            Metric::Cpu | Metric::Mem => 64.0,
            Metric::Load => 48.0,
            _ => 84.0,
        };
        columns.push(Column { width: Width::Px(width), align: Align::Right, tone: Tone::Normal });
    }
    CellLayout { columns, gap: 0.0, padding: 6.0, row_height: ROW_HEIGHT, rules: false, wrap: None }
}

/// One line's texts on the canvas (a phone's leave the tags out).
fn numbers_row(item: &Item, rows: &[HostRow], metrics: &[Metric], now: f64, compact: bool) -> Row {
    let blank = || vec![String::new(); metrics.len()];
    match item {
        Item::Group { hosts, up, .. } => {
            Row { cells: [vec![format!("{up} of {hosts} up")], blank()].concat(), faded: false }
        }
        Item::Host(i) => {
            let Some(row) = rows.get(*i) else { return Row::default() };
            if row.status != HostStatus::Up {
                let seen = if row.last_seen > 0.0 {
                    format!("last seen {}", format::age(now - row.last_seen))
                } else {
                    "never seen".to_owned()
                };
                // On a phone the dot and the dimmed name say the status.
                let note = if compact { seen } else { format!("{} · {seen}", row.status.as_str()) };
                return Row { cells: [vec![note], blank()].concat(), faded: true };
            }
            let tags: Vec<String> = row.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let mut cells = vec![if compact { String::new() } else { tags.join(" ") }];
            cells.extend(metrics.iter().map(|&m| row.value(m).map(|v| format::value(m.unit(), v)).unwrap_or_default()));
            Row::new(cells)
        }
    }
}

/// A sortable column heading.
fn heading(label: &'static str, key: SortKey, sort: RwSignal<Sort>) -> impl IntoView {
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

/// Draws a sparkline per line, each in its line's band, scaled to 0–100 %: the
/// area under the line is tinted, so a host at 100 % reads as a full band and not
/// as a stray dash, and the band keeps headroom above 100 % for the stroke.
fn draw_sparks(canvas: &web_sys::HtmlCanvasElement, sparks: &[Vec<f64>], colour: &str) {
    let dpr = device_pixel_ratio();
    let lines = sparks.len() as f64;
    let Some(context) = fit(canvas, (SPARK_WIDTH, lines * ROW_HEIGHT), dpr) else { return };
    let (width, band) = (SPARK_WIDTH * dpr, ROW_HEIGHT * dpr);
    context.clear_rect(0.0, 0.0, width, band * lines);
    context.set_line_width(1.5 * dpr);
    context.set_stroke_style_str(colour);
    context.set_fill_style_str(colour);
    let (inset, height) = (SPARK_INSET * dpr, band - 2.0 * SPARK_INSET * dpr);
    let step = width / (SPARK_POINTS - 1) as f64;
    for (line, points) in sparks.iter().enumerate() {
        let offset = SPARK_POINTS.saturating_sub(points.len());
        let floor = line as f64 * band + inset + height;
        let mut run: Vec<(f64, f64)> = Vec::new();
        for (i, value) in points.iter().enumerate() {
            if value.is_finite() {
                let y = floor - height * value.clamp(0.0, 100.0) / 100.0;
                run.push(((offset + i) as f64 * step, y));
            } else {
                spark_run(&context, &run, floor);
                run.clear();
            }
        }
        spark_run(&context, &run, floor);
    }
}

/// Space above 100 % and below 0 % in a sparkline's band, CSS pixels.
const SPARK_INSET: f64 = 12.0;

/// One unbroken run of a sparkline: its tinted area down to `floor`, then its line.
fn spark_run(context: &web_sys::CanvasRenderingContext2d, run: &[(f64, f64)], floor: f64) {
    let (Some(&(first, _)), Some(&(last, _))) = (run.first(), run.last()) else { return };
    context.begin_path();
    context.move_to(first, floor);
    run.iter().for_each(|&(x, y)| context.line_to(x, y));
    context.line_to(last, floor);
    context.close_path();
    context.set_global_alpha(0.18);
    context.fill();
    context.set_global_alpha(1.0);
    context.begin_path();
    run.iter().enumerate().for_each(|(i, &(x, y))| if i == 0 { context.move_to(x, y) } else { context.line_to(x, y) });
    context.stroke();
}
