//! A sparkline: the last minute of one number as a thin line on a small canvas,
//! drawn with the canvas API directly (plotters would cost more than the line).

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::charts::theme::{css, Theme};
use crate::paint::backing::{device_pixel_ratio, fit};

/// CSS size of every sparkline.
pub const SIZE: (f64, f64) = (96.0, 24.0);

/// A line through `points` (oldest first; `NaN` breaks it), scaled to `0..=top`
/// (or to the largest point when that is higher).
#[component]
pub fn Sparkline(
    /// The values, oldest first.
    #[prop(into)]
    points: Signal<Vec<f64>>,
    /// The top of the scale (100 for percentages).
    top: f64,
    /// Colours.
    #[prop(into)]
    theme: Signal<Theme>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        let colour = css(theme.get().palette().series_color(0));
        points.with(|points| draw(&canvas, points, top, &colour));
    });
    view! { <canvas class="sparkline" node_ref=canvas aria-hidden="true"></canvas> }
}

fn draw(canvas: &web_sys::HtmlCanvasElement, points: &[f64], top: f64, colour: &str) {
    let dpr = device_pixel_ratio();
    let Some(context) = fit(canvas, SIZE, dpr) else { return };
    let (width, height) = (SIZE.0 * dpr, SIZE.1 * dpr);
    context.clear_rect(0.0, 0.0, width, height);
    let top = points.iter().copied().filter(|v| v.is_finite()).fold(top, f64::max).max(f64::MIN_POSITIVE);
    let step = width / (points.len().max(2) - 1) as f64;
    let inset = dpr;
    context.set_line_width(1.5 * dpr);
    context.set_stroke_style_str(colour);
    context.begin_path();
    let mut drawing = false;
    for (i, value) in points.iter().enumerate() {
        if !value.is_finite() {
            drawing = false;
            continue;
        }
        let x = i as f64 * step;
        let y = inset + (height - 2.0 * inset) * (1.0 - value / top);
        if drawing {
            context.line_to(x, y);
        } else {
            context.move_to(x, y);
            drawing = true;
        }
    }
    context.stroke();
}
