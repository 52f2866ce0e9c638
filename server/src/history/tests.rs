//! The resume rule, case by case.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulse_protocol::{Cursor, Epoch, Frame, GapReason};

use super::{lagged_gap, History, SharedFrame};

fn history(seqs: std::ops::RangeInclusive<u64>, capacity: usize) -> History {
    filled(History::new(capacity), seqs)
}

fn filled(mut history: History, seqs: std::ops::RangeInclusive<u64>) -> History {
    for seq in seqs {
        let frame =
            Frame { seq, ts: seq as i64 * 1000, host: "h".into(), values: BTreeMap::new(), top: vec![], columns: None };
        history.push(Arc::new(SharedFrame::from_json(frame, "{}")));
    }
    history
}

fn seqs(resume: &super::Resume) -> Vec<u64> {
    resume.backlog.iter().map(|f| f.frame.seq).collect()
}

#[test]
fn resume_cases() {
    let epoch = Epoch("now".into());
    let h = history(1..=10, 5); // holds 6..=10
    let at = |e: &str, seq| Some(Cursor { epoch: Epoch(e.into()), seq });

    let r = h.resume(&epoch, None);
    assert!(r.gap.is_none() && r.backlog.is_empty(), "no cursor: live only");

    let r = h.resume(&epoch, at("now", 7).as_ref());
    assert!(r.gap.is_none());
    assert_eq!(seqs(&r), vec![8, 9, 10]);

    let r = h.resume(&epoch, at("now", 5).as_ref());
    assert!(r.gap.is_none(), "the frame right before the oldest is still a seamless resume");
    assert_eq!(seqs(&r), vec![6, 7, 8, 9, 10]);

    let r = h.resume(&epoch, at("now", 10).as_ref());
    assert!(r.gap.is_none() && r.backlog.is_empty(), "up to date");

    let r = h.resume(&epoch, at("now", 2).as_ref());
    let gap = r.gap.clone().expect("too old");
    assert_eq!((gap.reason, gap.next_seq, gap.missed), (GapReason::TooOld, 6, Some(3)));
    assert_eq!(seqs(&r), vec![6, 7, 8, 9, 10]);

    let r = h.resume(&epoch, at("old", 900).as_ref());
    let gap = r.gap.clone().expect("epoch changed");
    assert_eq!((gap.reason, gap.next_seq, gap.missed), (GapReason::EpochChanged, 6, None));
    assert_eq!(seqs(&r).len(), 5);
}

#[test]
fn the_ring_keeps_only_its_capacity_and_finds_by_time() {
    let h = history(1..=100, 10);
    assert_eq!(h.newest_seq(), 100);
    assert_eq!(h.after(0).len(), 10);
    let from: Vec<u64> = h.since_time(Some(95_000)).iter().map(|f| f.frame.seq).collect();
    assert_eq!(from, vec![95, 96, 97, 98, 99, 100]);
}

#[test]
fn a_lagging_client_is_told_only_of_frames_history_no_longer_holds() {
    let held = history(10..=12, 3);
    let gap = lagged_gap(6, &held.after(6)).expect("7 to 9 are gone");
    assert_eq!((gap.reason, gap.next_seq, gap.missed), (GapReason::Lagged, 10, Some(3)));
    assert!(lagged_gap(9, &held.after(9)).is_none(), "10 follows 9: no hole");
    assert!(lagged_gap(12, &held.after(12)).is_none(), "nothing after the newest");
}

#[test]
fn the_newest_frame_is_the_last_pushed_whole_or_compact() {
    let after_restart = || {
        let mut h = History::compact(100);
        h.start_after(500, 500_000);
        h
    };
    let cases = [
        // what, history, newest seq (None: no frame held)
        ("empty ring", History::new(5), None),
        ("ring not yet full", history(1..=3, 5), Some(3)),
        ("ring that dropped its oldest", history(1..=100, 10), Some(100)),
        ("compact, one frame", filled(History::compact(100), 1..=1), Some(1)),
        ("compact, older frames deflated", filled(History::compact(100), 1..=250), Some(250)),
        ("restored, nothing new yet", after_restart(), None),
        ("restored, then a frame", filled(after_restart(), 501..=501), Some(501)),
    ];
    for (what, h, want) in cases {
        assert_eq!(h.newest().map(|f| f.frame.seq), want, "{what}");
        if let Some(seq) = want {
            assert_eq!(h.newest_seq(), seq, "{what}: agrees with newest_seq");
        }
    }
}

#[test]
fn a_bounded_resume_is_the_resume_cut_to_its_newest_frames() {
    let epoch = Epoch("now".into());
    let at = |e: &str, seq| Some(Cursor { epoch: Epoch(e.into()), seq });
    let cursors =
        [None, at("now", 0), at("now", 2), at("now", 5), at("now", 7), at("now", 10), at("now", 12), at("old", 900)];
    for h in [history(1..=10, 5), history(1..=3, 5), History::new(5), history(1..=60, 60)] {
        for cursor in &cursors {
            for frames in [0, 1, 3, 5, 100] {
                let want = h.resume(&epoch, cursor.as_ref()).at_most(frames);
                let got = h.resume_at_most(&epoch, cursor.as_ref(), frames);
                assert_eq!(
                    (got.gap.clone(), seqs(&got)),
                    (want.gap.clone(), seqs(&want)),
                    "{cursor:?} at most {frames}"
                );
            }
        }
    }
}

#[test]
fn push_hands_back_the_frame_it_no_longer_keeps_whole() {
    let frame = |seq| {
        let frame =
            Frame { seq, ts: seq as i64, host: "h".into(), values: BTreeMap::new(), top: vec![], columns: None };
        Arc::new(SharedFrame::from_json(frame, "{}"))
    };
    // What, the history, then each push's seq and the seq it hands back.
    type Case = (&'static str, History, &'static [(u64, Option<u64>)]);
    let cases: [Case; 2] = [
        ("a plain ring, when full", History::new(2), &[(1, None), (2, None), (3, Some(1)), (4, Some(2))]),
        ("a compact one, its newest only", History::compact(100), &[(1, None), (2, Some(1)), (3, Some(2))]),
    ];
    for (what, mut history, pushes) in cases {
        for &(seq, handed_back) in pushes {
            assert_eq!(history.push(frame(seq)).map(|f| f.frame.seq), handed_back, "{what}: push {seq}");
        }
    }
}
