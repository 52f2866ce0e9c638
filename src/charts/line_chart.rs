//! The canvas component: paints on `requestAnimationFrame`, only when something
//! it draws changed, and only while it is on screen.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, ResizeObserver};

use super::theme::Theme;
use super::{draw, ChartSpec, DrawInput, Line, Window};
use crate::store::SeriesStore;

/// A live line chart on a HiDPI canvas. Effects here only synchronise the canvas
/// with the signals; hovering and legends live in HTML around it.
#[component]
pub fn LineChart(
    /// Every host's samples.
    #[prop(into)]
    store: Signal<SeriesStore>,
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
    let frame_pending = StoredValue::new(false);
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
        let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0);
        let tz_offset_minutes = -js_sys::Date::new_0().get_timezone_offset();
        let spec = spec.get_untracked();
        let lines = lines.get_untracked();
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

    // Coalesce every change into at most one paint per animation frame.
    Effect::new(move |_| {
        if !frozen.get() {
            store.track();
        }
        host.track();
        lines.track();
        spec.track();
        window.track();
        theme.track();
        size.track();
        if !on_screen.get() || frame_pending.get_value() {
            return;
        }
        frame_pending.set_value(true);
        request_animation_frame(move || {
            frame_pending.set_value(false);
            paint();
        });
    });

    Effect::new(move |_| {
        let Some(canvas) = canvas_ref.get() else {
            return;
        };
        let Some(observers) = observe(&canvas, size, on_screen) else {
            leptos::logging::warn!("this browser lacks ResizeObserver or IntersectionObserver");
            size.set((canvas.client_width() as f64, canvas.client_height() as f64));
            on_screen.set(true);
            return;
        };
        // Disposed (and so disconnected) with this effect's owner.
        StoredValue::new_local(observers);
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
    let Some(handle) = web_sys::window().and_then(|w| js_sys::Reflect::get(&w, &"__pulse".into()).ok()) else {
        return;
    };
    if !handle.is_object() {
        return;
    }
    let key = JsValue::from_str("drawLag");
    let lags = match js_sys::Reflect::get(&handle, &key).ok().and_then(|v| v.dyn_into::<js_sys::Array>().ok()) {
        Some(lags) => lags,
        None => {
            let lags = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&handle, &key, &lags);
            lags
        }
    };
    lags.push(&JsValue::from_f64(lag_ms));
    if lags.length() > 2_000 {
        lags.shift();
    }
}

/// The two observers of one canvas and their callbacks, kept alive together.
struct Observers {
    resize: ResizeObserver,
    intersection: IntersectionObserver,
    _on_resize: Closure<dyn FnMut()>,
    _on_intersect: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for Observers {
    fn drop(&mut self) {
        self.resize.disconnect();
        self.intersection.disconnect();
    }
}

/// Reports the canvas's CSS size into `size` and whether it is on screen into `on_screen`.
fn observe(
    canvas: &web_sys::HtmlCanvasElement,
    size: RwSignal<(f64, f64)>,
    on_screen: RwSignal<bool>,
) -> Option<Observers> {
    let measured = canvas.clone();
    let on_resize = Closure::<dyn FnMut()>::new(move || {
        let next = (measured.client_width() as f64, measured.client_height() as f64);
        if size.get_untracked() != next {
            size.set(next);
        }
    });
    let on_intersect = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries.iter().last() {
            let visible = entry.unchecked_into::<IntersectionObserverEntry>().is_intersecting();
            if on_screen.get_untracked() != visible {
                on_screen.set(visible);
            }
        }
    });
    let resize = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    resize.observe(canvas);
    let intersection = IntersectionObserver::new(on_intersect.as_ref().unchecked_ref()).ok()?;
    intersection.observe(canvas);
    Some(Observers { resize, intersection, _on_resize: on_resize, _on_intersect: on_intersect })
}
