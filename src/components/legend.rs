//! The legend under a chart: colour, name and now/min/max/avg per series.
//!
//! Names are HTML buttons (they toggle their series); the numbers, which change every
//! second, are drawn on one canvas beside them ([`TextCells`]), row for row, so a data
//! update never lays the page out. The numbers reach screen readers as the canvas's
//! `aria-label`. A legend of many series is compact: entries wrap into columns and
//! show the current value only.

use leptos::prelude::*;
use pulse_protocol::Unit;

use super::text_cells::TextCells;
use super::ChartView;
use crate::charts::theme::css;
use crate::charts::Line;
use crate::format;
use crate::paint::text::{Align, CellLayout, Column, Row, Tone, Width, Wrap};
use crate::store::SeriesStats;

/// Space between the number columns, in CSS pixels (the stylesheet's `.legend` gap).
const GAP: f64 = 8.0;

/// Height of a legend row, in CSS pixels (the stylesheet's `.legend-entry button`).
const ROW_HEIGHT: f64 = 24.0;

/// A legend with more series than this is compact.
const COMPACT_ABOVE: usize = 4;

/// A compact legend's smallest column and the gap between columns, in CSS pixels
/// (written into the stylesheet's `--cell-w`; the gap is `.legend.compact`'s).
const COMPACT_COLUMN: Wrap = Wrap { min_width: 190.0, gap: 14.0 };

/// The statistics' names, in column order.
const NAMES: [&str; 4] = ["now", "min", "max", "avg"];

/// A legend whose entries toggle their series.
#[component]
pub fn Legend(
    /// Every line of the chart.
    #[prop(into)]
    lines: Signal<Vec<Line>>,
    /// Each line's statistics over the window, aligned with `lines`.
    #[prop(into)]
    stats: Signal<Vec<Option<SeriesStats>>>,
    /// The unit of the values.
    unit: Unit,
    /// Shared chart signals (hidden series, theme).
    view: ChartView,
) -> impl IntoView {
    let compact = Memo::new(move |_| lines.with(|l| l.len() > COMPACT_ABOVE));
    let entry = move |line: Line| {
        let id = line.id.clone();
        let hidden = Memo::new(move |_| view.hidden.with(|h| h.contains(&id)));
        let id = line.id.clone();
        let swatch = move || format!("background:{}", css(view.theme.get().palette().series_color(line.color)));
        view! {
            <li class="legend-entry" class:off=hidden>
                <button
                    type="button"
                    aria-pressed=Signal::derive(move || (!hidden.get()).to_string())
                    title="Show or hide this series"
                    on:click=move |_| view.toggle_series(&id)
                >
                    <span class="swatch" style=Signal::derive(swatch)></span>
                    <span class="legend-label">{line.label}</span>
                </button>
            </li>
        }
    };
    // Notifies only when a shown text (or a faded row) changed: a Memo compares.
    let rows = Memo::new(move |_| {
        lines.with(|lines| {
            stats.with(|stats| {
                view.hidden.with(|hidden| {
                    let stat = |i: usize| stats.get(i).copied().flatten();
                    let row = |(i, line): (usize, &Line)| Row {
                        cells: stat_texts(unit, stat(i)),
                        faded: hidden.contains(&line.id),
                    };
                    lines.iter().enumerate().map(row).collect::<Vec<_>>()
                })
            })
        })
    });
    let label = Signal::derive(move || lines.with(|lines| rows.with(|rows| describe(lines, rows))));
    let style = format!("--stat-w:{}px;--cell-w:{}px", stat_width(unit), COMPACT_COLUMN.min_width);
    view! {
        <div class="legend" class:compact=move || compact.get() style=style>
            <div class="legend-head" aria-hidden="true">
                <span></span>
                {NAMES.map(|name| view! { <span>{name}</span> })}
            </div>
            <div class="legend-body">
                // Rebuilt only when the set of lines changes; the numbers live on the canvas.
                <ul class="legend-names">{move || lines.get().into_iter().map(entry).collect_view()}</ul>
                {move || {
                    view! {
                        <TextCells
                            rows=rows
                            layout=layout(unit, compact.get())
                            theme=view.theme
                            class="legend-values"
                            label=label
                        />
                    }
                }}
            </div>
        </div>
    }
}

/// The width of one number column for a unit, in CSS pixels: room for the widest
/// value `format::value` writes in it (`100.0 %`, `1023 KiB/s`, `12 d 23 h`).
pub fn stat_width(unit: Unit) -> u32 {
    match unit {
        Unit::Percent | Unit::Count => 58,
        Unit::Load => 48,
        Unit::Bytes => 70,
        Unit::BytesPerSecond => 82,
        Unit::Seconds => 80,
    }
}

/// The number columns: the current value first, in bold. A compact legend wraps its
/// entries into columns and shows the current value only, at the right of each.
fn layout(unit: Unit, compact: bool) -> CellLayout {
    let column = |tone| Column { width: Width::Px(f64::from(stat_width(unit))), align: Align::Right, tone };
    CellLayout {
        columns: vec![column(Tone::Strong), column(Tone::Muted), column(Tone::Muted), column(Tone::Muted)],
        gap: GAP,
        padding: 0.0,
        row_height: ROW_HEIGHT,
        rules: false,
        wrap: compact.then_some(COMPACT_COLUMN),
    }
}

/// now, min, max and avg as shown (a dash for "now" without data, blanks after it).
fn stat_texts(unit: Unit, stats: Option<SeriesStats>) -> Vec<String> {
    match stats {
        Some(s) => [s.last, s.min, s.max, s.avg].map(|v| format::value(unit, v)).to_vec(),
        None => vec!["–".into(), String::new(), String::new(), String::new()],
    }
}

/// What a screen reader hears for the numbers: `total: now 12.0 %, min 3.0 %, …`,
/// series after series.
fn describe(lines: &[Line], rows: &[Row]) -> String {
    let one = |(line, row): (&Line, &Row)| {
        let parts: Vec<String> = NAMES
            .iter()
            .zip(&row.cells)
            .filter(|(_, text)| !text.is_empty() && text.as_str() != "–")
            .map(|(name, text)| format!("{name} {text}"))
            .collect();
        let numbers = if parts.is_empty() { "no data".to_owned() } else { parts.join(", ") };
        format!("{}: {numbers}", line.label)
    };
    lines.iter().zip(rows).map(one).collect::<Vec<_>>().join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_described_in_words() {
        let stats = SeriesStats { last: 12.0, min: 3.0, max: 40.0, avg: 20.5 };
        let lines = [
            Line { id: "a".into(), label: "total".into(), color: 0 },
            Line { id: "b".into(), label: "idle".into(), color: 1 },
        ];
        let rows = [Row::new(stat_texts(Unit::Percent, Some(stats))), Row::new(stat_texts(Unit::Percent, None))];
        assert_eq!(describe(&lines, &rows), "total: now 12.0 %, min 3.0 %, max 40.0 %, avg 20.5 %; idle: no data");
    }

    #[test]
    fn the_widest_values_fit_their_column_at_seven_pixels_a_character() {
        // (unit, widest value) — system sans fonts set these digits about 7 px wide at 12.3 px.
        let cases = [
            (Unit::Percent, 100.0),
            (Unit::BytesPerSecond, 1023.0 * 1024.0),
            (Unit::Bytes, 1023.0 * 1024.0 * 1024.0),
            (Unit::Load, 12.34),
            (Unit::Count, 99_999.0),
            (Unit::Seconds, 12.0 * 86_400.0 + 23.0 * 3_600.0),
        ];
        for (unit, value) in cases {
            let text = format::value(unit, value);
            let width = text.chars().count() as u32 * 7;
            assert!(width <= stat_width(unit), "{text:?} needs {width} px, the column has {}", stat_width(unit));
        }
    }
}
