//! The ring of recent frames, each kept with its JSON, and the resume rule.
//!
//! A hub's own host keeps every frame whole. An agent host's history is
//! [`History::compact`]: only its newest [`WHOLE`] frames are kept whole, older
//! ones as deflated JSON (`compact`), so ten thousand hosts' windows fit in memory.
//! The fleet summary's is [`History::lean`]: older frames as their JSON alone.

mod at_most;
mod compact;
mod deflate;

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use pulse_protocol::{Cursor, Epoch, Frame, Gap, GapReason};
use tokio_tungstenite::tungstenite::Utf8Bytes;

use crate::fanout::{encode_text, text_offset};
use compact::Compact;

/// Frames a compact history keeps whole: the newest one, which a client that fell
/// a frame behind is sent next. Older ones are rebuilt when asked for: a parse of
/// their JSON (about 10 µs), and inflating their block once it is sealed. That
/// happens under the hub's lock, so a `/history` of a whole window holds that
/// host's ingest for a few milliseconds.
pub const WHOLE: usize = 1;

/// One frame, serialised once and shared by every connection and transport.
#[derive(Debug)]
pub struct SharedFrame {
    /// The frame itself (for `/history` columns).
    pub frame: Frame,
    /// `{"type":"frame",…}`: a poll array element, and the text of `ws`.
    pub json: Utf8Bytes,
    /// The complete WebSocket text message, as the fan-out writes it to sockets.
    pub ws: Bytes,
    /// `id: EPOCH:SEQ\ndata: {…}\n\n`: the complete SSE event, made when an SSE
    /// stream first asks (most frames of a fleet's hosts never go to one).
    sse: OnceLock<Bytes>,
}

impl SharedFrame {
    /// A frame with `json`, its serialisation, made into the WebSocket message.
    /// The JSON is a slice of that message's bytes, so it is held once.
    pub fn from_json(frame: Frame, json: &str) -> Self {
        let ws = encode_text(json);
        let json = Utf8Bytes::try_from(ws.slice(text_offset(&ws)..)).unwrap_or_else(|_| Utf8Bytes::from(json));
        SharedFrame { frame, json, ws, sse: OnceLock::new() }
    }

    /// The complete SSE event of this frame of `epoch` (its hub's), made once.
    pub fn sse(&self, epoch: &Epoch) -> Bytes {
        let event = self.sse.get_or_init(|| {
            // Sized exactly: `format!` would leave spare room (as much again).
            let head = format!("id: {epoch}:{}\ndata: ", self.frame.seq);
            let mut sse = String::with_capacity(head.len() + self.json.len() + 2);
            sse.push_str(&head);
            sse.push_str(self.json.as_str());
            sse.push_str("\n\n");
            Bytes::from(sse)
        });
        event.clone()
    }

    /// The SSE event's bytes, if one was made (the agent's buffer counts them).
    pub fn sse_len(&self) -> usize {
        self.sse.get().map_or(0, Bytes::len)
    }
}

/// The hole before `frames` (oldest first, all after `last_sent`, as
/// [`History::after`] gives them) when history no longer holds the frames between: a
/// client that fell behind is told how many it missed.
pub fn lagged_gap(last_sent: u64, frames: &[Arc<SharedFrame>]) -> Option<Gap> {
    let next_seq = frames.first()?.frame.seq;
    let missed = next_seq.checked_sub(last_sent + 1).filter(|&missed| missed > 0)?;
    Some(Gap { reason: GapReason::Lagged, next_seq, missed: Some(missed) })
}

/// Frames of this epoch, oldest first, without holes, at most `capacity` of them
/// (a compact history may hold up to a block more, never fewer).
#[derive(Debug)]
pub struct History {
    /// The newest frames, whole (all of them unless compact).
    frames: VecDeque<Arc<SharedFrame>>,
    capacity: usize,
    /// The older frames of a compact history.
    older: Option<Compact>,
    /// The seq and time of the newest frame before the first held, when this
    /// history continues one kept elsewhere (the store, after a restart).
    base: (u64, i64),
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
        History {
            frames: VecDeque::with_capacity(capacity.min(100_000)),
            capacity: capacity.max(1),
            older: None,
            base: (0, 0),
        }
    }

    /// An empty ring of `capacity` frames that keeps only the newest [`WHOLE`]
    /// whole and the others compact (a few times smaller, rebuilt when asked
    /// for). A ring too small to gain from it is a plain one.
    pub fn compact(capacity: usize) -> Self {
        if capacity <= WHOLE + compact::BLOCK {
            return History::new(capacity);
        }
        History { frames: VecDeque::with_capacity(WHOLE), capacity, older: Some(Compact::default()), base: (0, 0) }
    }

    /// An empty ring of `capacity` frames that keeps only the newest [`WHOLE`]
    /// whole and the others as their JSON, not deflated (rebuilt when asked for):
    /// for few, large frames (the fleet summary's, a value of every host).
    pub fn lean(capacity: usize) -> Self {
        if capacity <= WHOLE {
            return History::new(capacity);
        }
        History { frames: VecDeque::with_capacity(WHOLE), capacity, older: Some(Compact::unpacked()), base: (0, 0) }
    }

    /// Adds the newest frame, dropping the oldest when full. Returns the frame no
    /// longer kept whole (its JSON may stay in a compact history's older part),
    /// whose buffers the next frame can be read into once nobody else holds it.
    pub fn push(&mut self, frame: Arc<SharedFrame>) -> Option<Arc<SharedFrame>> {
        let whole = if self.older.is_some() { WHOLE } else { self.capacity };
        let mut let_go = None;
        if self.frames.len() == whole {
            let_go = self.frames.pop_front();
            if let (Some(oldest), Some(older)) = (let_go.as_ref(), self.older.as_mut()) {
                older.push(oldest);
            }
        }
        self.frames.push_back(frame);
        if let Some(older) = self.older.as_mut() {
            older.trim(self.capacity.saturating_sub(self.frames.len()));
        }
        let_go
    }

    /// Forgets every frame (the next one may start anywhere).
    pub fn clear(&mut self) {
        self.frames.clear();
        if let Some(older) = self.older.as_mut() {
            older.clear();
        }
        self.base = (0, 0);
    }

    /// Empties the history to continue after frame `seq`, taken at `ts`, which is
    /// kept elsewhere (the store): the next frame is `seq + 1`.
    pub fn start_after(&mut self, seq: u64, ts: i64) {
        self.clear();
        self.base = (seq, ts);
    }

    /// The oldest seq held, or the one after the newest when empty.
    fn oldest_seq(&self) -> u64 {
        let whole = self.frames.front().map(|f| f.frame.seq);
        self.older.as_ref().and_then(Compact::oldest_seq).or(whole).unwrap_or_else(|| self.newest_seq() + 1)
    }

    /// When the newest frame was sampled, or 0 before the first frame.
    pub fn newest_ts(&self) -> i64 {
        self.frames.back().map_or(self.base.1, |f| f.frame.ts)
    }

    /// The newest seq, or 0 before the first frame.
    pub fn newest_seq(&self) -> u64 {
        self.frames.back().map_or(self.base.0, |f| f.frame.seq)
    }

    /// The newest frame, or `None` while none is held. A compact history keeps its
    /// newest frame whole, so this never rebuilds one.
    pub fn newest(&self) -> Option<Arc<SharedFrame>> {
        self.frames.back().cloned()
    }

    /// Every frame with `seq > after`, oldest first.
    pub fn after(&self, after: u64) -> Vec<Arc<SharedFrame>> {
        let mut frames = self.older.as_ref().map_or_else(Vec::new, |older| older.frames(after, i64::MIN));
        let oldest = self.frames.front().map_or(1, |f| f.frame.seq);
        let skip = after.saturating_add(1).saturating_sub(oldest) as usize;
        frames.extend(self.frames.iter().skip(skip).cloned());
        frames
    }

    /// Frames with `ts >= from` (all when `from` is `None`), oldest first.
    pub fn since_time(&self, from: Option<i64>) -> Vec<Arc<SharedFrame>> {
        let from = from.unwrap_or(i64::MIN);
        let mut frames = self.older.as_ref().map_or_else(Vec::new, |older| older.frames(0, from));
        let start = self.frames.partition_point(|f| f.frame.ts < from);
        frames.extend(self.frames.range(start..).cloned());
        frames
    }

    /// What a client at `cursor` needs, in `epoch`: nothing without a cursor,
    /// the frames after it inside the window, or a gap and everything held.
    pub fn resume(&self, epoch: &Epoch, cursor: Option<&Cursor>) -> Resume {
        let Some((gap, after)) = self.plan(epoch, cursor) else {
            return Resume::default();
        };
        Resume { gap, backlog: self.after(after) }
    }

    /// [`History::resume`] bounded to the newest `frames` frames, as
    /// [`Resume::at_most`] would bound it, reading only those: a lean history's
    /// older frames are never parsed back (at 10,000 hosts each `@fleet` frame is
    /// about 2 MB of JSON).
    pub fn resume_at_most(&self, epoch: &Epoch, cursor: Option<&Cursor>, frames: usize) -> Resume {
        let Some((gap, after)) = self.plan(epoch, cursor) else {
            return Resume::default();
        };
        let base = after.max(self.oldest_seq().saturating_sub(1));
        let from = base.max(self.newest_seq().saturating_sub(frames.max(1) as u64));
        Resume { gap, backlog: self.after(from) }.left_out(from - base)
    }

    /// The gap a resume from `cursor` starts with, and the seq its backlog follows;
    /// `None` without a cursor (a new client: no backlog).
    fn plan(&self, epoch: &Epoch, cursor: Option<&Cursor>) -> Option<(Option<Gap>, u64)> {
        let cursor = cursor?;
        let oldest = self.oldest_seq();
        if &cursor.epoch != epoch {
            return Some((Some(Gap { reason: GapReason::EpochChanged, next_seq: oldest, missed: None }), 0));
        }
        if cursor.seq.saturating_add(1) >= oldest {
            return Some((None, cursor.seq));
        }
        Some((Some(Gap { reason: GapReason::TooOld, next_seq: oldest, missed: Some(oldest - cursor.seq - 1) }), 0))
    }
}

#[cfg(test)]
mod tests;
