//! The time range the charts show: a preset span ending now, or a fixed from/to.
//!
//! Presets up to an hour are *live* ranges, drawn from the page's own rings
//! (`crate::store`, an hour per host), exactly as before history lasted. Longer
//! presets and a custom from/to are *history* ranges: each chart fetches a picture
//! of its window at its own width (`crate::history`). Pure: no browser, no clock.

pub mod local_time;

use pulse_protocol::{MAX_DRAWN_WINDOW_MS, MAX_QUERY_MS};

use crate::charts::Window;

/// Why a from/to pair is not a window the charts can show; each says so to a
/// person picking one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BetweenError {
    /// To is not after from.
    #[error("“To” must be after “From”.")]
    Backwards,
    /// Before 1970, or past what a page holds.
    #[error("Pick times after 1 January 1970.")]
    OutOfReach,
    /// Longer than the hub draws.
    #[error("A range spans at most ten years.")]
    TooLong,
}

/// One preset range: its label (also its `?range=` value and `data-testid`
/// suffix), its span, and whether it is drawn from fetched history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    /// `1m`, `24h`, `30d`…
    pub label: &'static str,
    /// The span in ms.
    pub ms: f64,
    /// Drawn from fetched history pictures (longer than the rings hold).
    pub history: bool,
}

const MINUTE: f64 = 60e3;
const HOUR: f64 = 3_600e3;
const DAY: f64 = 86_400e3;

const fn live(label: &'static str, ms: f64) -> Preset {
    Preset { label, ms, history: false }
}

const fn past(label: &'static str, ms: f64) -> Preset {
    Preset { label, ms, history: true }
}

/// Every preset, in the order the toolbar shows them.
pub const PRESETS: [Preset; 8] = [
    live("1m", MINUTE),
    live("5m", 5.0 * MINUTE),
    live("15m", 15.0 * MINUTE),
    live("1h", HOUR),
    past("6h", 6.0 * HOUR),
    past("24h", DAY),
    past("7d", 7.0 * DAY),
    past("30d", 30.0 * DAY),
];

/// The range a page opens with: five minutes.
pub const DEFAULT: Range = Range::Last(PRESETS[1]);

/// What the toolbar chose.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
    /// A preset span ending at the newest sample (it slides as data arrives).
    Last(Preset),
    /// A fixed window picked with the custom from/to picker.
    Between(Window),
}

impl Range {
    /// The preset called `label`, if there is one.
    pub fn preset(label: &str) -> Option<Range> {
        PRESETS.iter().find(|p| p.label == label).map(|&p| Range::Last(p))
    }

    /// Reads `?range=` and `?from=&to=` (ms since the Unix epoch); a from/to pair
    /// wins, and a pair that is not a window the hub draws ([`Range::between`]) is
    /// ignored.
    pub fn from_query(range: Option<&str>, from: Option<&str>, to: Option<&str>) -> Option<Range> {
        let ms = |text: Option<&str>| text?.trim().parse::<i64>().ok().map(|v| v as f64);
        match (ms(from), ms(to)) {
            (Some(from), Some(to)) => Range::between(from, to).ok().or_else(|| range.and_then(Range::preset)),
            _ => range.and_then(Range::preset),
        }
    }

    /// The fixed window `from`–`to` (ms since the Unix epoch), if the hub draws it:
    /// forward, inside 1970 to 2^53 − 1 ms, and at most ten years long.
    pub fn between(from: f64, to: f64) -> Result<Range, BetweenError> {
        if to <= from {
            Err(BetweenError::Backwards)
        } else if from < 0.0 || to > MAX_QUERY_MS as f64 {
            Err(BetweenError::OutOfReach)
        } else if to - from > MAX_DRAWN_WINDOW_MS as f64 {
            Err(BetweenError::TooLong)
        } else {
            Ok(Range::Between(Window { from, to }))
        }
    }

    /// What to write in the URL: `(range, from, to)`, each `None` to leave out (the
    /// default range writes nothing).
    pub fn to_query(&self) -> (Option<&'static str>, Option<String>, Option<String>) {
        match self {
            Range::Last(_) if *self == DEFAULT => (None, None, None),
            Range::Last(preset) => (Some(preset.label), None, None),
            Range::Between(w) => (None, Some(format!("{}", w.from as i64)), Some(format!("{}", w.to as i64))),
        }
    }

    /// Whether the charts draw fetched history pictures rather than the rings.
    pub fn is_history(&self) -> bool {
        match self {
            Range::Last(preset) => preset.history,
            Range::Between(_) => true,
        }
    }

    /// The window shown when nothing is zoomed: the span ending at `live_edge`
    /// (the newest sample), or the fixed window.
    pub fn window(&self, live_edge: f64) -> Window {
        match self {
            Range::Last(preset) => Window::ending_at(live_edge, preset.ms),
            Range::Between(window) => *window,
        }
    }

    /// The index of its preset in [`PRESETS`], or `PRESETS.len()` for a custom range
    /// (the toolbar's "Custom" button comes after the presets).
    pub fn index(&self) -> usize {
        match self {
            Range::Last(preset) => PRESETS.iter().position(|p| p == preset).unwrap_or(PRESETS.len()),
            Range::Between(_) => PRESETS.len(),
        }
    }
}

/// Which way a pan moves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pan {
    /// Back in time.
    Earlier,
    /// Towards now.
    Later,
}

/// The window after panning `window` by half its span. `live_edge` is the newest
/// sample when the range follows it: a pan that would reach past it gives `None`
/// (follow the live edge again) instead of a window into the future.
pub fn pan(window: Window, direction: Pan, live_edge: Option<f64>) -> Option<Window> {
    let shift = window.span() / 2.0;
    let shift = if direction == Pan::Earlier { -shift } else { shift };
    let moved = Window { from: window.from + shift, to: window.to + shift };
    match live_edge {
        Some(edge) if moved.to >= edge => None,
        _ => Some(moved),
    }
}

#[cfg(test)]
mod tests;
