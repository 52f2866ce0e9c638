//! History pictures: what a chart asks the server for when its window reaches back
//! further than the page's rings, and what the answer means.
//!
//! A [`Query`] is one chart's `GET /api/v1/history?…&width=` request: its window
//! cut into `width` columns of whole milliseconds, snapped to multiples of that
//! step so that a window sliding with time keeps its columns (a refetch redraws
//! the same picture, shifted, instead of a slightly different one). [`plan`] says
//! when a shown picture is stale, and which ranges need one at all; [`tier`] names
//! the store tier that answered. Pure: no browser, no clock, no network.

pub mod plan;
pub mod tier;

use crate::charts::Window;

/// The narrowest picture asked for, in columns.
const MIN_WIDTH: u32 = 16;
/// The widest picture asked for, in columns (a 4K screen's plot).
const MAX_WIDTH: u32 = 4_000;

/// One chart's history request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The host whose series these are.
    pub host: String,
    /// The series ids, in the chart's order.
    pub series: Vec<String>,
    /// Start of the picture, ms since the Unix epoch (a multiple of `step`).
    pub from: i64,
    /// End of the picture (exclusive), `from + step × width`.
    pub to: i64,
    /// Columns: the chart's plot width in CSS pixels.
    pub width: u32,
    /// Each column's span in ms.
    pub step: i64,
}

impl Query {
    /// The request for `window` drawn `plot_width` CSS pixels wide, or `None` when
    /// there is nothing to ask (no series, no width yet). Its columns are a little
    /// wider than `window / width`, so that snapped to their step they still cover
    /// it: a window that follows the live edge ends at the last whole column before
    /// it (the page's own samples draw the rest), a fixed one starts at the column
    /// holding its start and reaches past its end.
    pub fn new(host: &str, series: Vec<String>, window: Window, plot_width: f64, follows_now: bool) -> Option<Query> {
        if series.is_empty() || host.is_empty() || plot_width.is_nan() || plot_width < 1.0 {
            return None;
        }
        let width = (plot_width.round() as u32).clamp(MIN_WIDTH, MAX_WIDTH);
        let step = ((window.span() / f64::from(width - 1)).ceil() as i64).max(1);
        let span = step * i64::from(width);
        let (from, to) = if follows_now {
            let to = (window.to / step as f64).floor() as i64 * step;
            (to - span, to)
        } else {
            let from = (window.from / step as f64).floor() as i64 * step;
            (from, from + span)
        };
        Some(Query { host: host.to_owned(), series, from, to, width, step })
    }

    /// The request's path and query, e.g.
    /// `/api/v1/history?host=web-1&series=cpu.total,net.rx%3Aeth0&from=…&to=…&width=600`.
    pub fn path(&self) -> String {
        let series: Vec<String> = self.series.iter().map(|id| encode(id)).collect();
        format!(
            "/api/v1/history?host={}&series={}&from={}&to={}&width={}",
            encode(&self.host),
            series.join(","),
            self.from,
            self.to,
            self.width
        )
    }

    /// Its window.
    pub fn window(&self) -> Window {
        Window { from: self.from as f64, to: self.to as f64 }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
