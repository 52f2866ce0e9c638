//! Paints one frame of a chart with plotters on a canvas sized for the screen.
//!
//! The backing store is CSS size × `devicePixelRatio`, and every length (fonts,
//! strokes, margins) is scaled by the same factor. Grid, ticks and labels are drawn
//! here from [`super::ticks`]; plotters' mesh, captions and legends are not used
//! because they measure text through the DOM on every frame.

use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use thiserror::Error;
use web_sys::HtmlCanvasElement;

use super::decimate::{m4, segments};
use super::theme::{self, Palette};
use super::ticks::{time_ticks, value_ticks};
use super::{ChartSpec, Line, PlotRect, Window};
use crate::alerts::marks::Mark;
use crate::format;
use crate::paint::backing;
use crate::store::HostSeries;

/// The system font stack, as a canvas font family.
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/// Why a frame could not be drawn.
#[derive(Debug, Error)]
pub enum DrawError {
    /// The canvas gave no 2D context (detached, or out of memory).
    #[error("the canvas has no 2d context")]
    NoContext,
    /// plotters reported a failure.
    #[error("drawing failed: {0}")]
    Plotters(String),
}

/// Everything one frame depends on.
pub struct DrawInput<'a> {
    /// The host's samples; `None` draws an empty, labelled plot.
    pub host: Option<&'a HostSeries>,
    /// The visible lines.
    pub lines: &'a [Line],
    /// Scale and marks.
    pub spec: &'a ChartSpec,
    /// The time span to show.
    pub window: Window,
    /// Colours.
    pub palette: &'a Palette,
    /// Canvas size in CSS pixels.
    pub css_size: (f64, f64),
    /// `window.devicePixelRatio`.
    pub dpr: f64,
    /// Local time-zone offset in minutes east of UTC, for time labels.
    pub tz_offset_minutes: f64,
    /// The host's alerts on these series: threshold lines and firing time.
    pub alerts: &'a [Mark],
}

/// Draws one frame.
pub fn draw(canvas: &HtmlCanvasElement, input: &DrawInput) -> Result<(), DrawError> {
    let dpr = input.dpr.clamp(1.0, 4.0);
    let context = backing::fit(canvas, input.css_size, dpr).ok_or(DrawError::NoContext)?;
    let width = canvas.width();
    context.set_line_join("miter");
    context.set_line_cap("butt");
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or(DrawError::NoContext)?;
    let root = backend.into_drawing_area();
    let fail = |e: DrawingAreaErrorKind<_>| DrawError::Plotters(e.to_string());
    root.fill(&input.palette.background).map_err(fail)?;

    let rect = PlotRect::for_size(input.css_size.0, input.css_size.1);
    let (left, top, right, bottom) = rect.scaled(dpr);
    let Window { from, to } = input.window;
    let columns = (right - left).max(1) as usize;

    let rows = input.host.map(|h| h.rows_between(from, to)).unwrap_or(0..0);
    let decimated: Vec<Vec<(f64, f64)>> = input
        .lines
        .iter()
        .map(|line| match input.host {
            Some(host) => m4(host.points(&line.id, rows.clone()), from, to, columns),
            None => Vec::new(),
        })
        .collect();
    let ceiling = input.spec.ceiling.as_deref().and_then(|id| input.host?.latest(id));
    let data_max = decimated.iter().flatten().map(|p| p.1).filter(|v| v.is_finite()).fold(0.0, f64::max);
    // An alert's threshold is on the axis, so its line shows where the data stands.
    let threshold_max = input.alerts.iter().filter_map(|m| m.threshold).fold(0.0, f64::max);
    let axis_max = match input.spec.unit {
        pulse_protocol::Unit::Percent => data_max.max(100.0),
        _ => (data_max * 1.05).max(ceiling.unwrap_or(0.0)).max(threshold_max * 1.05),
    };
    let y_ticks = value_ticks(input.spec.unit, axis_max, (rect.height() / 36.0).floor().max(2.0) as usize);

    let area = root.apply_coord_spec(Cartesian2d::<RangedCoordf64, RangedCoordf64>::new(
        from..to,
        0.0..y_ticks.max,
        (left..right, bottom..top),
    ));
    let thin = (dpr.round() as u32).max(1);
    // Labels go straight to the canvas: plotters lays out right- and centre-aligned
    // text by measuring it through the DOM, a forced layout per label per frame.
    context.set_font(&format!("{}px {FONT}", (11.0 * dpr).round()));
    context.set_fill_style_str(&theme::css(input.palette.text));
    let label = |text: &str, x: f64, y: f64, align: &str, baseline: &str| {
        context.set_text_align(align);
        context.set_text_baseline(baseline);
        let _ = context.fill_text(text, x, y);
    };

    for value in y_ticks.values() {
        area.draw(&PathElement::new(vec![(from, value), (to, value)], input.palette.grid.stroke_width(thin)))
            .map_err(fail)?;
        let y = bottom as f64 - value / y_ticks.max * (bottom - top) as f64;
        let text = format::axis(input.spec.unit, value, y_ticks.step);
        label(&text, f64::from(left) - 8.0 * dpr, y, "right", "middle");
    }
    let (times, step) = time_ticks(from, to, (rect.width() / 90.0).floor().max(2.0) as usize, input.tz_offset_minutes);
    for t in times {
        area.draw(&PathElement::new(vec![(t, 0.0), (t, y_ticks.max)], input.palette.grid.stroke_width(thin)))
            .map_err(fail)?;
        let x = rect.x_of(t, &input.window) * dpr;
        let text = tick_label(t, step, input.tz_offset_minutes);
        // A centred label whose half would run off the canvas is left out (the grid
        // line stays): a clipped "22:41:0" reads worse than none.
        let half_width = context.measure_text(&text).map_or(0.0, |m| m.width()) / 2.0;
        if x - half_width < 0.0 || x + half_width > f64::from(width) {
            continue;
        }
        label(&text, x, f64::from(bottom) + 6.0 * dpr, "center", "top");
    }

    for mark in input.alerts {
        let color = if mark.critical { input.palette.critical } else { input.palette.warning };
        if let Some(since) = mark.firing_since.filter(|since| *since < to) {
            let band = [(since.max(from), 0.0), (to, y_ticks.max)];
            area.draw(&Rectangle::new(band, color.mix(0.14).filled())).map_err(fail)?;
        }
        if let Some(value) = mark.threshold.filter(|v| (0.0..=y_ticks.max).contains(v)) {
            let style = color.stroke_width(((1.5 * dpr).round() as u32).max(1));
            area.draw(&PathElement::new(vec![(from, value), (to, value)], style)).map_err(fail)?;
            // The rule's name just above the line's right end (below it near the top).
            let y = bottom as f64 - value / y_ticks.max * (bottom - top) as f64;
            let above = y - f64::from(top) > 16.0 * dpr;
            context.set_fill_style_str(&theme::css(color));
            let (y, baseline) = if above { (y - 3.0 * dpr, "bottom") } else { (y + 3.0 * dpr, "top") };
            label(&mark.rule, f64::from(right) - 4.0 * dpr, y, "right", baseline);
            context.set_fill_style_str(&theme::css(input.palette.text));
        }
    }

    let dash = (5.0 * dpr) as i32;
    let marks = input.spec.warn_at.map(|v| (v, input.palette.warning)).into_iter();
    for (value, color) in marks.chain(ceiling.map(|v| (v, input.palette.text))) {
        let points = vec![(from, value), (to, value)];
        area.draw(&DashedPathElement::new(points, dash, dash, color.stroke_width(thin))).map_err(fail)?;
    }

    let stroke = ((1.0 * dpr).round() as u32).max(1);
    // plotters draws on whole pixels; an odd-width line centred on a pixel edge is
    // smeared over two rows. Half a pixel puts it on one: crisp, and cheaper to raster.
    let crisp = if stroke % 2 == 1 { 0.5 } else { 0.0 };
    let _ = context.translate(crisp, crisp);
    for (line, points) in input.lines.iter().zip(&decimated) {
        let style = input.palette.series_color(line.color).stroke_width(stroke);
        for run in segments(points) {
            if let [only] = run {
                area.draw(&Circle::new(*only, stroke, style.filled())).map_err(fail)?;
            } else {
                area.draw(&PathElement::new(run.to_vec(), style)).map_err(fail)?;
            }
        }
    }
    let _ = context.translate(-crisp, -crisp);
    root.present().map_err(fail)
}

/// A time tick's label: the date at local midnight when ticks are hours or more
/// apart (a multi-day window), the clock otherwise (with seconds below a minute).
fn tick_label(t: f64, step: f64, tz_offset_minutes: f64) -> String {
    let local_ms = t + tz_offset_minutes * 60e3;
    if step >= 3_600e3 && local_ms.rem_euclid(86_400e3) < 1.0 {
        format::calendar::day(t, tz_offset_minutes)
    } else {
        format::clock(t, tz_offset_minutes, step < 60e3)
    }
}
