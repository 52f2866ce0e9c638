//! One host's [`Keeper`]: the store as its hub sees it.

use std::sync::{Arc, Mutex};

use pulse_protocol::{Catalog, Epoch, Frame};
use pulse_store::Block;

use super::{pending, Persist, Waiting};
use crate::hub::Keeper;

/// The store for host `id`.
pub struct HostKeeper {
    persist: Arc<Persist>,
    id: String,
    /// What the keeper remembers of the host's frames before.
    memo: Mutex<Memo>,
}

/// What a host's keeper remembers between frames (only its hub's ingest takes it).
#[derive(Default)]
struct Memo {
    /// The decimals of the host's series, for its next block (`pending::Known`).
    known: pending::Known,
    /// The catalogue last noted in the store's state ([`Persist::catalog`]): a
    /// frame of the same one (nearly all of them) skips the lookup of the host's
    /// entry there, a cold one on a hub of thousands of hosts. Only this keeper
    /// notes this host's catalogue, and nothing takes an entry out again.
    noted: Option<Arc<Catalog>>,
}

impl Memo {
    /// Notes `catalog` in `state` unless it is the one noted last.
    fn note(&mut self, state: &mut super::State, id: &str, catalog: &Arc<Catalog>) {
        if !self.noted.as_ref().is_some_and(|noted| Arc::ptr_eq(noted, catalog)) {
            Persist::catalog(state, id, catalog);
            self.noted = Some(Arc::clone(catalog));
        }
    }
}

impl HostKeeper {
    /// The keeper of host `id`.
    pub fn new(persist: Arc<Persist>, id: String) -> Self {
        HostKeeper { persist, id, memo: Mutex::default() }
    }
}

impl Keeper for HostKeeper {
    fn keep(&self, epoch: &Epoch, frame: &Frame, catalog: &Arc<Catalog>, durable: bool) {
        // Only this host's frames take it, one at a time: never waited for.
        let mut memo = self.memo.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if durable {
            memo.note(&mut self.persist.lock_state(), &self.id, catalog);
            let mut blocks = Vec::with_capacity(1);
            pending::append(&mut blocks, &mut pending::Shape::default(), &mut memo.known, &epoch.0, frame, catalog);
            drop(memo);
            self.persist.write_now(&self.id, blocks);
        } else {
            let mut state = self.persist.lock_state();
            memo.note(&mut state, &self.id, catalog);
            let known = &mut memo.known;
            match state.pending.get_mut(&self.id) {
                Some(waiting) => {
                    pending::append(&mut waiting.blocks, &mut waiting.shape, known, &epoch.0, frame, catalog);
                }
                None => {
                    let mut waiting = Waiting::new();
                    pending::append(&mut waiting.blocks, &mut waiting.shape, known, &epoch.0, frame, catalog);
                    state.pending.insert(self.id.clone(), waiting);
                }
            }
        }
    }

    fn stored(&self, epoch: &Epoch) -> Option<u64> {
        if !self.persist.is_open() {
            return None;
        }
        let state = self.persist.lock_state();
        Some(state.stored.get(&self.id).filter(|(e, ..)| *e == epoch.0).map_or(0, |&(_, seq, _)| seq))
    }

    fn recall(&self, epoch: &Epoch, after: u64, before: u64, limit: usize) -> Vec<Frame> {
        let blocks = self.persist.read(|store| store.latest(&self.id, limit.saturating_mul(2)));
        let mut frames = frames_in(&blocks, epoch, after, before);
        let extra = frames.len().saturating_sub(limit);
        frames.drain(..extra);
        frames
    }
}

/// The rows of `blocks` in `epoch` with `after < seq < before`, as frames in seq
/// order, each seq once (the store keeps values, not process tables).
pub(super) fn frames_in(blocks: &[Block], epoch: &Epoch, after: u64, before: u64) -> Vec<Frame> {
    let mut frames: Vec<Frame> =
        blocks.iter().filter(|b| b.epoch == epoch.0).flat_map(|b| frames_of(b, after, before)).collect();
    frames.sort_by_key(|f| f.seq);
    frames.dedup_by_key(|f| f.seq);
    frames
}

/// The rows of `block` with `after < seq < before`, as frames.
fn frames_of(block: &Block, after: u64, before: u64) -> impl Iterator<Item = Frame> + '_ {
    (0..block.len()).filter_map(move |row| {
        let seq = block.first_seq + row as u64;
        (seq > after && seq < before).then(|| Frame {
            seq,
            ts: block.ts[row],
            host: String::new(),
            values: block
                .columns
                .iter()
                .filter_map(|c| c.values.get(row).filter(|v| v.is_finite()).map(|&v| (c.id.clone(), v)))
                .collect(),
            top: Vec::new(),
            columns: None,
        })
    })
}
