//! The ring of recent frames, each kept with its JSON, and the resume rule.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use pulse_protocol::{Cursor, Epoch, Frame, Gap, GapReason};
use tokio_tungstenite::tungstenite::Utf8Bytes;

/// One frame, serialised once and shared by every connection and transport.
#[derive(Debug)]
pub struct SharedFrame {
    /// The frame itself (for `/history` columns).
    pub frame: Frame,
    /// `{"type":"frame",…}`: a poll array element, and the text of `ws`.
    pub json: Utf8Bytes,
    /// The complete WebSocket text message, as the fan-out writes it to sockets.
    pub ws: Bytes,
    /// `id: EPOCH:SEQ\ndata: {…}\n\n`: the complete SSE event.
    pub sse: Bytes,
}

/// The hole before `frames` (oldest first, all after `last_sent`, as
/// [`History::after`] gives them) when history no longer holds the frames between: a
/// client that fell behind is told how many it missed.
pub fn lagged_gap(last_sent: u64, frames: &[Arc<SharedFrame>]) -> Option<Gap> {
    let next_seq = frames.first()?.frame.seq;
    let missed = next_seq.checked_sub(last_sent + 1).filter(|&missed| missed > 0)?;
    Some(Gap { reason: GapReason::Lagged, next_seq, missed: Some(missed) })
}

/// Frames of this epoch, oldest first, at most `capacity` of them.
#[derive(Debug)]
pub struct History {
    frames: VecDeque<Arc<SharedFrame>>,
    capacity: usize,
}

/// What a client resuming from a cursor gets before live frames.
#[derive(Debug, Default)]
pub struct Resume {
    /// An explicit hole, when frames it asked for are gone.
    pub gap: Option<Gap>,
    /// The frames after the cursor that history still has.
    pub backlog: Vec<Arc<SharedFrame>>,
}

impl History {
    /// An empty ring of `capacity` frames.
    pub fn new(capacity: usize) -> Self {
        History { frames: VecDeque::with_capacity(capacity.min(100_000)), capacity: capacity.max(1) }
    }

    /// Adds the newest frame, dropping the oldest when full.
    pub fn push(&mut self, frame: Arc<SharedFrame>) {
        if self.frames.len() == self.capacity {
            self.frames.pop_front();
        }
        self.frames.push_back(frame);
    }

    /// Forgets every frame (the next one may start anywhere).
    pub fn clear(&mut self) {
        self.frames.clear();
    }

    /// When the newest frame was sampled, or 0 before the first frame.
    pub fn newest_ts(&self) -> i64 {
        self.frames.back().map_or(0, |f| f.frame.ts)
    }

    /// The newest seq, or 0 before the first frame.
    pub fn newest_seq(&self) -> u64 {
        self.frames.back().map_or(0, |f| f.frame.seq)
    }

    /// Every frame with `seq > after`, oldest first.
    pub fn after(&self, after: u64) -> Vec<Arc<SharedFrame>> {
        let oldest = self.frames.front().map_or(1, |f| f.frame.seq);
        let skip = after.saturating_add(1).saturating_sub(oldest) as usize;
        self.frames.iter().skip(skip).cloned().collect()
    }

    /// Frames with `ts >= from` (all when `from` is `None`).
    pub fn since_time(&self, from: Option<i64>) -> impl Iterator<Item = &Arc<SharedFrame>> {
        let start = from.map_or(0, |from| self.frames.partition_point(|f| f.frame.ts < from));
        self.frames.range(start..)
    }

    /// What a client at `cursor` needs, in `epoch`: nothing without a cursor,
    /// the frames after it inside the window, or a gap and everything held.
    pub fn resume(&self, epoch: &Epoch, cursor: Option<&Cursor>) -> Resume {
        let Some(cursor) = cursor else {
            return Resume::default();
        };
        let oldest = self.frames.front().map_or(self.newest_seq() + 1, |f| f.frame.seq);
        if &cursor.epoch != epoch {
            let gap = Gap { reason: GapReason::EpochChanged, next_seq: oldest, missed: None };
            return Resume { gap: Some(gap), backlog: self.after(0) };
        }
        if cursor.seq.saturating_add(1) >= oldest {
            return Resume { gap: None, backlog: self.after(cursor.seq) };
        }
        let gap = Gap { reason: GapReason::TooOld, next_seq: oldest, missed: Some(oldest - cursor.seq - 1) };
        Resume { gap: Some(gap), backlog: self.after(0) }
    }
}

#[cfg(test)]
mod tests;
