use super::*;
use crate::block::Column;

const BLOCK_MS: i64 = 3_600_000;

/// `rows` rows from seq 1 at 1 Hz from `start`, one series with a hole every
/// seventh row, written in flushes of 5 rows.
fn flushes(start: i64, rows: usize) -> Vec<Block> {
    (0..rows)
        .collect::<Vec<_>>()
        .chunks(5)
        .map(|chunk| Block {
            epoch: "e".into(),
            first_seq: 1 + chunk[0] as u64,
            ts: chunk.iter().map(|&r| start + r as i64 * 1_000).collect(),
            columns: vec![Column {
                id: "cpu".into(),
                decimals: 2,
                values: chunk.iter().map(|&r| if r % 7 == 3 { f64::NAN } else { (r % 100) as f64 / 4.0 }).collect(),
            }],
        })
        .collect()
}

fn held(blocks: &[Block]) -> Vec<(u64, i64, Option<f64>)> {
    runs(blocks, BLOCK_MS)
        .iter()
        .flat_map(|b| {
            let values = &b.columns[0].values;
            (0..b.len()).map(move |r| (b.first_seq + r as u64, b.ts[r], Some(values[r]).filter(|v| !v.is_nan())))
        })
        .collect()
}

#[test]
fn rows_taken_before_a_time_come_back_exactly_and_the_rest_stay() {
    // (name, rows pushed, where to cut as seconds after the start)
    let cases: [(&str, usize, i64); 5] = [
        ("nothing packed yet", 40, 20),
        ("packed pieces and plain rows", 1_000, 700),
        ("the cut on a block edge", 5_000, 3_600),
        ("the cut inside a packed piece", 1_000, 151),
        ("everything before the cut", 900, 10_000),
    ];
    let start = 0;
    for (name, rows, cut_s) in cases {
        let pushed = flushes(start, rows);
        let mut open = Open::default();
        for block in pushed.clone() {
            open.push(block, BLOCK_MS);
        }
        let cut = start + cut_s * 1_000;
        let all = held(&pushed);
        let (want_old, want_new): (Vec<_>, Vec<_>) = all.into_iter().partition(|&(_, ts, _)| ts < cut);
        assert_eq!(held(&open.before(cut).unwrap()), want_old, "{name}: before");
        open.drop_before(cut).unwrap();
        assert_eq!(held(&open.before(i64::MAX).unwrap()), want_new, "{name}: after dropping");
        assert_eq!(open.is_empty(), want_new.is_empty(), "{name}: empty");
    }
}

#[test]
fn pieces_never_cross_a_block_edge_and_hold_less_than_plain_rows() {
    let mut open = Open::default();
    for block in flushes(BLOCK_MS - 150_000, 600) {
        open.push(block, BLOCK_MS);
    }
    assert!(open.pieces.iter().all(|p| p.first.div_euclid(BLOCK_MS) == p.last.div_euclid(BLOCK_MS)));
    assert!(open.pieces.len() >= 2, "a run that crossed the edge was cut there");
    let plain = 600 * 2 * 8;
    assert!(open.bytes() < plain / 2, "{} bytes held for {plain} plain", open.bytes());
}

#[test]
fn empty_blocks_are_not_held() {
    let mut open = Open::default();
    open.push(Block::default(), BLOCK_MS);
    assert!(open.is_empty());
    assert!(open.before(i64::MAX).unwrap().is_empty());
}

#[test]
fn the_spans_held_before_an_edge_are_those_of_the_rows_held_there() {
    for (rows, edge_s) in [(40usize, 20i64), (1_000, 700), (1_000, 300), (7_300, 3_600), (0, 10)] {
        let mut open = Open::default();
        let start = 3 * BLOCK_MS - 600_000;
        for block in flushes(start, rows) {
            open.push(block, BLOCK_MS);
        }
        // Pieces never cross a block edge, so the edges are where spans are asked.
        let before = start + edge_s * 1_000;
        let edge = before.div_euclid(BLOCK_MS) * BLOCK_MS;
        for at in [edge, edge + BLOCK_MS] {
            let want = crate::share::spans_of(&open.before(at).unwrap());
            assert_eq!(open.spans_before(at).unwrap(), want, "{rows} rows, before {at}");
        }
    }
}

#[test]
fn a_flush_that_continues_the_newest_block_is_appended_to_it() {
    // (name, how the second flush differs from one that continues the first, blocks held)
    type Change = fn(&mut Block);
    let cases: [(&str, Change, usize); 6] = [
        ("the next rows of the same series", |_| {}, 1),
        ("another epoch", |b| b.epoch = "f".into(), 2),
        ("a hole in the seqs", |b| b.first_seq += 1, 2),
        ("another series", |b| b.columns[0].id = "mem".into(), 2),
        ("other decimals", |b| b.columns[0].decimals = 1, 2),
        ("across a block edge", |b| b.ts.iter_mut().for_each(|t| *t += BLOCK_MS), 2),
    ];
    for (name, change, want) in cases {
        let mut pushed = flushes(0, 10);
        change(&mut pushed[1]);
        let mut open = Open::default();
        for block in pushed.clone() {
            open.push(block, BLOCK_MS);
        }
        assert_eq!(open.recent.len(), want, "{name}");
        assert_eq!(held(&open.before(i64::MAX).unwrap()), held(&pushed), "{name}: the same rows");
    }
}

#[test]
fn bytes_count_what_the_plain_blocks_allocated() {
    let mut open = Open::default();
    let mut block = flushes(0, 5).remove(0);
    block.columns[0].values.reserve_exact(1_000);
    let values = block.columns[0].values.capacity() * 8;
    open.push(block, BLOCK_MS);
    assert!(open.bytes() >= values + "cpu".len() + 5 * 8, "{} bytes for {values} of values", open.bytes());
}
