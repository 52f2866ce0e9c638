//! When a chart draws a fetched picture, and when the picture it has is stale.

use super::Query;
use crate::charts::Window;
use crate::range::Range;

/// A window following the live edge is fetched again once it slid this many
/// columns: the page's own samples fill its right edge in between.
const SLIDE_COLUMNS: i64 = 4;
/// ... but never more often than this (a zoomed-in live window has tiny columns).
const MIN_SLIDE_MS: i64 = 10_000;
/// ... and at least this often, so the live samples appended to it stay few
/// (at 1 Hz, 300 rows) however long its columns are.
pub const MAX_SLIDE_MS: i64 = 300_000;

/// Samples the rings must reach back beyond a window's start to count as holding it.
const RING_SLACK_MS: f64 = 5_000.0;

/// Whether the charts draw fetched pictures: on a history range always (also when
/// zoomed or panned, so the tier label says what is drawn); on a live range only
/// once a zoom or pan reaches back before the oldest sample the rings hold.
pub fn uses_history(range: &Range, zoom: Option<Window>, ring_oldest: Option<f64>) -> bool {
    if range.is_history() {
        return true;
    }
    match (zoom, ring_oldest) {
        (Some(window), Some(oldest)) => window.from < oldest - RING_SLACK_MS,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Whether rings whose oldest sample is `ring_oldest` fall short of a window
/// starting at `window_from`: none yet, or the oldest newer than the window's
/// start by more than a few samples. The fleet summary's ring holds only what
/// the page has watched (and the hub's last minute of it), so the compare view's
/// small multiples draw their hosts' pictures from the store until it fills.
pub fn rings_fall_short(window_from: f64, ring_oldest: Option<f64>) -> bool {
    ring_oldest.is_none_or(|oldest| window_from < oldest - RING_SLACK_MS)
}

/// How far a live-following picture may slide before it is fetched again, in ms.
pub fn slide_limit(step: i64) -> i64 {
    (step * SLIDE_COLUMNS).clamp(MIN_SLIDE_MS, MAX_SLIDE_MS)
}

/// Whether `want` needs a fetch when `last` is the picture asked for last (shown
/// or on its way). Another host, series, width or column step (a zoom, another
/// range) always does; a fixed window does when it moved at all; a window
/// following the live edge once it slid [`slide_limit`] (or went back in time).
pub fn should_fetch(last: Option<&Query>, want: &Query, follows_now: bool) -> bool {
    let Some(last) = last else { return true };
    if last.host != want.host || last.series != want.series || last.width != want.width || last.step != want.step {
        return true;
    }
    if follows_now {
        let slid = want.to - last.to;
        slid < 0 || slid >= slide_limit(want.step)
    } else {
        last.from != want.from
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: i64, width: u32, step: i64) -> Query {
        Query { host: "h".into(), series: vec!["cpu".into()], from, to: from + step * i64::from(width), width, step }
    }

    #[test]
    fn history_ranges_and_reaching_back_use_pictures() {
        let day = Range::preset("24h").expect("24h");
        let hour = Range::preset("1h").expect("1h");
        let zoom = |from: f64| Some(Window { from, to: from + 60_000.0 });
        let cases = [
            (day, None, Some(0.0), true),
            (day, zoom(1e9), Some(0.0), true),
            (hour, None, Some(1e9), false),
            (hour, None, None, false),
            (hour, zoom(1e9), Some(1e9), false),
            (hour, zoom(1e9 - 4_000.0), Some(1e9), false),
            (hour, zoom(1e9 - 60_000.0), Some(1e9), true),
            (hour, zoom(1e9), None, true),
        ];
        for (range, zoom, oldest, want) in cases {
            assert_eq!(uses_history(&range, zoom, oldest), want, "{range:?} {zoom:?} {oldest:?}");
        }
    }

    #[test]
    fn rings_fall_short_of_a_window_until_they_reach_its_start() {
        let cases = [
            (1e9, None, true),
            (1e9, Some(1e9), false),
            (1e9, Some(1e9 + 4_000.0), false),
            (1e9, Some(1e9 + 6_000.0), true),
            (1e9, Some(1e9 - 60_000.0), false),
        ];
        for (from, oldest, want) in cases {
            assert_eq!(rings_fall_short(from, oldest), want, "{from} {oldest:?}");
        }
    }

    #[test]
    fn a_sliding_window_refetches_every_few_columns_within_bounds() {
        let cases = [(1, 10_000), (2_500, 10_000), (21_600, 86_400), (144_000, 300_000), (2_592_000, 300_000)];
        for (step, want) in cases {
            assert_eq!(slide_limit(step), want, "step {step}");
        }
    }

    #[test]
    fn stale_pictures_are_fetched_again() {
        let shown = query(1_000_000, 600, 144_000);
        let moved = |columns: i64| query(1_000_000 + columns * 144_000, 600, 144_000);
        let cases = [
            (None, shown.clone(), true, true),
            (Some(&shown), shown.clone(), true, false),
            (Some(&shown), moved(1), true, false),
            (Some(&shown), moved(2), true, false),
            (Some(&shown), moved(3), true, true),
            (Some(&shown), moved(-1), true, true),
            (Some(&shown), moved(1), false, true),
            (Some(&shown), shown.clone(), false, false),
            (Some(&shown), query(1_000_000, 601, 144_000), true, true),
            (Some(&shown), query(1_000_000, 600, 1_000), true, true),
            (Some(&shown), Query { host: "other".into(), ..shown.clone() }, true, true),
            (Some(&shown), Query { series: vec!["mem".into()], ..shown.clone() }, true, true),
        ];
        for (i, (last, want, follows, fetch)) in cases.into_iter().enumerate() {
            assert_eq!(should_fetch(last, &want, follows), fetch, "case {i}");
        }
    }
}
