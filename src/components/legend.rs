//! The legend under a chart: colour, name and now/min/max/avg per series.
//!
//! Names are HTML buttons (they toggle their series); the numbers, which change every
//! second, are drawn on a canvas per entry ([`TextCells`]) so a data update never
//! lays the page out. Each entry's numbers reach screen readers as its `aria-label`.

use leptos::prelude::*;
use pulse_protocol::Unit;

use super::text_cells::TextCells;
use super::ChartView;
use crate::charts::theme::css;
use crate::charts::Line;
use crate::format;
use crate::paint::text::{Align, CellLayout, Column, Tone, Width};
use crate::store::SeriesStats;

/// Space between the number columns, in CSS pixels (the stylesheet's `.legend` gap).
const GAP: f64 = 8.0;

/// The statistics' names, in column order.
const NAMES: [&str; 4] = ["now", "min", "max", "avg"];

/// A legend whose entries toggle their series. Panels with many series show a
/// compact legend (name and current value only).
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
    let compact = move || lines.with(|l| l.len() > 4);
    let entry = move |(index, line): (usize, Line)| {
        // Entries are rebuilt whenever the lines change, so this is never stale.
        let layout = layout(unit, lines.with_untracked(|l| l.len() > 4));
        let id = line.id.clone();
        let hidden = Memo::new(move |_| view.hidden.with(|h| h.contains(&id)));
        let id = line.id.clone();
        let swatch = move || format!("background:{}", css(view.theme.get().palette().series_color(line.color)));
        // Notifies only when a shown text changed (a Memo compares).
        let numbers = Memo::new(move |_| vec![stat_texts(unit, stats.with(|s| s.get(index).copied().flatten()))]);
        let label = Signal::derive(move || numbers.with(|rows| describe(&rows[0])));
        view! {
            <li class="legend-entry" class:off=move || hidden.get()>
                <button
                    type="button"
                    aria-pressed=move || (!hidden.get()).to_string()
                    title="Show or hide this series"
                    on:click=move |_| view.toggle_series(&id)
                >
                    <span class="swatch" style=swatch></span>
                    <span class="legend-label">{line.label}</span>
                </button>
                <TextCells rows=numbers layout=layout theme=view.theme class="legend-values" label=label />
            </li>
        }
    };
    view! {
        <ul class="legend" class:compact=compact style=format!("--stat-w:{}px", stat_width(unit))>
            <li class="legend-head" aria-hidden="true">
                <span></span>
                {NAMES.map(|name| view! { <span>{name}</span> })}
            </li>
            // Rebuilt only when the set of lines changes; values update on their canvases.
            {move || lines.get().into_iter().enumerate().map(entry).collect_view()}
        </ul>
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

/// The number columns of a legend entry: the current value first, in bold. A compact
/// legend shows that one only, next to the name.
fn layout(unit: Unit, compact: bool) -> CellLayout {
    let align = if compact { Align::Left } else { Align::Right };
    let column = |tone| Column { width: Width::Px(f64::from(stat_width(unit))), align, tone };
    CellLayout {
        columns: vec![column(Tone::Strong), column(Tone::Muted), column(Tone::Muted), column(Tone::Muted)],
        gap: GAP,
        padding: 0.0,
        rows: 1,
        rules: false,
    }
}

/// now, min, max and avg as shown (a dash for "now" without data, blanks after it).
fn stat_texts(unit: Unit, stats: Option<SeriesStats>) -> Vec<String> {
    match stats {
        Some(s) => [s.last, s.min, s.max, s.avg].map(|v| format::value(unit, v)).to_vec(),
        None => vec!["–".into(), String::new(), String::new(), String::new()],
    }
}

/// What a screen reader hears for an entry's numbers: `now 12.0 %, min 3.0 %, …`.
fn describe(texts: &[String]) -> String {
    let parts: Vec<String> =
        NAMES.iter().zip(texts).filter(|(_, t)| !t.is_empty()).map(|(name, text)| format!("{name} {text}")).collect();
    if parts.len() <= 1 && texts.first().is_some_and(|t| t == "–") {
        "no data".to_owned()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_described_in_words() {
        let stats = SeriesStats { last: 12.0, min: 3.0, max: 40.0, avg: 20.5 };
        assert_eq!(describe(&stat_texts(Unit::Percent, Some(stats))), "now 12.0 %, min 3.0 %, max 40.0 %, avg 20.5 %");
        assert_eq!(describe(&stat_texts(Unit::Percent, None)), "no data");
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
