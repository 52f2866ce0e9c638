//! Charts: live line charts drawn with plotters on a HiDPI canvas.
//!
//! [`decimate`] reduces each series to four points per pixel column, [`ticks`] picks
//! round axis values, `draw` paints one frame with plotters, and [`LineChart`]
//! decides *when* to paint: on `requestAnimationFrame`, only after the data, the
//! window, the theme or the size changed, and only while the canvas is on screen.
//! Legends, crosshairs and tooltips are HTML on top (see `components::panel`), so
//! hovering never repaints the canvas.

pub mod decimate;
mod draw;
mod layout;
mod line_chart;
mod source;
pub mod theme;
pub mod ticks;

pub use draw::{draw, DrawError, DrawInput};
pub use layout::PlotRect;
pub use line_chart::LineChart;
pub use source::Source;

use pulse_protocol::Unit;

/// One series on a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The series id in the store, e.g. `cpu.core:3`.
    pub id: String,
    /// What the legend calls it.
    pub label: String,
    /// Index into the palette's series colours.
    pub color: usize,
}

/// How a chart scales and what it marks.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    /// The unit of every line (ticks and tooltips).
    pub unit: Unit,
    /// Draw a dashed warning line at this value (e.g. CPU 90 %).
    pub warn_at: Option<f64>,
    /// A series whose newest value tops the axis and is drawn dashed (e.g. `mem.total`).
    pub ceiling: Option<String>,
}

/// The time span on screen, in ms since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Left edge.
    pub from: f64,
    /// Right edge.
    pub to: f64,
}

impl Window {
    /// The window of `span_ms` that ends at `to`.
    pub fn ending_at(to: f64, span_ms: f64) -> Self {
        Window { from: to - span_ms, to }
    }

    /// Its length in ms (never zero).
    pub fn span(&self) -> f64 {
        (self.to - self.from).max(1.0)
    }
}
