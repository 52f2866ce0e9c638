//! Reading history back for answers: `width=` pictures and the rows `/history`
//! reaches older than memory for.

use std::sync::Arc;

use pulse_store::{Store, StoreError};

use super::{keeper, picture, Persist};

impl Persist {
    /// Draws a `width=` answer for `window` from `memory`, the hub's recent
    /// frames, and from the store when `stored` (the host's frames are kept) and
    /// there is one.
    pub fn picture(
        &self,
        window: &picture::Window<'_>,
        memory: &[Arc<crate::history::SharedFrame>],
        stored: bool,
    ) -> Result<picture::Answer, StoreError> {
        let store = self.lock_store();
        picture::draw(store.as_ref().filter(|_| stored), window, memory)
    }

    /// What `query` reads from the store; nothing without a store, and nothing
    /// (the error said once) when it fails.
    pub(super) fn read<T>(&self, query: impl FnOnce(&Store) -> Result<Vec<T>, StoreError>) -> Vec<T> {
        let result = match self.lock_store().as_ref() {
            Some(store) => query(store),
            None => return Vec::new(),
        };
        result.unwrap_or_else(|error| {
            self.failed(&error);
            Vec::new()
        })
    }

    /// Host `id`'s stored frames of `epoch` taken in `[from, to)`, oldest first:
    /// the newest run without a hole, ending just before `before_seq` when given
    /// (the first frame memory holds), at most `limit` of them (the newest).
    pub fn frames(
        &self,
        id: &str,
        epoch: &pulse_protocol::Epoch,
        from: i64,
        to: i64,
        before_seq: Option<u64>,
        limit: usize,
    ) -> Vec<pulse_protocol::Frame> {
        let blocks = self.read(|store| store.blocks(id, from, to, pulse_store::Select::All));
        let mut frames = keeper::frames_in(&blocks, epoch, 0, before_seq.unwrap_or(u64::MAX));
        frames.retain(|f| f.ts >= from && f.ts < to);
        // Only a run that ends where memory starts joins it.
        if before_seq.is_some_and(|next| frames.last().is_some_and(|f| f.seq + 1 != next)) {
            return Vec::new();
        }
        let run = frames.windows(2).rposition(|w| w[1].seq != w[0].seq + 1).map_or(0, |at| at + 1);
        let start = run.max(frames.len().saturating_sub(limit));
        frames.drain(..start);
        frames
    }
}
