use super::*;

fn block(columns: Vec<Column>, ts: Vec<i64>) -> Block {
    Block { epoch: "k3x9".into(), first_seq: 41, ts, columns }
}

fn column(id: &str, decimals: u8, values: Vec<f64>) -> Column {
    Column { id: id.into(), decimals, values }
}

/// Equal, with NaN equal to NaN.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x.is_nan() && y.is_nan()) || x == y)
}

#[test]
fn blocks_round_trip_to_their_decimals() {
    let ts: Vec<i64> = (0..600).map(|i| 1_765_000_000_000 + i * 1_000 + (i % 3)).collect();
    let cases: Vec<(&str, Column, Vec<f64>)> = vec![
        ("percent to 0.01", column("cpu", 2, (0..600).map(|i| i as f64 / 7.0).collect()), {
            (0..600).map(|i| ((i as f64 / 7.0) * 100.0).round() / 100.0).collect()
        }),
        ("whole bytes", column("mem", 0, (0..600).map(|i| 4_096.0 * i as f64).collect()), {
            (0..600).map(|i| 4_096.0 * i as f64).collect()
        }),
        ("holes stay holes", column("eth0", 0, (0..600).map(|i| if i % 5 == 0 { f64::NAN } else { 1.0 }).collect()), {
            (0..600).map(|i| if i % 5 == 0 { f64::NAN } else { 1.0 }).collect()
        }),
        ("no value at all", column("gone", 2, vec![f64::NAN; 600]), vec![f64::NAN; 600]),
        ("infinities are no value", column("inf", 2, vec![f64::INFINITY; 600]), vec![f64::NAN; 600]),
    ];
    for (name, col, want) in cases {
        let original = block(vec![col], ts.clone());
        let back = decode_block(&encode_block(&original), Select::All).unwrap();
        assert_eq!(back.ts, ts, "{name}: timestamps are exact");
        assert_eq!((back.epoch.as_str(), back.first_seq), ("k3x9", 41), "{name}");
        assert!(same(&back.columns[0].values, &want), "{name}: {:?}", &back.columns[0].values[..5]);
    }
}

#[test]
fn extremes_are_kept() {
    let values = vec![0.0, -1e-3, 1e12, -1e12, f64::MIN_POSITIVE, 123_456_789.987];
    let ts: Vec<i64> = (0..values.len() as i64).collect();
    let huge = vec![f64::MAX, 1.5, -f64::MAX, 0.0, 0.0, 0.0];
    let original = block(vec![column("x", 2, values), column("huge", 2, huge)], ts);
    let back = decode_block(&encode_block(&original), Select::All).unwrap();
    let got = &back.columns[0].values;
    assert_eq!((got[2], got[3]), (1e12, -1e12), "large values keep every digit");
    assert!((got[5] - 123_456_789.987).abs() <= 0.005 + 1e-6, "{}", got[5]);
    assert_eq!(back.columns[0].decimals, 2);
    let huge = &back.columns[1];
    assert_eq!(huge.decimals, 0, "a column of huge values keeps fewer decimals");
    assert!(huge.values[0] > 9e18 && huge.values[2] < -9e18, "clamped, not wrapped: {:?}", huge.values);
    assert_eq!(huge.values[1], 2.0);
}

#[test]
fn a_reader_decodes_only_the_columns_it_selects() {
    let b = block(vec![column("a", 0, vec![1.0, 2.0]), column("b", 0, vec![3.0, 4.0])], vec![0, 1_000]);
    let want = ["b".to_owned()];
    let back = decode_block(&encode_block(&b), Select::Only(&want)).unwrap();
    assert_eq!(back.columns.len(), 1);
    assert_eq!(back.columns[0].values, vec![3.0, 4.0]);
}

#[test]
fn an_empty_block_round_trips() {
    let b = Block { epoch: "e".into(), first_seq: 1, ts: vec![], columns: vec![column("a", 2, vec![])] };
    assert_eq!(decode_block(&encode_block(&b), Select::All).unwrap(), b);
}

#[test]
fn rollups_round_trip() {
    let rollup = Rollup {
        step_ms: 60_000,
        ts: vec![0, 60_000, 180_000],
        columns: vec![RollupColumn {
            id: "cpu".into(),
            decimals: 2,
            min: vec![1.0, f64::NAN, 0.5],
            max: vec![9.25, f64::NAN, 0.5],
            avg: vec![4.12, f64::NAN, 0.5],
            count: vec![60, 0, 1],
        }],
    };
    let back = decode_rollup(&encode_rollup(&rollup), Select::All).unwrap();
    assert_eq!(back.ts, rollup.ts);
    assert_eq!(back.step_ms, 60_000);
    let (got, want) = (&back.columns[0], &rollup.columns[0]);
    assert_eq!(got.count, want.count);
    assert!(same(&got.min, &want.min) && same(&got.max, &want.max) && same(&got.avg, &want.avg));
}

#[test]
fn foreign_newer_and_damaged_chunks_are_refused_not_misread() {
    let good = encode_block(&block(vec![column("a", 0, vec![1.0; 100])], (0..100).collect()));
    assert_eq!(decode_block(b"SQLite format 3\0", Select::All), Err(CodecError::Foreign));
    let mut newer = good.clone();
    newer[3] = FORMAT + 1;
    assert_eq!(decode_block(&newer, Select::All), Err(CodecError::Newer(FORMAT + 1)));
    assert!(decode_rollup(&good, Select::All).is_err(), "a block is not a rollup");
    for cut in [5, good.len() / 2, good.len() - 1] {
        assert!(decode_block(&good[..cut], Select::All).is_err(), "cut at {cut}");
    }
    let mut flipped = good.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0xff;
    // A flipped byte inside compressed numbers is refused or read as other numbers,
    // never a panic.
    let _ = decode_block(&flipped, Select::All);
}

#[test]
fn steady_series_cost_almost_nothing() {
    let rows = 3_600;
    let ts: Vec<i64> = (0..rows).map(|i| 1_765_000_000_000 + i * 1_000).collect();
    let b = block(vec![column("total", 0, vec![8.0e9; rows as usize])], ts);
    let bytes = encode_block(&b).len();
    assert!(bytes < 200, "an hour of a constant series took {bytes} bytes");
}
