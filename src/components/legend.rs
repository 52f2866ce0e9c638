//! The HTML legend under a chart: colour, name and now/min/max/avg per series.

use leptos::prelude::*;
use pulse_protocol::Unit;

use super::ChartView;
use crate::charts::theme::css;
use crate::charts::Line;
use crate::format;
use crate::store::SeriesStats;

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
        let id = line.id.clone();
        let hidden = Memo::new(move |_| view.hidden.with(|h| h.contains(&id)));
        let id = line.id.clone();
        let swatch = move || format!("background:{}", css(view.theme.get().palette().series_color(line.color)));
        let numbers = move || {
            let s = stats.with(|s| s.get(index).copied().flatten());
            let text = |pick: fn(&SeriesStats) -> f64| s.map(|s| format::value(unit, pick(&s))).unwrap_or_default();
            view! {
                <span class="stat now">{s.map(|s| format::value(unit, s.last)).unwrap_or_else(|| "–".into())}</span>
                <span class="stat">{text(|s| s.min)}</span>
                <span class="stat">{text(|s| s.max)}</span>
                <span class="stat">{text(|s| s.avg)}</span>
            }
        };
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
                {numbers}
            </li>
        }
    };
    view! {
        <ul class="legend" class:compact=Signal::derive(compact)>
            <li class="legend-head" aria-hidden="true">
                <span></span>
                <span>"now"</span>
                <span>"min"</span>
                <span>"max"</span>
                <span>"avg"</span>
            </li>
            // Rebuilt only when the set of lines changes; values update in place.
            {move || lines.get().into_iter().enumerate().map(entry).collect_view()}
        </ul>
    }
}
