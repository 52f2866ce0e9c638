//! A `width=` history answer: the window drawn at the chart's resolution from
//! the finest tier that holds it (see `Tiers::for_window`), joined with what the
//! hub holds in memory and has not written yet.

use std::sync::Arc;

use pulse_store::tier::RAW;
use pulse_store::{Drawn, Picture, Select, Store, StoreError};

use crate::history::SharedFrame;

/// A drawn window and where it came from.
#[derive(Debug)]
pub struct Answer {
    /// The rows.
    pub drawn: Drawn,
    /// The tier that answered: `raw`, `1m`, `1h`, or `live` (memory only).
    pub tier: &'static str,
    /// Each column's span in ms.
    pub step_ms: f64,
}

/// What to draw.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    /// The host's id.
    pub host: &'a str,
    /// The series, in the order of the answer's columns.
    pub series: &'a [String],
    /// Start, inclusive, ms.
    pub from: i64,
    /// End, exclusive, ms.
    pub to: i64,
    /// Pixel columns.
    pub width: usize,
    /// The host's sampling interval, ms.
    pub interval_ms: i64,
    /// Now, ms.
    pub now: i64,
}

/// Draws `window` from `store` (none: memory only) and `memory` (the hub's
/// recent frames; drawn over the store's, which changes nothing where they
/// overlap: a minimum and a maximum are the same however often a value counts).
pub fn draw(store: Option<&Store>, window: &Window<'_>, memory: &[Arc<SharedFrame>]) -> Result<Answer, StoreError> {
    let step = |tier_ms: i64| if tier_ms == 0 { window.interval_ms.max(1) } else { tier_ms };
    let (tier, resolution) = match store {
        Some(store) => {
            let index = store.tiers().for_window(window.from, window.to, window.width, window.now, window.interval_ms);
            let tier = store.tiers().0[index];
            (Some((store, index, tier.name)), step(tier.step_ms))
        }
        None => (None, window.interval_ms.max(1)),
    };
    // A hole of three samples (or two buckets) is a break in the line.
    let gap_ms = if resolution == window.interval_ms.max(1) { resolution * 3 } else { resolution * 2 } as f64;
    let mut picture = Picture::new(window.from, window.to, window.width, window.series.len(), gap_ms);
    let select = Select::Only(window.series);
    let mut raw_from = window.from;
    if let Some((store, index, _)) = tier {
        if index != RAW {
            for rollup in store.rollups(window.host, index, window.from, window.to, select)? {
                for column in &rollup.columns {
                    let Some(s) = window.series.iter().position(|id| *id == column.id) else { continue };
                    for (row, &ts) in rollup.ts.iter().enumerate() {
                        picture.add(s, ts, column.min[row], column.max[row]);
                    }
                }
                if let Some(&last) = rollup.ts.last() {
                    raw_from = raw_from.max(last + rollup.step_ms);
                }
            }
        }
        // Samples not yet rolled up (or every sample, from the raw tier).
        for block in store.blocks(window.host, raw_from, window.to, select)? {
            for column in &block.columns {
                let Some(s) = window.series.iter().position(|id| *id == column.id) else { continue };
                for (&ts, &value) in block.ts.iter().zip(&column.values) {
                    if ts >= raw_from {
                        picture.add(s, ts, value, value);
                    }
                }
            }
        }
    }
    for frame in memory {
        for (s, id) in window.series.iter().enumerate() {
            if let Some(&value) = frame.frame.values.get(id) {
                picture.add(s, frame.frame.ts, value, value);
            }
        }
    }
    let step_ms = picture.step_ms();
    Ok(Answer { drawn: picture.finish(), tier: tier.map_or("live", |(_, _, name)| name), step_ms })
}
