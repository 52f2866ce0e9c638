//! Axis ranges and tick positions: round numbers for values, round clock times for time.

use pulse_protocol::Unit;

/// An hour and a day, in milliseconds.
const HOUR: f64 = 3_600e3;
const DAY: f64 = 86_400e3;

/// Steps a time axis may use, in milliseconds: seconds for a live minute up to
/// days for a month of history.
const TIME_STEPS: [f64; 20] = [
    1e3,
    2e3,
    5e3,
    10e3,
    15e3,
    30e3,
    60e3,
    120e3,
    300e3,
    600e3,
    900e3,
    1_800e3,
    HOUR,
    2.0 * HOUR,
    3.0 * HOUR,
    6.0 * HOUR,
    12.0 * HOUR,
    DAY,
    2.0 * DAY,
    7.0 * DAY,
];

/// Evenly spaced ticks from `0` to `max` (inclusive), with a round step.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueTicks {
    /// The top of the axis: a whole number of steps.
    pub max: f64,
    /// The distance between ticks.
    pub step: f64,
}

impl ValueTicks {
    /// Tick values, bottom to top.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        let n = (self.max / self.step).round() as usize;
        (0..=n).map(move |i| i as f64 * self.step)
    }
}

/// Picks a round step so that `0..=max` needs at most `count` steps. Byte units step
/// in round numbers of KiB, MiB, GiB; percent never goes past 100 unless the data does.
pub fn value_ticks(unit: Unit, data_max: f64, count: usize) -> ValueTicks {
    let count = count.max(1) as f64;
    let data_max = if data_max.is_finite() && data_max > 0.0 { data_max } else { 1.0 };
    let step = match unit {
        Unit::Bytes | Unit::BytesPerSecond => {
            let mut divisor = 1.0;
            while data_max / divisor >= 1024.0 {
                divisor *= 1024.0;
            }
            // Never a fraction of a byte: an idle interface gets 0 and 1 B/s, not 0.25 B/s.
            (nice_step(data_max / divisor / count) * divisor).max(1.0)
        }
        Unit::Count => nice_step(data_max / count).max(1.0),
        _ => nice_step(data_max / count),
    };
    let max = (data_max / step).ceil().max(1.0) * step;
    ValueTicks { max, step }
}

/// The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

/// Round local clock times inside `from..=to`, at most `count` of them, and their
/// step; `offset_minutes` east of UTC puts hour and day ticks on local hours and
/// midnights.
pub fn time_ticks(from: f64, to: f64, count: usize, offset_minutes: f64) -> (Vec<f64>, f64) {
    let span = (to - from).max(1.0);
    let count = count.max(1) as f64;
    let step = TIME_STEPS.into_iter().find(|&s| span / s <= count).unwrap_or(7.0 * DAY);
    let offset = offset_minutes * 60e3;
    let first = ((from + offset) / step).ceil() * step - offset;
    let ticks = (0..).map(|i| first + i as f64 * step).take_while(|&t| t <= to).collect();
    (ticks, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_ticks_are_round_and_cover_the_data() {
        let cases = [
            (Unit::Percent, 100.0, 4, 100.0, 25.0),
            (Unit::Percent, 37.0, 4, 40.0, 10.0),
            (Unit::Load, 1.7, 4, 2.0, 0.5),
            (Unit::Load, 0.0, 4, 1.0, 0.25),
            (Unit::Bytes, 3.2 * 1024.0 * 1024.0 * 1024.0, 4, 4.0 * 1024f64.powi(3), 1024f64.powi(3)),
            (Unit::Count, 3.0, 4, 3.0, 1.0),
            (Unit::BytesPerSecond, 0.0, 4, 1.0, 1.0),
        ];
        for (unit, data_max, count, max, step) in cases {
            let ticks = value_ticks(unit, data_max, count);
            assert_eq!((ticks.max, ticks.step), (max, step), "{unit:?} {data_max}");
            assert!(ticks.values().count() <= count + 1);
        }
    }

    #[test]
    fn time_ticks_fall_on_round_clock_times() {
        let (ticks, step) = time_ticks(1_000_500.0, 1_300_000.0, 6, 0.0);
        assert_eq!(step, 60e3);
        assert_eq!(ticks, vec![1_020_000.0, 1_080_000.0, 1_140_000.0, 1_200_000.0, 1_260_000.0]);
        let (ticks, step) = time_ticks(0.0, 60e3, 7, 60.0);
        assert_eq!(step, 10e3);
        assert_eq!(ticks.len(), 7);
    }

    #[test]
    fn long_windows_tick_on_local_hours_and_midnights() {
        // (from, to, count, offset minutes) → (step, first tick)
        let cases = [
            (0.0, DAY, 6, 0.0, 6.0 * HOUR, 0.0),
            (0.0, DAY, 6, 90.0, 6.0 * HOUR, 4.5 * HOUR),
            (1.0, 7.0 * DAY, 6, 0.0, 2.0 * DAY, 2.0 * DAY),
            (1.0, 7.0 * DAY, 8, -300.0, DAY, 5.0 * HOUR),
            (0.0, 30.0 * DAY, 5, 0.0, 7.0 * DAY, 0.0),
            (0.0, 90.0 * DAY, 3, 0.0, 7.0 * DAY, 0.0),
        ];
        for (from, to, count, offset, step, first) in cases {
            let (ticks, got) = time_ticks(from, to, count, offset);
            assert_eq!((got, ticks.first().copied()), (step, Some(first)), "{from} {to} {count} {offset}");
        }
    }
}
