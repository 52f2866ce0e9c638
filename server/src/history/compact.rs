//! The older part of a history, kept small: of each frame only its JSON. An agent
//! host's is deflated in blocks of [`BLOCK`] frames (a frame's keys and process
//! names repeat from frame to frame, so a block of 1.1 KB frames packs to about
//! 240 bytes a frame); the fleet summary's is kept as it is ([`Compact::unpacked`]:
//! deflating a frame of every host each second would cost more than it saves, and
//! its parsed values take about twice its JSON). A frame asked for again (a client
//! resuming, `/history`) is parsed back and serialised for every transport as when
//! it arrived: its JSON is the same bytes, so the client cannot tell.

use std::collections::VecDeque;
use std::sync::Arc;

use pulse_protocol::Frame;
use tokio_tungstenite::tungstenite::Utf8Bytes;

use super::{deflate, SharedFrame};

/// Frames deflated together.
pub const BLOCK: usize = 16;

/// Frames oldest first, numbered without holes: sealed blocks, then the frames
/// waiting to fill the next one.
#[derive(Debug)]
pub struct Compact {
    /// Sealed blocks, oldest first.
    blocks: VecDeque<Block>,
    /// The newest frames, not yet sealed (fewer than [`BLOCK`] when packing;
    /// every frame when not).
    pending: VecDeque<Pending>,
    /// Whether frames are deflated in blocks.
    packing: bool,
}

impl Default for Compact {
    /// Frames deflated in blocks of [`BLOCK`].
    fn default() -> Self {
        Compact { blocks: VecDeque::new(), pending: VecDeque::new(), packing: true }
    }
}

/// [`BLOCK`] frames' JSON, one per line, deflated.
#[derive(Debug)]
struct Block {
    first_seq: u64,
    /// When its newest frame was sampled (a `/history?from=` skips older blocks).
    last_ts: i64,
    count: usize,
    packed: deflate::Packed,
}

#[derive(Debug)]
struct Pending {
    seq: u64,
    ts: i64,
    json: Utf8Bytes,
}

impl Compact {
    /// Frames kept as their JSON, each on its own, never deflated.
    pub fn unpacked() -> Self {
        Compact { packing: false, ..Compact::default() }
    }

    /// Adds the newest frame (the one after the newest held).
    pub fn push(&mut self, frame: &SharedFrame) {
        let pending = Pending { seq: frame.frame.seq, ts: frame.frame.ts, json: frame.json.clone() };
        self.pending.push_back(pending);
        if self.packing && self.pending.len() >= BLOCK {
            self.seal();
        }
    }

    /// How many frames are held.
    pub fn held(&self) -> usize {
        self.blocks.iter().map(|block| block.count).sum::<usize>() + self.pending.len()
    }

    /// The oldest seq held.
    pub fn oldest_seq(&self) -> Option<u64> {
        self.blocks.front().map(|block| block.first_seq).or_else(|| self.pending.front().map(|p| p.seq))
    }

    /// Drops the oldest blocks (frames, when not packing) while at least `keep`
    /// frames would stay.
    pub fn trim(&mut self, keep: usize) {
        let mut held = self.held();
        while let Some(oldest) = self.blocks.front() {
            if held - oldest.count < keep {
                break;
            }
            held -= oldest.count;
            self.blocks.pop_front();
        }
        if !self.packing {
            while held > keep && self.pending.pop_front().is_some() {
                held -= 1;
            }
        }
    }

    /// Forgets every frame.
    pub fn clear(&mut self) {
        self.blocks.clear();
        self.pending.clear();
    }

    /// The frames with `seq > after` and `ts >= from`, oldest first, rebuilt.
    pub fn frames(&self, after: u64, from: i64) -> Vec<Arc<SharedFrame>> {
        let mut out = Vec::new();
        for block in &self.blocks {
            let last_seq = block.first_seq + block.count as u64 - 1;
            if last_seq <= after || block.last_ts < from {
                continue;
            }
            let Some(text) = deflate::unpack(&block.packed) else {
                tracing::error!(
                    first_seq = block.first_seq,
                    "a history block did not inflate; its frames are left out"
                );
                continue;
            };
            for (seq, line) in (block.first_seq..).zip(text.split('\n')) {
                if seq > after {
                    out.extend(self.rebuild(line, from));
                }
            }
        }
        for pending in self.pending.iter().filter(|p| p.seq > after && p.ts >= from) {
            out.extend(self.rebuild(pending.json.as_str(), from));
        }
        out
    }

    /// One frame from its JSON, serialised again for every transport.
    fn rebuild(&self, json: &str, from: i64) -> Option<Arc<SharedFrame>> {
        match serde_json::from_str::<Frame>(json) {
            Ok(frame) if frame.ts >= from => Some(Arc::new(SharedFrame::from_json(frame, json))),
            Ok(_) => None,
            Err(error) => {
                tracing::error!(%error, "a frame kept in history did not parse; it is left out");
                None
            }
        }
    }

    /// Deflates the pending frames into a block.
    fn seal(&mut self) {
        let (Some(first), Some(last)) = (self.pending.front(), self.pending.back()) else { return };
        let mut text = String::with_capacity(self.pending.iter().map(|p| p.json.len() + 1).sum());
        for (index, pending) in self.pending.iter().enumerate() {
            if index > 0 {
                text.push('\n');
            }
            text.push_str(pending.json.as_str());
        }
        let block =
            Block { first_seq: first.seq, last_ts: last.ts, count: self.pending.len(), packed: deflate::pack(&text) };
        self.blocks.push_back(block);
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests;
