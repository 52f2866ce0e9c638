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
