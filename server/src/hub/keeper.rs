//! What a hub asks of the history store, without knowing it: keep every frame,
//! say what is safely stored, and give back frames older than memory holds. The
//! store's side is `persist`; a hub without a keeper lives in memory only.

use std::sync::Arc;

use pulse_protocol::{Catalog, Epoch, Frame};

/// The store, as one host's hub sees it.
pub trait Keeper: Send + Sync {
    /// Keeps a frame of `epoch` (its series described by `catalog`, shared with the
    /// hub: a keeper notices a new one by pointer before comparing). `durable`:
    /// stored before this returns (the hub's own host, which has no agent to
    /// replay what a crash loses); otherwise within the next flush.
    fn keep(&self, epoch: &Epoch, frame: &Frame, catalog: &Arc<Catalog>, durable: bool);

    /// The newest seq of `epoch` safely stored (what an agent is acknowledged).
    fn stored(&self, epoch: &Epoch) -> Option<u64>;

    /// The stored frames of `epoch` with `after < seq < before`, oldest first, at
    /// most `limit` of them (the newest ones when there are more).
    fn recall(&self, epoch: &Epoch, after: u64, before: u64, limit: usize) -> Vec<Frame>;
}
