//! The canvas component: painted by the page's one painter (`paint::scheduler`) on
//! an animation frame, only when something it draws changed, and only while it is
//! on screen.

use leptos::html;
use leptos::prelude::*;

use pulse_protocol::alerts::LiveAlert;

use super::theme::Theme;
use super::{draw, ChartSpec, DrawInput, Line, Source, Window};
use crate::alerts::marks::marks;
use crate::paint::{backing, observe, scheduler};

/// A live line chart on a HiDPI canvas. Effects here only synchronise the canvas
/// with the signals; hovering and legends live in HTML around it.
#[component]
pub fn LineChart(
    /// Every host's samples: the rings, or a history picture.
    store: Source,
    /// The host to draw.
    #[prop(into)]
    host: Signal<String>,
    /// The lines to draw (hidden series already left out).
    #[prop(into)]
    lines: Signal<Vec<Line>>,
    /// Scale and marks.
    #[prop(into)]
    spec: Signal<ChartSpec>,
    /// The time span on screen.
    #[prop(into)]
    window: Signal<Window>,
    /// Colours.
    #[prop(into)]
    theme: Signal<Theme>,
    /// While true, new samples do not repaint (the window is paused or zoomed).
    #[prop(into)]
    frozen: Signal<bool>,
    /// The host's live alerts: those on a drawn series are marked.
    #[prop(into, optional)]
    alerts: Signal<Vec<LiveAlert>>,
    /// The canvas's CSS size, written here from a `ResizeObserver` for overlays to read.
    size: RwSignal<(f64, f64)>,
    /// What a screen reader hears instead of the picture (current values).
    #[prop(into)]
    label: Signal<String>,
    /// `data-testid` of the canvas.
    #[prop(into, optional)]
    test_id: String,
) -> impl IntoView {
    let canvas_ref = NodeRef::<html::Canvas>::new();
    // Nothing paints until the IntersectionObserver's first report says it is visible.
    let on_screen = RwSignal::new(false);
    observe::watch(canvas_ref, size, on_screen);
    // The newest sample ts this canvas has painted, for `window.__pulse.drawLag`.
    let painted_ts = StoredValue::new(None::<f64>);

    let paint = move || {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let css_size = size.get_untracked();
        if css_size.0 < 1.0 || css_size.1 < 1.0 {
            return;
        }
        let dpr = backing::device_pixel_ratio();
        let tz_offset_minutes = -js_sys::Date::new_0().get_timezone_offset();
        let spec = spec.get_untracked();
        let lines = lines.get_untracked();
        let marks = alerts.with_untracked(|alerts| marks(alerts, lines.iter().map(|line| line.id.as_str())));
        let result = store.with_untracked(|store| {
            host.with_untracked(|host| {
                let input = DrawInput {
                    host: store.host(host),
                    lines: &lines,
                    spec: &spec,
                    window: window.get_untracked(),
                    palette: theme.get_untracked().palette(),
                    css_size,
                    dpr,
                    tz_offset_minutes,
                    alerts: &marks,
                };
                draw(&canvas, &input)
            })
        });
        if let Err(error) = result {
            leptos::logging::warn!("chart not drawn: {error}");
            return;
        }
        let newest = store.with_untracked(|s| host.with_untracked(|h| s.host(h).and_then(|h| h.newest_ts())));
        if let Some(ts) = newest {
            // Not the first paint: that one shows backfilled history, not a fresh sample.
            if painted_ts.get_value().is_some_and(|painted| ts > painted) {
                record_draw_lag(js_sys::Date::now() - ts);
            }
            painted_ts.set_value(Some(ts));
        }
    };

    // Every change marks the canvas dirty; the painter paints it once, on a coming frame.
    let job = StoredValue::new_local(scheduler::register(paint));
    Effect::new(move |_| {
        store.track(frozen.get());
        host.track();
        lines.track();
        spec.track();
        window.track();
        theme.track();
        alerts.track();
        size.track();
        if on_screen.get() {
            job.with_value(scheduler::PaintJob::mark_dirty);
        }
    });

    view! {
        <canvas
            node_ref=canvas_ref
            class="chart-canvas"
            role="img"
            aria-label=label
            data-testid=test_id
        ></canvas>
    }
}

/// Appends to `window.__pulse.drawLag` (see `hooks::debug`), keeping the last 2,000.
fn record_draw_lag(lag_ms: f64) {
    crate::probe::push_capped("drawLag", lag_ms, 2_000);
}
