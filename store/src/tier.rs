//! The tiers: what each keeps, for how long, and in how much space.

/// One tier of the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// Its name in answers and flags: `raw`, `1m`, `1h`.
    pub name: &'static str,
    /// Its bucket in ms (0: every sample).
    pub step_ms: i64,
    /// How much time one chunk covers.
    pub block_ms: i64,
    /// Chunks older than this are deleted.
    pub retention_ms: i64,
    /// The tier's chunks are deleted oldest first while it holds more than this.
    pub cap_bytes: u64,
}

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const GIB: u64 = 1 << 30;

/// The tiers in order, finest first: index 0 is every sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tiers(pub [Tier; 3]);

/// Index of the raw tier.
pub const RAW: usize = 0;
/// Index of the per-minute tier.
pub const MINUTES: usize = 1;
/// Index of the per-hour tier.
pub const HOURS: usize = 2;

impl Default for Tiers {
    /// Every sample for 14 days, per minute for a year, per hour for five years;
    /// caps that hold those for a thousand hosts of 30 series at 1 Hz.
    fn default() -> Self {
        Tiers([
            Tier { name: "raw", step_ms: 0, block_ms: HOUR, retention_ms: 14 * DAY, cap_bytes: 64 * GIB },
            Tier { name: "1m", step_ms: MINUTE, block_ms: DAY, retention_ms: 365 * DAY, cap_bytes: 16 * GIB },
            Tier { name: "1h", step_ms: HOUR, block_ms: 30 * DAY, retention_ms: 5 * 365 * DAY, cap_bytes: 4 * GIB },
        ])
    }
}

impl Tiers {
    /// The tier named `name`.
    pub fn named(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|t| t.name == name)
    }

    /// The tier a chart of `width` columns over `[from, to)` is drawn from at
    /// `now`: the finest that still holds `from`, unless it would give more than
    /// [`MAX_PER_COLUMN`] points per column and a coarser one holding `from` has
    /// at least one point per column (its min and max draw the same picture).
    pub fn for_window(&self, from: i64, to: i64, width: usize, now: i64, interval_ms: i64) -> usize {
        let column_ms = (to - from).max(1) as f64 / width.max(1) as f64;
        let holds = |t: &Tier| now - t.retention_ms <= from;
        let step = |t: &Tier| if t.step_ms == 0 { interval_ms.max(1) } else { t.step_ms } as f64;
        let mut chosen = None;
        for (index, tier) in self.0.iter().enumerate() {
            if !holds(tier) {
                continue;
            }
            match chosen {
                None => chosen = Some(index),
                Some(finer) if column_ms / step(&self.0[finer]) > MAX_PER_COLUMN && step(tier) <= column_ms => {
                    chosen = Some(index);
                }
                Some(_) => {}
            }
        }
        chosen.unwrap_or(HOURS)
    }
}

/// Points per pixel column beyond which a coarser tier draws the chart instead.
pub const MAX_PER_COLUMN: f64 = 100.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_drawn_from_the_finest_tier_that_holds_it_at_a_sensible_cost() {
        let tiers = Tiers::default();
        let now = 1_000 * DAY;
        let cases = [
            ("5 minutes", 5 * MINUTE, RAW),
            ("1 hour", HOUR, RAW),
            ("24 hours: 86 samples a column", DAY, RAW),
            ("7 days: 605 samples a column", 7 * DAY, MINUTES),
            ("30 days: beyond the raw tier", 30 * DAY, MINUTES),
            ("2 years: beyond the minute tier", 730 * DAY, HOURS),
            ("10 years: nothing holds it all", 3_650 * DAY, HOURS),
        ];
        for (name, span, want) in cases {
            assert_eq!(tiers.for_window(now - span, now, 1_000, now, 1_000), want, "{name}");
        }
        assert_eq!(tiers.for_window(now - 7 * DAY, now, 10_000, now, 1_000), RAW, "a wide chart has the room");
    }
}
