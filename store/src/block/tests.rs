use super::*;

fn one(epoch: &str, first_seq: u64, ts: &[i64], id: &str) -> Block {
    Block {
        epoch: epoch.into(),
        first_seq,
        ts: ts.to_vec(),
        columns: vec![Column { id: id.into(), decimals: 0, values: ts.iter().map(|&t| t as f64).collect() }],
    }
}

#[test]
fn runs_break_at_epochs_holes_and_block_edges_and_drop_replays() {
    type Case = (&'static str, Vec<Block>, Vec<(u64, usize)>);
    let cases: Vec<Case> = vec![
        ("consecutive blocks join", vec![one("a", 1, &[0, 1_000], "x"), one("a", 3, &[2_000], "x")], vec![(1, 3)]),
        ("a seq hole starts a run", vec![one("a", 1, &[0], "x"), one("a", 5, &[4_000], "x")], vec![(1, 1), (5, 1)]),
        ("a new epoch starts a run", vec![one("a", 1, &[0], "x"), one("b", 2, &[1_000], "x")], vec![(1, 1), (2, 1)]),
        ("a block edge starts a run", vec![one("a", 1, &[9_000, 10_000], "x")], vec![(1, 1), (2, 1)]),
        ("a replay is dropped", vec![one("a", 1, &[0, 1_000], "x"), one("a", 2, &[1_000, 2_000], "x")], vec![(1, 3)]),
    ];
    for (name, blocks, want) in cases {
        let got: Vec<(u64, usize)> = runs(&blocks, 10_000).iter().map(|b| (b.first_seq, b.len())).collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn a_run_has_every_series_with_holes_where_a_row_lacked_one() {
    let got = runs(&[one("a", 1, &[0], "x"), one("a", 2, &[1_000], "y")], 60_000);
    assert_eq!(got.len(), 1);
    let x = got[0].column("x").unwrap();
    let y = got[0].column("y").unwrap();
    assert_eq!((x.values[0], x.values[1].is_nan()), (0.0, true));
    assert_eq!((y.values[0].is_nan(), y.values[1]), (true, 1_000.0));
}

#[test]
fn split_keeps_seqs_aligned() {
    let (before, after) = split_at(&one("a", 10, &[0, 1_000, 2_000], "x"), 1_000);
    assert_eq!((before.first_seq, before.len()), (10, 1));
    assert_eq!(
        (after.first_seq, after.ts.clone(), after.columns[0].values.clone()),
        (11, vec![1_000, 2_000], vec![1_000.0, 2_000.0])
    );
}

#[test]
fn into_runs_gives_what_runs_gives() {
    let mut short = one("a", 1, &[0, 1_000], "x");
    short.columns[0].values.pop();
    let cases: Vec<(&str, Vec<Block>)> = vec![
        ("nothing", vec![]),
        ("an empty block", vec![one("a", 1, &[], "x")]),
        ("one run, moved as it is", vec![one("a", 1, &[0, 1_000, 2_000], "x")]),
        ("one block across an edge", vec![one("a", 1, &[9_000, 10_000], "x")]),
        ("a column shorter than its rows", vec![short]),
        ("two blocks that join", vec![one("a", 1, &[0], "x"), one("a", 2, &[1_000], "y")]),
        ("a replay", vec![one("a", 1, &[0, 1_000], "x"), one("a", 2, &[1_000, 2_000], "x")]),
    ];
    // Compared as text: a hole is NaN, which equals nothing.
    let text = |blocks: &[Block]| format!("{blocks:?}");
    for (name, blocks) in cases {
        assert_eq!(text(&into_runs(blocks.clone(), 10_000)), text(&runs(&blocks, 10_000)), "{name}");
    }
}
