//! The toolbar: time range (live presets, history presets, custom from/to),
//! panning, pause, zoom reset and theme.

use leptos::prelude::*;

use super::custom_range::CustomRange;
use super::segmented::Segmented;
use crate::charts::theme::Theme;
use crate::charts::Window;
use crate::range::{pan, Pan, Range, PRESETS};

/// A segmented control choosing how much history the charts show, then "Custom",
/// which opens a from/to form.
#[component]
pub fn RangePicker(
    /// The chosen range.
    range: RwSignal<Range>,
    /// Whether the custom from/to form is open.
    custom_open: RwSignal<bool>,
    /// Asks the connection to make sure this much history is loaded in the rings.
    backfill: Callback<f64>,
) -> impl IntoView {
    let mut choices: Vec<_> = PRESETS.iter().map(|p| (p.label, format!("range-{}", p.label))).collect();
    choices.push(("Custom", "range-custom".to_owned()));
    let chosen = Signal::derive(move || range.get().index());
    let pick = Callback::new(move |index: usize| {
        let Some(&preset) = PRESETS.get(index) else {
            custom_open.update(|open| *open = !*open);
            return;
        };
        custom_open.set(false);
        range.set(Range::Last(preset));
        if !preset.history {
            backfill.run(preset.ms);
        }
    });
    view! { <Segmented choices=choices chosen=chosen pick=pick label="Time range" /> }
}

/// Range picker, panning, pause/resume, zoom reset and the theme toggle.
#[component]
pub fn Toolbar(
    /// The chosen range.
    range: RwSignal<Range>,
    /// The window on screen.
    window: Signal<Window>,
    /// The newest sample's time, where a preset range ends.
    live_edge: Signal<f64>,
    /// Whether the view is frozen (data keeps arriving).
    paused: RwSignal<bool>,
    /// A dragged or panned window, if any.
    zoom: RwSignal<Option<Window>>,
    /// The colour scheme.
    theme: RwSignal<Theme>,
    /// Asks the connection to make sure this much history is loaded.
    backfill: Callback<f64>,
) -> impl IntoView {
    let custom_open = RwSignal::new(false);
    let pan_by = move |direction: Pan| {
        let shown = window.get_untracked();
        match range.get_untracked() {
            Range::Last(_) => zoom.set(pan(shown, direction, Some(live_edge.get_untracked()))),
            Range::Between(_) => {
                zoom.set(None);
                // Not past 1970 (or a page's last ms): the charts would get 400s.
                let moved = pan(shown, direction, None).unwrap_or(shown);
                if let Ok(moved) = Range::between(moved.from, moved.to) {
                    range.set(moved);
                }
            }
        }
    };
    let at_live_edge = Signal::derive(move || matches!(range.get(), Range::Last(_)) && zoom.with(Option::is_none));
    let custom = move || {
        custom_open.get().then(|| {
            let apply = Callback::new(move |chosen: Window| {
                zoom.set(None);
                range.set(Range::Between(chosen));
                custom_open.set(false);
            });
            view! {
                <CustomRange start=window.get_untracked() apply=apply cancel=Callback::new(move |()| custom_open.set(false)) />
            }
        })
    };
    view! {
        <div class="toolbar">
            <RangePicker range=range custom_open=custom_open backfill=Callback::new(move |ms| {
                zoom.set(None);
                backfill.run(ms);
            }) />
            <span class="pan" role="group" aria-label="Move the window">
                <button type="button" class="tool" data-testid="pan-earlier" aria-label="Earlier" title="Earlier"
                    on:click=move |_| pan_by(Pan::Earlier)>"◀"</button>
                <button type="button" class="tool" data-testid="pan-later" aria-label="Later" title="Later"
                    disabled=at_live_edge on:click=move |_| pan_by(Pan::Later)>"▶"</button>
            </span>
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
            {custom}
        </div>
    }
}
