//! A compact history answers exactly as a whole one: the same frames, byte for
//! byte, the same resume rule, at least the window it was given.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulse_protocol::{Cursor, Epoch, Frame, GapReason, ProcessInfo, ServerMessage};

use super::super::{History, SharedFrame};

fn epoch() -> Epoch {
    Epoch("e1".into())
}

fn frame(seq: u64) -> Arc<SharedFrame> {
    let values =
        BTreeMap::from([("cpu.total".to_owned(), seq as f64 / 3.0), ("mem.used".to_owned(), 1e9 + seq as f64)]);
    let top = vec![ProcessInfo { pid: 7, name: "a \"quoted\"\nname".into(), cpu: 0.5, mem: seq }];
    let frame = Frame { seq, ts: 1_000 * seq as i64, host: "h".into(), values, top, columns: None };
    let json = serde_json::to_string(&ServerMessage::Frame(frame.clone())).unwrap();
    Arc::new(SharedFrame::from_json(frame, &json))
}

fn filled(history: &mut History, seqs: std::ops::RangeInclusive<u64>) -> Vec<Arc<SharedFrame>> {
    let frames: Vec<_> = seqs.map(frame).collect();
    for frame in &frames {
        history.push(Arc::clone(frame));
    }
    frames
}

fn same(got: &[Arc<SharedFrame>], want: &[Arc<SharedFrame>]) {
    assert_eq!(got.len(), want.len());
    for (got, want) in got.iter().zip(want) {
        assert_eq!(got.frame, want.frame);
        assert_eq!((&got.json, &got.ws), (&want.json, &want.ws), "seq {}", want.frame.seq);
        assert_eq!(got.sse(&epoch()), want.sse(&epoch()), "seq {}", want.frame.seq);
    }
}

#[test]
fn every_frame_inside_the_window_comes_back_byte_for_byte() {
    for (capacity, pushed) in [(40, 10), (40, 41), (40, 200), (100, 1000), (19, 5)] {
        let mut history = History::compact(capacity);
        let frames = filled(&mut history, 1..=pushed);
        let oldest = history.after(0).first().map_or(0, |f| f.frame.seq);
        let held = (pushed - oldest + 1) as usize;
        assert!(held >= capacity.min(pushed as usize), "{capacity}/{pushed}: holds {held}");
        assert!(held < capacity + super::BLOCK, "{capacity}/{pushed}: holds {held}");
        for after in [0, oldest.saturating_sub(1), oldest, pushed - 1, pushed] {
            let start = (after.max(oldest - 1)) as usize;
            same(&history.after(after), &frames[start..]);
        }
        let from = frames[pushed as usize - 3].frame.ts;
        same(&history.since_time(Some(from)), &frames[pushed as usize - 3..]);
        same(&history.since_time(None), &frames[oldest as usize - 1..]);
    }
}

#[test]
fn resume_inside_is_lossless_and_beyond_is_a_gap() {
    let mut history = History::compact(60);
    let frames = filled(&mut history, 1..=500);
    let oldest = history.after(0)[0].frame.seq;
    let at = |seq| Some(Cursor { epoch: epoch(), seq });

    let inside = history.resume(&epoch(), at(oldest + 5).as_ref());
    assert!(inside.gap.is_none());
    same(&inside.backlog, &frames[oldest as usize + 5..]);

    let edge = history.resume(&epoch(), at(oldest - 1).as_ref());
    assert!(edge.gap.is_none());
    assert_eq!(edge.backlog.len(), (500 - oldest + 1) as usize);

    let beyond = history.resume(&epoch(), at(10).as_ref()).gap.expect("a gap");
    assert_eq!((beyond.reason, beyond.next_seq, beyond.missed), (GapReason::TooOld, oldest, Some(oldest - 11)));

    history.clear();
    assert!(history.after(0).is_empty());
    filled(&mut history, 600..=640);
    assert_eq!(history.after(0)[0].frame.seq, 600, "after a hole the history starts again");
    assert_eq!(history.newest_seq(), 640);
}

/// A frame of the fleet summary's kind: values of a few digits, which read back
/// exactly (serde_json's reader may miss a long one's last bit).
fn summary_frame(seq: u64) -> Arc<SharedFrame> {
    let values = BTreeMap::from([("a/cpu".to_owned(), (seq % 1000) as f64 / 10.0), ("a/seen".to_owned(), 1e12)]);
    let frame = Frame { seq, ts: 1_000 * seq as i64, host: "@fleet".into(), values, top: Vec::new(), columns: None };
    let json = serde_json::to_string(&ServerMessage::Frame(frame.clone())).unwrap();
    Arc::new(SharedFrame::from_json(frame, &json))
}

#[test]
fn a_lean_history_answers_as_a_whole_one_and_keeps_exactly_its_window() {
    for (capacity, pushed) in [(2, 1), (2, 5), (60, 59), (60, 61), (60, 300)] {
        let mut lean = History::lean(capacity);
        let mut whole = History::new(capacity);
        let frames: Vec<_> = (1..=pushed).map(summary_frame).collect();
        for frame in &frames {
            lean.push(Arc::clone(frame));
        }
        for frame in &frames {
            whole.push(Arc::clone(frame));
        }
        assert_eq!(lean.after(0).len(), capacity.min(pushed as usize), "{capacity}/{pushed}");
        for after in [0, pushed.saturating_sub(capacity as u64), pushed - 1, pushed] {
            same(&lean.after(after), &whole.after(after));
        }
        let at = Some(Cursor { epoch: epoch(), seq: pushed.saturating_sub(3) });
        let (got, want) = (lean.resume(&epoch(), at.as_ref()), whole.resume(&epoch(), at.as_ref()));
        assert_eq!(got.gap, want.gap);
        same(&got.backlog, &want.backlog);
        same(&lean.since_time(Some(frames[pushed as usize - 1].frame.ts)), &frames[pushed as usize - 1..]);
    }
}
