use super::*;
use crate::block::Column;

fn block(ts: &[i64], values: &[f64]) -> Block {
    Block {
        epoch: "e".into(),
        first_seq: 1,
        ts: ts.to_vec(),
        columns: vec![Column { id: "cpu".into(), decimals: 2, values: values.to_vec() }],
    }
}

/// min, max, avg and count computed directly from the samples in each bucket.
fn direct(ts: &[i64], values: &[f64], step: i64) -> Vec<(i64, f64, f64, f64, u32)> {
    let mut starts: Vec<i64> = ts.iter().map(|t| t.div_euclid(step) * step).collect();
    starts.dedup();
    starts
        .into_iter()
        .map(|start| {
            let inside: Vec<f64> = ts
                .iter()
                .zip(values)
                .filter(|(t, v)| t.div_euclid(step) * step == start && v.is_finite())
                .map(|(_, &v)| v)
                .collect();
            let n = inside.len();
            let min = inside.iter().copied().fold(f64::INFINITY, f64::min);
            let max = inside.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let avg = inside.iter().sum::<f64>() / n as f64;
            if n == 0 {
                (start, f64::NAN, f64::NAN, f64::NAN, 0)
            } else {
                (start, min, max, avg, n as u32)
            }
        })
        .collect()
}

fn rows(rollup: &Rollup) -> Vec<(i64, f64, f64, f64, u32)> {
    let c = &rollup.columns[0];
    (0..rollup.ts.len()).map(|i| (rollup.ts[i], c.min[i], c.max[i], c.avg[i], c.count[i])).collect()
}

fn same(a: &[(i64, f64, f64, f64, u32)], b: &[(i64, f64, f64, f64, u32)]) -> bool {
    let close = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-9;
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.0 == y.0 && close(x.1, y.1) && close(x.2, y.2) && close(x.3, y.3) && x.4 == y.4)
}

#[test]
fn minute_buckets_agree_with_a_direct_computation() {
    let cases: Vec<(&str, Vec<i64>, Vec<f64>)> = vec![
        ("one bucket", vec![0, 1_000, 2_000], vec![1.0, 5.0, 3.0]),
        ("two buckets", vec![59_000, 60_000, 61_500], vec![2.0, 4.0, 8.0]),
        ("holes in the values", vec![0, 1_000, 2_000, 3_000], vec![f64::NAN, 7.0, f64::NAN, 1.0]),
        ("a bucket with no value", vec![0, 60_000], vec![f64::NAN, 2.5]),
        ("negative times floor down", vec![-1_000, 0], vec![1.0, 2.0]),
        ("a skipped minute", vec![0, 180_000], vec![1.0, 2.0]),
    ];
    for (name, ts, values) in cases {
        let got = of_block(&block(&ts, &values), 60_000);
        assert!(same(&rows(&got), &direct(&ts, &values, 60_000)), "{name}: {:?}", rows(&got));
    }
}

#[test]
fn hours_from_minutes_equal_hours_from_samples() {
    let ts: Vec<i64> = (0..7_200).map(|i| i * 1_000 + (i % 7)).collect();
    let values: Vec<f64> = (0..7_200).map(|i| ((i * 37) % 101) as f64 / 3.0).collect();
    let minutes = of_block(&block(&ts, &values), 60_000);
    let hours = coarsen(&minutes, 3_600_000);
    assert_eq!(hours.ts, vec![0, 3_600_000]);
    assert!(same(&rows(&hours), &direct(&ts, &values, 3_600_000)));
}

#[test]
fn merging_rollups_that_share_a_bucket_counts_every_sample_once() {
    let (ts, values) = (vec![0, 10_000, 20_000, 30_000], vec![1.0, 2.0, 3.0, 10.0]);
    let first = of_block(&block(&ts[..2], &values[..2]), 60_000);
    let second = of_block(&block(&ts[2..], &values[2..]), 60_000);
    let merged = merge_all(&[second, first], 60_000);
    assert!(same(&rows(&merged), &direct(&ts, &values, 60_000)));
}

#[test]
fn series_that_come_and_go_get_their_own_columns() {
    let mut a = block(&[0], &[1.0]);
    a.columns[0].id = "eth0".into();
    let b = block(&[60_000], &[2.0]);
    let merged = merge_all(&[of_block(&a, 60_000), of_block(&b, 60_000)], 60_000);
    let eth0 = merged.column("eth0").unwrap();
    assert_eq!(eth0.count, vec![1, 0]);
    assert!(eth0.min[1].is_nan());
    assert_eq!(merged.column("cpu").unwrap().count, vec![0, 1]);
}
