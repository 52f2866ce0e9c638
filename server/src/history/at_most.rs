//! A resume bounded to its newest frames: a stream each of whose frames is the
//! whole state (the `@fleet` summary, a few numbers per host: about 2 MB a frame at
//! 10,000 hosts) need not send a returning client its whole history window (60
//! frames, 120 MB); the newest few, after a gap naming what was skipped, bring it
//! to now. Pure.

use std::sync::Arc;

use pulse_protocol::{Gap, GapReason};

use super::{Resume, SharedFrame};

impl Resume {
    /// This resume with at most `frames` frames (the newest), and a gap before them
    /// when older ones were left out: a gap it had keeps its reason (a new epoch
    /// stays one) and counts the frames left out too.
    pub fn at_most(mut self, frames: usize) -> Resume {
        let extra = self.backlog.len().saturating_sub(frames.max(1));
        if extra == 0 {
            return self;
        }
        let kept: Vec<Arc<SharedFrame>> = self.backlog.split_off(extra);
        Resume { gap: self.gap, backlog: kept }.left_out(extra as u64)
    }

    /// This resume, whose backlog leaves out the `extra` older frames before it: a
    /// gap names them (a gap it had keeps its reason and counts them too).
    pub fn left_out(self, extra: u64) -> Resume {
        if extra == 0 {
            return self;
        }
        let next_seq = self.backlog.first().map_or(0, |f| f.frame.seq);
        let gap = match self.gap {
            Some(gap) => Gap { next_seq, missed: gap.missed.map(|m| m + extra), ..gap },
            None => Gap { reason: GapReason::TooOld, next_seq, missed: Some(extra) },
        };
        Resume { gap: Some(gap), backlog: self.backlog }
    }
}

#[cfg(test)]
mod tests {
    use pulse_protocol::Frame;

    use super::*;

    fn backlog(seqs: std::ops::RangeInclusive<u64>) -> Vec<Arc<SharedFrame>> {
        seqs.map(|seq| {
            let frame =
                Frame { seq, ts: 0, host: "@fleet".into(), values: Default::default(), top: vec![], columns: None };
            Arc::new(SharedFrame::from_json(frame, "{}"))
        })
        .collect()
    }

    fn gap(reason: GapReason, next_seq: u64, missed: Option<u64>) -> Option<Gap> {
        Some(Gap { reason, next_seq, missed })
    }

    #[test]
    fn only_the_newest_frames_and_a_gap_for_the_rest() {
        use GapReason::*;
        // (gap, backlog seqs, at most) → (gap, first and last seq kept)
        let cases = [
            (None, 11..=15, 5, (None, Some((11, 15)))),
            (None, 11..=70, 5, (gap(TooOld, 66, Some(55)), Some((66, 70)))),
            (None, 11..=70, 1, (gap(TooOld, 70, Some(59)), Some((70, 70)))),
            (None, 11..=70, 0, (gap(TooOld, 70, Some(59)), Some((70, 70)))),
            (gap(TooOld, 11, Some(10)), 11..=70, 5, (gap(TooOld, 66, Some(65)), Some((66, 70)))),
            (gap(EpochChanged, 11, None), 11..=70, 5, (gap(EpochChanged, 66, None), Some((66, 70)))),
            (gap(TooOld, 11, Some(3)), 11..=12, 5, (gap(TooOld, 11, Some(3)), Some((11, 12)))),
        ];
        for (had, seqs, at_most, (want_gap, want_span)) in cases {
            let resume = Resume { gap: had.clone(), backlog: backlog(seqs.clone()) }.at_most(at_most);
            let span = resume.backlog.first().zip(resume.backlog.last()).map(|(a, b)| (a.frame.seq, b.frame.seq));
            assert_eq!((resume.gap, span), (want_gap, want_span), "{had:?} {seqs:?} at most {at_most}");
        }
        let empty = Resume { gap: None, backlog: Vec::new() }.at_most(5);
        assert!(empty.gap.is_none() && empty.backlog.is_empty());
    }
}
