use super::*;

fn s(epoch: &str, first: u64, last: u64) -> Span {
    Span { epoch: epoch.into(), first, last }
}

#[test]
fn a_sealed_hour_covers_my_rows_only_when_it_holds_every_one() {
    let cases = [
        // what, theirs, mine, covered
        ("the same rows", vec![s("e", 1, 100)], vec![s("e", 1, 100)], true),
        ("more rows than mine", vec![s("e", 1, 100)], vec![s("e", 5, 90)], true),
        ("nothing of mine", vec![s("e", 1, 100)], vec![], true),
        ("mine reach past theirs", vec![s("e", 1, 100)], vec![s("e", 1, 101)], false),
        ("mine start before theirs", vec![s("e", 2, 100)], vec![s("e", 1, 100)], false),
        ("their hole is my row", vec![s("e", 1, 49), s("e", 51, 100)], vec![s("e", 1, 100)], false),
        ("their runs join up", vec![s("e", 51, 100), s("e", 1, 50)], vec![s("e", 1, 100)], true),
        ("another epoch", vec![s("f", 1, 100)], vec![s("e", 1, 100)], false),
        ("two epochs, both held", vec![s("e", 1, 10), s("f", 1, 5)], vec![s("f", 2, 3), s("e", 4, 4)], true),
        ("they have nothing", vec![], vec![s("e", 1, 1)], false),
    ];
    for (what, theirs, mine, covered) in cases {
        assert_eq!(covers(&theirs, &mine), covered, "{what}");
    }
}

#[test]
fn spans_join_adjacent_and_overlapping_runs_of_one_epoch() {
    let joined = joined(vec![s("e", 11, 20), s("f", 1, 2), s("e", 1, 10), s("e", 15, 30), s("e", 40, 41)]);
    assert_eq!(joined, vec![s("e", 1, 30), s("e", 40, 41), s("f", 1, 2)]);
}

#[test]
fn the_digest_tells_chunks_apart_and_is_stable() {
    assert_eq!(digest(b""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(digest(b"a"), 0xaf63_dc4c_8601_ec8c, "FNV-1a 64's published value");
    assert_ne!(digest(b"ab"), digest(b"ba"));
}

#[test]
fn rows_they_have_and_i_lack_are_adopted_only_when_they_can_no_longer_arrive_here() {
    let cases = [
        // what, theirs, mine, newest stored here, settled
        ("the same rows", vec![s("e", 1, 100)], vec![s("e", 1, 100)], Some(("e", 100)), true),
        (
            "my hole, below my newest",
            vec![s("e", 1, 100)],
            vec![s("e", 1, 49), s("e", 51, 100)],
            Some(("e", 100)),
            true,
        ),
        ("rows past my newest: still on their way", vec![s("e", 1, 100)], vec![s("e", 1, 90)], Some(("e", 90)), false),
        ("past my newest by one", vec![s("e", 1, 91)], vec![s("e", 1, 90)], Some(("e", 90)), false),
        ("my newest is in the next hour", vec![s("e", 1, 100)], vec![s("e", 1, 90)], Some(("e", 150)), true),
        ("nothing stored here", vec![s("e", 1, 100)], vec![], None, false),
        (
            "an epoch I moved past",
            vec![s("d", 1, 9), s("e", 1, 5)],
            vec![s("d", 1, 3), s("e", 1, 5)],
            Some(("e", 5)),
            true,
        ),
        ("an epoch I never saw", vec![s("f", 1, 9)], vec![s("e", 1, 5)], Some(("e", 5)), false),
        ("they have nothing", vec![], vec![s("e", 1, 5)], Some(("e", 5)), true),
    ];
    for (what, theirs, mine, newest, settled_here) in cases {
        assert_eq!(settled(&theirs, &mine, newest), settled_here, "{what}");
    }
}

#[test]
fn a_block_keeps_only_the_rows_a_chunk_does_not_hold() {
    let block = |first: u64, n: u64| Block {
        epoch: "e".into(),
        first_seq: first,
        ts: (first..first + n).map(|q| q as i64 * 1_000).collect(),
        columns: vec![Column { id: "c".into(), decimals: 0, values: (first..first + n).map(|q| q as f64).collect() }],
    };
    let cases = [
        // what, held, kept (first, rows)
        ("nothing held", vec![], vec![(1, 10)]),
        ("all held", vec![s("e", 1, 10)], vec![]),
        ("the head held", vec![s("e", 1, 4)], vec![(5, 6)]),
        ("a middle held", vec![s("e", 4, 6)], vec![(1, 3), (7, 4)]),
        ("another epoch's rows", vec![s("f", 1, 10)], vec![(1, 10)]),
    ];
    for (what, held, kept) in cases {
        let want: Vec<Block> = kept.into_iter().map(|(first, n)| block(first, n)).collect();
        assert_eq!(unheld(&block(1, 10), &held), want, "{what}");
    }
}
