//! What this hub still has to write to Redis: its agents' frames, oldest first, and
//! each host's newest description. Bounded by [`CAPACITY`] frames: while Redis is
//! down the oldest go first, and the other hubs see the hole as an explicit gap.
//! Pure: the appender (`super::append`) does the I/O.

use std::collections::{BTreeMap, VecDeque};

use tokio_tungstenite::tungstenite::Utf8Bytes;

/// The most frames kept for Redis: about 18 minutes of 60 agents at 1 Hz, or 6.5 s
/// of 10,000 (a frame's JSON is 0.5–2 KiB, so at most about 128 MiB).
pub const CAPACITY: usize = 65_536;

/// One frame to append.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// Its host.
    pub host: String,
    /// Its epoch.
    pub epoch: String,
    /// Its seq.
    pub seq: u64,
    /// When it was sampled, ms.
    pub ts: i64,
    /// Its JSON, as the hub serialised it (shared with the hub's history).
    pub json: Utf8Bytes,
}

/// A host's description to write (`pulse:hosts`, its catalogue).
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    /// `super::keys::HostMeta` as JSON.
    pub meta: String,
    /// The catalogue's JSON.
    pub catalog: String,
}

/// The queue.
#[derive(Debug, Default)]
pub struct Outbox {
    frames: VecDeque<Pending>,
    described: BTreeMap<String, Described>,
    capacity: usize,
    /// Frames dropped because the queue was full, since the last [`Outbox::dropped`].
    dropped: u64,
}

/// What one round writes.
#[derive(Debug, Default, PartialEq)]
pub struct Batch {
    /// Hosts' descriptions, written before their frames.
    pub described: Vec<(String, Described)>,
    /// Frames, oldest first.
    pub frames: Vec<Pending>,
}

impl Outbox {
    /// An empty queue holding at most `capacity` frames.
    pub fn new(capacity: usize) -> Self {
        Outbox { capacity: capacity.max(1), ..Outbox::default() }
    }

    /// Queues a frame, dropping the oldest when full.
    pub fn push(&mut self, frame: Pending) {
        if self.frames.len() >= self.capacity {
            self.frames.pop_front();
            self.dropped += 1;
        }
        self.frames.push_back(frame);
    }

    /// Queues host `id`'s newest description (replacing one not written yet).
    pub fn describe(&mut self, id: &str, described: Described) {
        self.described.insert(id.to_owned(), described);
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty() && self.described.is_empty()
    }

    /// Takes every waiting description and up to `limit` frames.
    pub fn take(&mut self, limit: usize) -> Batch {
        let described = std::mem::take(&mut self.described).into_iter().collect();
        let frames = self.frames.drain(..limit.min(self.frames.len())).collect();
        Batch { described, frames }
    }

    /// Puts a batch that could not be written back in front, as far as it fits
    /// (a description queued since is newer and kept).
    pub fn put_back(&mut self, batch: Batch) {
        for (id, described) in batch.described {
            self.described.entry(id).or_insert(described);
        }
        for frame in batch.frames.into_iter().rev() {
            if self.frames.len() >= self.capacity {
                self.dropped += 1;
                continue;
            }
            self.frames.push_front(frame);
        }
    }

    /// How many frames were dropped since the last call.
    pub fn dropped(&mut self) -> u64 {
        std::mem::take(&mut self.dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(seq: u64) -> Pending {
        Pending { host: "a".into(), epoch: "e".into(), seq, ts: seq as i64, json: Utf8Bytes::from_static("") }
    }

    fn seqs(batch: &Batch) -> Vec<u64> {
        batch.frames.iter().map(|f| f.seq).collect()
    }

    #[test]
    fn full_queues_drop_the_oldest_and_count_them() {
        let mut outbox = Outbox::new(3);
        (1..=5).for_each(|seq| outbox.push(frame(seq)));
        assert_eq!(outbox.dropped(), 2);
        assert_eq!(outbox.dropped(), 0, "counted once");
        assert_eq!(seqs(&outbox.take(10)), [3, 4, 5]);
        assert!(outbox.is_empty());
    }

    #[test]
    fn a_failed_batch_goes_back_in_front_and_newer_descriptions_win() {
        let mut outbox = Outbox::new(4);
        let old = Described { meta: "old".into(), catalog: String::new() };
        outbox.describe("a", old.clone());
        (1..=3).for_each(|seq| outbox.push(frame(seq)));
        let batch = outbox.take(2);
        assert_eq!(seqs(&batch), [1, 2]);
        assert_eq!(batch.described, [("a".to_owned(), old)]);
        outbox.push(frame(4));
        outbox.describe("a", Described { meta: "new".into(), catalog: String::new() });
        outbox.put_back(batch);
        let again = outbox.take(10);
        assert_eq!(seqs(&again), [1, 2, 3, 4]);
        assert_eq!(again.described[0].1.meta, "new");
    }

    #[test]
    fn putting_back_more_than_fits_drops_the_oldest() {
        let mut outbox = Outbox::new(2);
        (1..=2).for_each(|seq| outbox.push(frame(seq)));
        let batch = outbox.take(2);
        (3..=4).for_each(|seq| outbox.push(frame(seq)));
        outbox.put_back(batch);
        assert_eq!(outbox.dropped(), 2);
        assert_eq!(seqs(&outbox.take(10)), [3, 4]);
    }
}
