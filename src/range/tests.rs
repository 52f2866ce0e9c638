//! Table tests of range choice, URL round trips and panning.

use super::*;

#[test]
fn presets_round_trip_through_the_url() {
    for preset in PRESETS {
        let range = Range::Last(preset);
        let (label, from, to) = range.to_query();
        assert_eq!((from, to), (None, None));
        let back = Range::from_query(label, None, None).unwrap_or(DEFAULT);
        assert_eq!(back, range, "{}", preset.label);
    }
    assert_eq!(DEFAULT.to_query(), (None, None, None), "the default writes nothing");
}

#[test]
fn the_url_is_read_leniently() {
    let custom = Some(Range::Between(Window { from: 1_000.0, to: 5_000.0 }));
    type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<Range>);
    let cases: [Case; 10] = [
        (Some("24h"), None, None, Range::preset("24h")),
        (Some("2h"), None, None, None),
        (None, Some("1000"), Some("5000"), custom),
        (Some("24h"), Some("1000"), Some("5000"), custom),
        (Some("7d"), Some("5000"), Some("1000"), Range::preset("7d")),
        (None, Some("1000"), None, None),
        (None, Some("x"), Some("5000"), None),
        (None, Some("-5000"), Some("5000"), None),
        (Some("24h"), Some("0"), Some("400000000000"), Range::preset("24h")),
        (None, Some("1000"), Some("9007199254740992"), None),
    ];
    for (range, from, to, want) in cases {
        assert_eq!(Range::from_query(range, from, to), want, "{range:?} {from:?} {to:?}");
    }
    let (range, from, to) = Range::Between(Window { from: 1_000.4, to: 5_000.0 }).to_query();
    assert_eq!((range, from.as_deref(), to.as_deref()), (None, Some("1000"), Some("5000")));
}

#[test]
fn ranges_longer_than_the_rings_are_history() {
    let history: Vec<&str> = PRESETS.iter().filter(|p| Range::Last(**p).is_history()).map(|p| p.label).collect();
    assert_eq!(history, ["6h", "24h", "7d", "30d"]);
    assert!(Range::Between(Window { from: 0.0, to: 1.0 }).is_history());
}

#[test]
fn windows_end_at_the_live_edge_unless_fixed() {
    let day = Range::preset("24h").expect("24h");
    assert_eq!(day.window(100_000_000.0), Window { from: 100_000_000.0 - 86_400e3, to: 100_000_000.0 });
    let fixed = Window { from: 5.0, to: 9.0 };
    assert_eq!(Range::Between(fixed).window(1e12), fixed);
    assert_eq!(day.index(), 5);
    assert_eq!(Range::Between(fixed).index(), PRESETS.len());
}

#[test]
fn panning_moves_half_a_window_and_never_past_the_live_edge() {
    let w = Window { from: 1_000.0, to: 2_000.0 };
    let cases = [
        (Pan::Earlier, None, Some(Window { from: 500.0, to: 1_500.0 })),
        (Pan::Later, None, Some(Window { from: 1_500.0, to: 2_500.0 })),
        (Pan::Later, Some(3_000.0), Some(Window { from: 1_500.0, to: 2_500.0 })),
        (Pan::Later, Some(2_400.0), None),
        (Pan::Earlier, Some(2_000.0), Some(Window { from: 500.0, to: 1_500.0 })),
    ];
    for (direction, edge, want) in cases {
        assert_eq!(pan(w, direction, edge), want, "{direction:?} {edge:?}");
    }
}

#[test]
fn a_fixed_window_is_forward_after_1970_and_at_most_ten_years() {
    let ten_years = MAX_DRAWN_WINDOW_MS as f64;
    let cases: [(f64, f64, Result<(), BetweenError>); 7] = [
        (1_000.0, 5_000.0, Ok(())),
        (0.0, ten_years, Ok(())),
        (5_000.0, 5_000.0, Err(BetweenError::Backwards)),
        (5_000.0, 1_000.0, Err(BetweenError::Backwards)),
        (-1.0, 5_000.0, Err(BetweenError::OutOfReach)),
        (1_000.0, MAX_QUERY_MS as f64 + 1.0, Err(BetweenError::OutOfReach)),
        (0.0, ten_years + 1.0, Err(BetweenError::TooLong)),
    ];
    for (from, to, want) in cases {
        let got = Range::between(from, to).map(|range| assert_eq!(range, Range::Between(Window { from, to })));
        assert_eq!(got, want, "{from} {to}");
    }
}
