//! Reading history back for answers: `width=` pictures and the rows `/history`
//! reaches older than memory for.

use std::sync::Arc;

use pulse_store::StoreError;

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
        let blocks = match self.lock_store().as_ref().map(|s| s.blocks(id, from, to, pulse_store::Select::All)) {
            Some(Ok(blocks)) => blocks,
            Some(Err(error)) => {
                self.failed(&error);
                return Vec::new();
            }
            None => return Vec::new(),
        };
        let mut frames: Vec<pulse_protocol::Frame> = blocks
            .iter()
            .filter(|b| b.epoch == epoch.0)
            .flat_map(|b| keeper::frames_of(b, 0, before_seq.unwrap_or(u64::MAX)))
            .filter(|f| f.ts >= from && f.ts < to)
            .collect();
        frames.sort_by_key(|f| f.seq);
        frames.dedup_by_key(|f| f.seq);
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
