//! Every host's rows written but not sealed yet, held in memory (compactly, as
//! [`pulse_store::Open`]) so that a seal encodes its hour from memory instead of
//! reading the host's segments back. The segments on disk stay the durable copy
//! until the seal commits; this is only the seal's source.
//!
//! Memory holds a host's rows from the time it was first written by this process.
//! A host the store already had may have segments from before a restart that
//! memory never saw: its memory counts as whole only from the next block edge,
//! and seals before that read the segments.

use std::collections::{HashMap, HashSet};

use pulse_store::share::Span;
use pulse_store::{Block, CodecError, Open};

/// The most bytes held for every host together (32 MiB). A host that would
/// pass it is not held, and its seals read its segments back, as after a restart:
/// the rows are on disk either way, so this bounds what sealing costs in memory
/// (about 96 KiB a host at the end of an hour) whatever the fleet's size.
pub const MAX_HELD_BYTES: usize = 32 << 20;

/// The rows not sealed yet, per host.
pub struct Unsealed {
    /// The raw tier's block length: pieces never cross its edges.
    block_ms: i64,
    /// Hosts whose memory may lack rows the store has (restored from the store,
    /// removed, or left out for the cap): held again only from a block edge.
    restored: HashSet<String>,
    /// Per host id: its rows, and the time from which they are all of its
    /// unsealed rows (memory holds every stored row from then on).
    hosts: HashMap<String, (Open, i64)>,
    /// Bytes held for every host.
    held: usize,
    /// The most bytes held ([`MAX_HELD_BYTES`] but in tests).
    cap: usize,
}

impl Unsealed {
    /// Nothing held yet; `restored` are the hosts already in the store.
    pub fn new(block_ms: i64, restored: HashSet<String>) -> Self {
        Unsealed::with_cap(block_ms, restored, MAX_HELD_BYTES)
    }

    /// As [`Unsealed::new`], holding at most `cap` bytes.
    pub fn with_cap(block_ms: i64, restored: HashSet<String>, cap: usize) -> Self {
        Unsealed { block_ms: block_ms.max(1), restored, hosts: HashMap::new(), held: 0, cap }
    }

    /// Notes rows of host `id` that were just stored.
    pub fn push(&mut self, id: &str, block: Block) {
        let Some(&first) = block.ts.first() else { return };
        if !self.hosts.contains_key(id) && self.held >= self.cap {
            self.restored.insert(id.to_owned());
            return;
        }
        let block_ms = self.block_ms;
        let restored = self.restored.contains(id);
        let (open, _) = self.hosts.entry(id.to_owned()).or_insert_with(|| {
            let whole_from = if restored { (first.div_euclid(block_ms) + 1) * block_ms } else { i64::MIN };
            (Open::default(), whole_from)
        });
        let before = open.bytes();
        open.push(block, block_ms);
        self.held = self.held - before + open.bytes();
        if self.held > self.cap {
            self.forget(id);
        }
    }

    /// Host `id`'s rows before `before`, when memory holds all of them since
    /// `sealed_to` (the time its last seal reached); `None` when the segments
    /// must be read instead.
    pub fn rows(&self, id: &str, sealed_to: i64, before: i64) -> Option<Result<Vec<Block>, CodecError>> {
        let (open, whole_from) = self.hosts.get(id)?;
        (*whole_from <= sealed_to).then(|| open.before(before))
    }

    /// The runs of seqs of host `id` before `before`, when memory holds all of them
    /// since `sealed_to` (as [`Unsealed::rows`], from the pieces' headers only).
    pub fn spans(&self, id: &str, sealed_to: i64, before: i64) -> Option<Result<Vec<Span>, CodecError>> {
        let (open, whole_from) = self.hosts.get(id)?;
        (*whole_from <= sealed_to).then(|| open.spans_before(before))
    }

    /// Forgets host `id`'s rows before `before`, now sealed.
    pub fn sealed(&mut self, id: &str, before: i64) {
        let Some((open, _)) = self.hosts.get_mut(id) else { return };
        let held = open.bytes();
        if open.drop_before(before).is_err() {
            // Undecodable rows cannot be sealed from memory: read the segments
            // until memory holds a whole block again.
            self.forget(id);
            return;
        }
        self.held = self.held - held + open.bytes();
    }

    /// Forgets host `id`: its seals read the segments until memory holds a whole
    /// block of it again.
    pub fn forget(&mut self, id: &str) {
        if let Some((open, _)) = self.hosts.remove(id) {
            self.held -= open.bytes();
        }
        self.restored.insert(id.to_owned());
    }

    /// Bytes held for every host.
    pub fn bytes(&self) -> usize {
        self.held
    }
}

#[cfg(test)]
mod tests {
    use pulse_store::Column;

    use super::*;

    const HOUR: i64 = 3_600_000;

    fn rows(first_seq: u64, start: i64, count: usize) -> Block {
        let ts: Vec<i64> = (0..count as i64).map(|i| start + i * 1_000).collect();
        let values = ts.iter().map(|&t| (t % 100) as f64).collect();
        Block { epoch: "e".into(), first_seq, ts, columns: vec![Column { id: "cpu".into(), decimals: 0, values }] }
    }

    #[test]
    fn memory_is_the_seals_source_only_once_it_holds_every_unsealed_row() {
        // (name, host restored from the store, where its last seal reached, memory used)
        let cases = [
            ("a new host, never sealed", false, i64::MIN, true),
            ("a restored host, never sealed since the restart", true, i64::MIN, false),
            ("a restored host, sealed to the block it was first written in", true, HOUR, false),
            ("a restored host, sealed to the next block edge", true, 2 * HOUR, true),
        ];
        for (name, restored, sealed_to, memory) in cases {
            let known: HashSet<String> = if restored { ["h".to_owned()].into() } else { HashSet::new() };
            let mut unsealed = Unsealed::new(HOUR, known);
            unsealed.push("h", rows(1, HOUR + 600_000, 10));
            assert_eq!(unsealed.rows("h", sealed_to, 3 * HOUR).is_some(), memory, "{name}");
        }
        assert!(Unsealed::new(HOUR, HashSet::new()).rows("other", i64::MIN, HOUR).is_none(), "a host never written");
    }

    #[test]
    fn sealed_rows_are_forgotten_and_a_forgotten_host_is_read_from_disk() {
        let mut unsealed = Unsealed::new(HOUR, HashSet::new());
        unsealed.push("h", rows(1, HOUR - 5_000, 10));
        let before = unsealed.rows("h", i64::MIN, HOUR).unwrap().unwrap();
        assert_eq!(before.iter().map(Block::len).sum::<usize>(), 5);
        unsealed.sealed("h", HOUR);
        let after = unsealed.rows("h", HOUR, i64::MAX).unwrap().unwrap();
        assert_eq!(after.iter().map(|b| b.first_seq).collect::<Vec<_>>(), vec![6]);
        unsealed.forget("h");
        unsealed.push("h", rows(11, HOUR + 5_000, 1));
        assert!(unsealed.rows("h", HOUR, 2 * HOUR).is_none(), "its memory is whole only from the next edge");
    }

    #[test]
    fn what_is_held_is_counted_and_capped_and_a_host_left_out_is_read_from_disk() {
        let one = {
            let mut probe = Unsealed::new(HOUR, HashSet::new());
            probe.push("p", rows(1, HOUR, 10));
            probe.bytes()
        };
        assert!(one > 0);
        let mut unsealed = Unsealed::with_cap(HOUR, HashSet::new(), 2 * one);
        unsealed.push("a", rows(1, HOUR, 10));
        unsealed.push("b", rows(1, HOUR, 10));
        assert_eq!(unsealed.bytes(), 2 * one, "two hosts held, counted as they came");
        unsealed.push("c", rows(1, HOUR, 10));
        assert!(unsealed.rows("c", i64::MIN, 2 * HOUR).is_none(), "over the cap: c's seals read the segments");
        assert_eq!(unsealed.bytes(), 2 * one);
        // A held host whose rows pass the cap is let go too, and its bytes with it.
        unsealed.push("a", rows(11, HOUR + 10_000, 10));
        assert!(unsealed.rows("a", i64::MIN, 2 * HOUR).is_none());
        assert_eq!(unsealed.bytes(), one);
        // Sealing gives bytes back; forgetting gives the rest.
        unsealed.sealed("b", 2 * HOUR);
        unsealed.forget("b");
        assert_eq!(unsealed.bytes(), 0);
        // With room again, a host left out is held from its next block edge.
        unsealed.push("c", rows(11, HOUR + 10_000, 10));
        assert!(unsealed.rows("c", HOUR, 3 * HOUR).is_none(), "not whole in the block it was left out of");
        assert!(unsealed.rows("c", 2 * HOUR, 3 * HOUR).is_some(), "whole from the next edge");
    }
}
