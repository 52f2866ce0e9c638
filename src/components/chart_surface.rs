//! The chart and its HTML overlays: synced crosshair, tooltip and drag-to-zoom.
//!
//! Nothing here repaints the canvas: the crosshair and the selection are positioned
//! `<div>`s, and the tooltip reads values from the store.

use leptos::html;
use leptos::prelude::*;
use web_sys::{KeyboardEvent, PointerEvent};

use super::ChartView;
use crate::charts::theme::css;
use crate::charts::{ChartSpec, Line, LineChart, PlotRect, Source, Window};
use crate::format;

/// Smallest drag, in CSS pixels, that zooms instead of counting as a click.
const MIN_DRAG: f64 = 8.0;

/// A [`LineChart`] with pointer and keyboard interaction.
#[component]
pub fn ChartSurface(
    /// Every host's samples: the rings, or a history picture.
    store: Source,
    /// The host to show.
    host: Signal<String>,
    /// The lines drawn (visible ones only).
    #[prop(into)]
    lines: Signal<Vec<Line>>,
    /// Scale and marks.
    spec: ChartSpec,
    /// Signals shared by every chart.
    view: ChartView,
    /// What a screen reader hears for the chart.
    label: Signal<String>,
    /// `data-testid` of the canvas.
    test_id: String,
    /// The canvas's CSS size, written here.
    size: RwSignal<(f64, f64)>,
) -> impl IntoView {
    let unit = spec.unit;
    let pointer_here = RwSignal::new(false);
    let drag: RwSignal<Option<(f64, f64)>> = RwSignal::new(None);
    let surface = NodeRef::<html::Div>::new();
    let rect = move || PlotRect::for_size(size.get().0, size.get().1);
    let x_of_event = move |ev: &PointerEvent| {
        let left = surface.get_untracked().map(|el| el.get_bounding_client_rect().left()).unwrap_or(0.0);
        ev.client_x() as f64 - left
    };

    let on_move = move |ev: PointerEvent| {
        let x = x_of_event(&ev);
        let plot = PlotRect::for_size(size.get_untracked().0, size.get_untracked().1);
        let inside = x >= plot.left && x <= plot.right;
        view.hover.set(inside.then(|| plot.t_of(x, &view.window.get_untracked())));
        pointer_here.set(inside);
        if let Some((start, _)) = drag.get_untracked() {
            drag.set(Some((start, x.clamp(plot.left, plot.right))));
        }
    };
    let on_leave = move |_: PointerEvent| {
        view.hover.set(None);
        pointer_here.set(false);
        drag.set(None);
    };
    let on_down = move |ev: PointerEvent| {
        if ev.button() == 0 && ev.pointer_type() == "mouse" {
            let x = x_of_event(&ev);
            drag.set(Some((x, x)));
        }
    };
    let on_up = move |_: PointerEvent| {
        if let Some((a, b)) = drag.get_untracked() {
            if (a - b).abs() >= MIN_DRAG {
                let plot = PlotRect::for_size(size.get_untracked().0, size.get_untracked().1);
                let window = view.window.get_untracked();
                let (from, to) = (plot.t_of(a.min(b), &window), plot.t_of(a.max(b), &window));
                view.zoom.set(Some(Window { from, to }));
            }
        }
        drag.set(None);
    };
    // Arrow keys walk the crosshair (a fiftieth of the window per press), Escape
    // clears it and any zoom: the chart is usable without a pointer.
    let on_key = move |ev: KeyboardEvent| {
        let window = view.window.get_untracked();
        let step = window.span() / 50.0;
        let at = view.hover.get_untracked().unwrap_or(window.to);
        let next = match ev.key().as_str() {
            "ArrowLeft" => Some((at - step).max(window.from)),
            "ArrowRight" => Some((at + step).min(window.to)),
            "Escape" => {
                view.zoom.set(None);
                None
            }
            _ => return,
        };
        ev.prevent_default();
        view.hover.set(next);
        pointer_here.set(next.is_some());
    };
    let crosshair_x = move || {
        let t = view.hover.get()?;
        let x = rect().x_of(t, &view.window.get());
        (x >= rect().left && x <= rect().right).then_some(x)
    };
    let band = move |x: f64, width: f64| {
        let r = rect();
        format!("left:{x}px;width:{width}px;top:{}px;height:{}px", r.top, r.height())
    };
    let crosshair_style = move || match crosshair_x() {
        Some(x) => band(x, 1.0),
        None => "display:none".to_owned(),
    };
    let selection_style = move || match drag.get().filter(|(a, b)| (a - b).abs() >= 1.0) {
        Some((a, b)) => band(a.min(b), (a - b).abs()),
        None => "display:none".to_owned(),
    };
    let tooltip = move || {
        if !pointer_here.get() {
            return None;
        }
        let t = view.hover.get()?;
        let x = crosshair_x()?;
        let palette = view.theme.get().palette();
        let rows = store.with(|store| {
            host.with(|host| {
                let series = store.host(host);
                lines
                    .get()
                    .into_iter()
                    .map(|line| {
                        let value = series.and_then(|s| s.value_near(&line.id, t)).map(|(_, v)| v);
                        let text = value.map(|v| format::value(unit, v)).unwrap_or_else(|| "no data".into());
                        let color = css(palette.series_color(line.color));
                        view! {
                            <li><span class="swatch" style:background=color></span>{line.label}<b>{text}</b></li>
                        }
                    })
                    .collect_view()
            })
        });
        let time = format::clock(t, -js_sys::Date::new_0().get_timezone_offset(), true);
        let flip = x > size.get().0 / 2.0;
        let style = if flip { format!("right:{}px", size.get().0 - x + 12.0) } else { format!("left:{}px", x + 12.0) };
        Some(view! {
            <div class="tooltip" style=style role="status">
                <time>{time}</time>
                <ul>{rows}</ul>
            </div>
        })
    };

    view! {
        <div
            class="chart-surface"
            node_ref=surface
            tabindex="0"
            aria-keyshortcuts="ArrowLeft ArrowRight Escape"
            aria-label="Chart: arrow keys read values, Escape resets the zoom"
            title="Drag to zoom, double-click or Escape to reset"
            on:pointermove=on_move
            on:pointerleave=on_leave
            on:pointerdown=on_down
            on:pointerup=on_up
            on:dblclick=move |_| view.zoom.set(None)
            on:keydown=on_key
            on:blur=move |_| {
                pointer_here.set(false);
                view.hover.set(None);
            }
        >
            <LineChart
                store=store
                host=host
                lines=lines
                spec=spec
                window=view.window
                theme=view.theme
                frozen=view.frozen
                alerts=view.alerts
                size=size
                label=label
                test_id=test_id
            />
            <div class="crosshair" style=crosshair_style></div>
            <div class="selection" style=selection_style></div>
            {tooltip}
        </div>
    }
}
