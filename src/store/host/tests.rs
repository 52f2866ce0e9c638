//! Unit tests of one host's series ring: ordering, gaps, bounded memory, stats.

use std::collections::BTreeMap;

use pulse_protocol::{Epoch, Frame, HistoryResponse, HistorySeries};

use super::*;

fn frame(seq: u64, ts: i64, values: &[(&str, f64)]) -> Frame {
    Frame {
        seq,
        ts,
        host: "h".into(),
        values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        top: vec![],
        columns: None,
    }
}

fn column(store: &HostSeries, id: &str) -> Vec<f64> {
    let (a, b) = store.values(id).expect("series exists");
    a.iter().chain(b).copied().collect()
}

#[test]
fn frames_become_aligned_rows_and_new_series_backfill_with_nan() {
    let mut store = HostSeries::with_capacity(10);
    store.push_frame(&frame(1, 1000, &[("a", 1.0)]));
    store.push_frame(&frame(2, 2000, &[("a", 2.0), ("b", 5.0)]));
    assert_eq!(store.len(), 2);
    assert_eq!(column(&store, "a"), vec![1.0, 2.0]);
    let b = column(&store, "b");
    assert!(b[0].is_nan());
    assert_eq!(b[1], 5.0);
}

#[test]
fn rings_are_allocated_whole_when_a_series_first_appears() {
    let mut store = HostSeries::with_capacity(100);
    store.push_frame(&frame(1, 1000, &[("a", 1.0)]));
    store.push_frame(&frame(2, 2000, &[("a", 2.0), ("b", 5.0)]));
    let history = HistoryResponse {
        tier: None,
        step_ms: None,
        epoch: Epoch("e".into()),
        first_seq: 1,
        last_seq: 1,
        ts: vec![500],
        series: [("c".to_owned(), HistorySeries { host: "h".into(), values: vec![Some(1.0)] })].into(),
    };
    let mut backfilled = HostSeries::with_capacity(100);
    backfilled.load_history(&history, "h");
    for ring in [&store.ts, &store.columns["a"], &store.columns["b"], &backfilled.ts, &backfilled.columns["c"]] {
        assert!(ring.capacity() >= 100, "a ring of capacity {} would grow later", ring.capacity());
    }
}

#[test]
fn memory_is_bounded_by_capacity() {
    let mut store = HostSeries::with_capacity(100);
    for i in 0..10_000 {
        store.push_frame(&frame(i, i as i64 * 1000, &[("a", i as f64)]));
    }
    assert_eq!(store.len(), 100);
    assert_eq!(column(&store, "a").first().copied(), Some(9_900.0));
}

#[test]
fn a_gap_is_one_nan_row_and_never_doubles() {
    let mut store = HostSeries::with_capacity(10);
    store.push_frame(&frame(1, 1000, &[("a", 1.0)]));
    store.push_gap();
    store.push_gap();
    store.push_frame(&frame(9, 9000, &[("a", 9.0)]));
    let a = column(&store, "a");
    assert_eq!(a.len(), 3);
    assert!(a[1].is_nan());
    assert_eq!(store.latest("a"), Some(9.0));
}

#[test]
fn frames_older_than_the_newest_row_are_ignored() {
    let mut store = HostSeries::with_capacity(10);
    store.push_frame(&frame(2, 2000, &[("a", 2.0)]));
    store.push_frame(&frame(1, 1000, &[("a", 1.0)]));
    assert_eq!(column(&store, "a"), vec![2.0]);
}

#[test]
fn stats_cover_the_window_and_skip_gaps() {
    let mut store = HostSeries::with_capacity(10);
    for (i, v) in [4.0, 2.0, 6.0].into_iter().enumerate() {
        store.push_frame(&frame(i as u64, i as i64 * 1000, &[("a", v)]));
    }
    store.push_gap();
    let s = store.stats("a", 1000.0, 5000.0).expect("values in window");
    assert_eq!((s.last, s.min, s.max, s.avg), (6.0, 2.0, 6.0, 4.0));
    assert!(store.stats("a", 10_000.0, 20_000.0).is_none());
}

#[test]
fn value_near_picks_the_closest_row() {
    let mut store = HostSeries::with_capacity(10);
    store.push_frame(&frame(1, 1000, &[("a", 1.0)]));
    store.push_frame(&frame(2, 2000, &[("a", 2.0)]));
    assert_eq!(store.value_near("a", 1400.0), Some((1000.0, 1.0)));
    assert_eq!(store.value_near("a", 1600.0), Some((2000.0, 2.0)));
    assert_eq!(store.value_near("a", 99_000.0), Some((2000.0, 2.0)));
}

#[test]
fn history_replaces_rows_and_keeps_the_newest_when_too_long() {
    let mut store = HostSeries::with_capacity(2);
    let history = HistoryResponse {
        tier: None,
        step_ms: None,
        epoch: Epoch("e".into()),
        first_seq: 1,
        last_seq: 3,
        ts: vec![1000, 2000, 3000],
        series: BTreeMap::from([(
            "a".to_string(),
            HistorySeries { host: "h".into(), values: vec![Some(1.0), None, Some(3.0)] },
        )]),
    };
    store.load_history(&history, "h");
    let a = column(&store, "a");
    assert!(a[0].is_nan());
    assert_eq!(a[1], 3.0);
    assert_eq!(store.newest_ts(), Some(3000.0));
}

#[test]
fn history_keeps_live_rows_that_are_newer_than_the_backfill() {
    let mut store = HostSeries::with_capacity(10);
    store.push_frame(&frame(2, 2000, &[("a", 2.0)]));
    store.push_frame(&frame(5, 5000, &[("a", 5.0)]));
    let history = HistoryResponse {
        tier: None,
        step_ms: None,
        epoch: Epoch("e".into()),
        first_seq: 1,
        last_seq: 3,
        ts: vec![1000, 2000, 3000],
        series: BTreeMap::from([(
            "a".to_string(),
            HistorySeries { host: "h".into(), values: vec![Some(1.0), Some(2.0), Some(3.0)] },
        )]),
    };
    store.load_history(&history, "h");
    assert_eq!(column(&store, "a"), vec![1.0, 2.0, 3.0, 5.0]);
}

#[test]
fn rows_between_finds_a_window_and_points_walk_it() {
    let mut store = HostSeries::with_capacity(5);
    for i in 0..8 {
        store.push_frame(&frame(i, i as i64 * 1000, &[("a", i as f64)]));
    }
    // The ring holds ts 3000..=7000 and has wrapped.
    assert_eq!(store.rows_between(4000.0, 6000.0), 1..4);
    assert_eq!(store.rows_between(0.0, 100_000.0), 0..5);
    assert_eq!(store.rows_between(9000.0, 10_000.0), 5..5);
    let points: Vec<_> = store.points("a", store.rows_between(4500.0, 7000.0)).collect();
    assert_eq!(points, vec![(5000.0, 5.0), (6000.0, 6.0), (7000.0, 7.0)]);
    assert_eq!(store.points("missing", 0..5).count(), 0);
}

#[test]
fn a_picture_takes_newer_rows_and_gap_markers_from_the_rings() {
    let mut rings = HostSeries::with_capacity(100);
    for (seq, ts) in [(1, 1_000), (2, 2_000), (3, 3_000)] {
        rings.push_frame(&frame(seq, ts, &[("a", seq as f64), ("z", 9.0)]));
    }
    rings.push_gap();
    rings.push_frame(&frame(9, 9_000, &[("a", 9.0)]));
    let mut picture = HostSeries::with_capacity(10);
    picture.push_frame(&frame(0, 500, &[("a", 0.5)]));
    // (after, rows appended, the picture's `a` column after)
    let cases: [(f64, usize, Vec<f64>); 3] =
        [(2_000.0, 4, vec![0.5, 2.0, 3.0, f64::NAN, 9.0]), (3_500.0, 1, vec![0.5, 9.0]), (10_000.0, 0, vec![0.5])];
    for (after, count, want) in cases {
        let mut p = picture.clone();
        assert_eq!(p.append_from(&rings, after), count, "after {after}");
        let got = column(&p, "a");
        assert_eq!(format!("{got:?}"), format!("{want:?}"), "after {after}");
        assert!(p.values("z").is_none(), "only the picture's own series");
        assert_eq!(p.append_from(&rings, after), 0, "appending again adds nothing");
    }
    // Rows split right after a sample: the gap marker at that time still comes.
    let mut upto3 = HostSeries::with_capacity(10);
    upto3.push_frame(&frame(0, 500, &[("a", 0.5)]));
    upto3.push_frame(&frame(3, 3_000, &[("a", 3.0)]));
    assert_eq!(upto3.append_from(&rings, 0.0), 2);
    assert_eq!(format!("{:?}", column(&upto3, "a")), format!("{:?}", vec![0.5, 3.0, f64::NAN, 9.0]));
}

#[test]
fn a_silence_of_more_than_three_steps_is_a_break() {
    let cases: [(&str, &[i64], usize); 4] = [
        ("steady 1 Hz", &[0, 1_000, 2_000, 3_000], 0),
        ("jitter is no break", &[0, 1_000, 2_100, 3_050, 5_900], 0),
        ("a hub down for 10 s", &[0, 1_000, 2_000, 12_000], 1),
        ("one break, not one per row after it", &[0, 1_000, 11_000, 12_000, 13_000], 1),
    ];
    for (name, times, breaks) in cases {
        let mut store = HostSeries::with_capacity(16);
        for (i, &ts) in times.iter().enumerate() {
            store.push_frame(&frame(i as u64 + 1, ts, &[("cpu", 1.0)]));
        }
        let nans = column(&store, "cpu").iter().filter(|v| v.is_nan()).count();
        assert_eq!(nans, breaks, "{name}");
    }
}
