//! The toolbar: time range, pause, zoom reset and theme.

use leptos::prelude::*;

use super::segmented::Segmented;
use crate::charts::theme::Theme;
use crate::charts::Window;

/// The time ranges on offer: label and length in ms.
pub const RANGES: [(&str, f64); 4] = [("1m", 60e3), ("5m", 300e3), ("15m", 900e3), ("1h", 3_600e3)];

/// A segmented control choosing how much history the charts show.
#[component]
pub fn RangePicker(
    /// The chosen span in ms.
    range_ms: RwSignal<f64>,
    /// Asks the connection to make sure this much history is loaded.
    backfill: Callback<f64>,
) -> impl IntoView {
    let choices = RANGES.iter().map(|&(label, _)| (label, format!("range-{label}"))).collect();
    let chosen = Signal::derive(move || RANGES.iter().position(|&(_, ms)| ms == range_ms.get()).unwrap_or(usize::MAX));
    let pick = Callback::new(move |index: usize| {
        let ms = RANGES[index].1;
        range_ms.set(ms);
        backfill.run(ms);
    });
    view! { <Segmented choices=choices chosen=chosen pick=pick label="Time range" /> }
}

/// Range picker, pause/resume, zoom reset and the theme toggle.
#[component]
pub fn Toolbar(
    /// The chosen span in ms.
    range_ms: RwSignal<f64>,
    /// Whether the view is frozen (data keeps arriving).
    paused: RwSignal<bool>,
    /// A dragged zoom window, if any.
    zoom: RwSignal<Option<Window>>,
    /// The colour scheme.
    theme: RwSignal<Theme>,
    /// Asks the connection to make sure this much history is loaded.
    backfill: Callback<f64>,
) -> impl IntoView {
    view! {
        <div class="toolbar">
            <RangePicker range_ms=range_ms backfill=Callback::new(move |ms| {
                zoom.set(None);
                backfill.run(ms);
            }) />
            <button
                type="button"
                class="tool"
                data-testid="pause"
                aria-pressed=Signal::derive(move || paused.get().to_string())
                on:click=move |_| paused.update(|p| *p = !*p)
            >
                {Signal::derive(move || if paused.get() { "▶ Resume" } else { "❚❚ Pause" }.to_owned())}
            </button>
            {move || {
                zoom.with(Option::is_some).then(|| {
                    view! {
                        <button type="button" class="tool" data-testid="reset-zoom" on:click=move |_| zoom.set(None)>
                            "Reset zoom"
                        </button>
                    }
                })
            }}
            <button
                type="button"
                class="tool"
                data-testid="theme-toggle"
                aria-label=Signal::derive(move || format!("Switch to {} theme", theme.get().toggled().as_str()))
                on:click=move |_| theme.update(|t| *t = t.toggled())
            >
                {Signal::derive(move || if theme.get() == Theme::Dark { "☀" } else { "☾" }.to_owned())}
            </button>
        </div>
    }
}
