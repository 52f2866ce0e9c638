//! The hub's side of the history store: every host's frames go to disk in small
//! segments (the hub's own host before anyone sees a frame; agents' hosts every
//! [`FLUSH_EVERY`], acknowledged to the agent only once stored), each hour's
//! rows are sealed into a chunk with their rollups from the copy held in memory
//! (`unsealed`), and retention and caps are enforced. When the store cannot be opened or written, the hub says so in
//! one line and goes on serving live data from memory.
//!
//! What a crash loses: a `kill -9` loses at most the agents' frames of the last
//! flush, which they replay from their buffers (the hub acknowledged only what was
//! stored); the hub's own host loses nothing it published.

mod keeper;
pub mod pending;
pub mod picture;
mod read;
mod rounds;
pub mod share;
mod unsealed;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use pulse_protocol::Catalog;
use pulse_store::block::into_runs;
use pulse_store::tier::RAW;
use pulse_store::{Block, HostRecord, Store, StoreError, Tiers};

pub use keeper::HostKeeper;
use share::SealShare;
use unsealed::Unsealed;

/// How long an agent host's frames wait before they are written: each host's
/// own clock, so ten thousand hosts' writes spread over the interval instead of
/// landing at once.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// How often the store's thread looks for hosts due to be written.
const TICK: Duration = Duration::from_millis(250);
/// How often segments are sealed into chunks.
const SEAL_EVERY: Duration = Duration::from_secs(1);
/// How often retention and caps are enforced.
const ENFORCE_EVERY: Duration = Duration::from_secs(60);
/// Hosts sealed or adopted per round, a round a second (a round stays short;
/// with `--redis` hosts that only wait for their owner's seal do not count, so
/// ten thousand hosts are sealed or adopted within about 200 rounds of a block's
/// end, plus the grace and whatever wait their owners' seals take).
const SEALS_PER_ROUND: usize = 50;
/// With `--redis`, hosts looked at per round (owned ones first): each not owned
/// costs a key in one `MGET`.
const LOOKS_PER_ROUND: usize = 1_024;
/// Chunks deleted per enforcement round for caps.
const CAP_BUDGET: usize = 1_024;
/// Hosts written per transaction, so the hub's own host never waits long.
const HOSTS_PER_WRITE: usize = 1_000;
/// Rows a host may have waiting while the store fails (an hour at 1 Hz): beyond,
/// the oldest go (the agent still has them, and the hub's memory window too).
const MAX_PENDING: usize = 3_600;

/// The store, what waits to be written, and what is safely stored.
pub struct Persist {
    store: Mutex<Option<Store>>,
    /// Whether the store opened (asked on the hub's thread, which must not wait for
    /// the store's lock while a write holds it).
    open: bool,
    state: Mutex<State>,
    /// Rows written and not sealed yet, the seals' source (locked after `store`,
    /// never before it, so a write and its rows in memory are one step for a seal).
    unsealed: Mutex<Unsealed>,
    /// The raw tier's block length: segments are cut at its edges.
    block_ms: i64,
    /// With `--redis`: what seals share with the other hubs, and how long (ms) a
    /// hub waits for a host's owner to seal an hour before it seals by itself.
    share: OnceLock<(Arc<dyn SealShare>, i64)>,
    /// Hours sealed here, adopted from their owner, and published.
    counts: Counts,
}

/// How this hub's seals went (`/healthz`, with `--redis`).
#[derive(Default)]
struct Counts {
    sealed: AtomicU64,
    adopted: AtomicU64,
    /// Hours Redis took (counted when the `SET` succeeded).
    published: Arc<AtomicU64>,
}

#[derive(Default)]
struct State {
    /// Frames waiting to be written, per host id: hashed, not a tree, since every
    /// frame looks its host up (a tree of thousands of hosts compared a dozen cold
    /// ids a frame); a flush writes the due hosts in id order all the same.
    pending: HashMap<String, Waiting>,
    /// Per host id: name, tags, whether local.
    hosts: HashMap<String, (String, String, bool)>,
    /// Per host id: the epoch, seq and time of its newest stored frame.
    stored: HashMap<String, (String, u64, i64)>,
    /// Per host id: the oldest time not yet sealed.
    unsealed: HashMap<String, i64>,
    /// Per host id waiting for its owner's seal (`share`): when to look again, ms.
    look_again: HashMap<String, i64>,
    /// Per host id: its catalogue (the hub's own `Arc`), and whether the store
    /// has it yet.
    catalogs: HashMap<String, (Arc<Catalog>, bool)>,
    /// The last error, so it is said once rather than every flush.
    failing: Option<String>,
}

/// One host's frames waiting to be written, and since when.
pub(crate) struct Waiting {
    blocks: Vec<Block>,
    /// The last block's columns, for the next frame (`pending::Shape`).
    shape: pending::Shape,
    since: Instant,
}

impl Waiting {
    fn new() -> Self {
        Waiting { blocks: Vec::new(), shape: pending::Shape::default(), since: Instant::now() }
    }
}

impl Persist {
    /// Opens the store in `dir`; when it cannot, says why in one line and keeps
    /// history in memory only.
    pub fn open(dir: &Path, tiers: Tiers) -> Arc<Persist> {
        let store = match Store::open(dir, tiers) {
            Ok(store) => {
                tracing::info!(path = %store.path().display(), "history store open");
                Some(store)
            }
            Err(error) => {
                tracing::error!(
                    "history store unavailable in {}: {error}; serving live data from memory only",
                    dir.display()
                );
                None
            }
        };
        let open = store.is_some();
        let restored: HashSet<String> = match &store {
            Some(store) => store.hosts().map(|hosts| hosts.into_iter().map(|h| h.id).collect()).unwrap_or_default(),
            None => HashSet::new(),
        };
        let block_ms = tiers.0[RAW].block_ms;
        let unsealed = Mutex::new(Unsealed::new(block_ms, restored));
        let persist = Persist {
            store: Mutex::new(store),
            open,
            state: Mutex::default(),
            unsealed,
            block_ms,
            share: OnceLock::new(),
            counts: Counts::default(),
        };
        if let Ok(hosts) = persist.hosts() {
            let mut state = persist.lock_state();
            for host in hosts {
                state.hosts.insert(host.id.clone(), (host.name.clone(), host.tags.clone(), host.local));
                state.stored.insert(host.id.clone(), (host.epoch.clone(), host.newest_seq, host.newest_ts));
                if let Ok(catalog) = serde_json::from_str::<Catalog>(&host.catalog) {
                    state.catalogs.insert(host.id.clone(), (Arc::new(catalog), true));
                }
                state.unsealed.insert(host.id, i64::MIN);
            }
        }
        Arc::new(persist)
    }

    /// A store that keeps nothing (memory only).
    pub fn none() -> Arc<Persist> {
        let block_ms = Tiers::default().0[RAW].block_ms;
        let unsealed = Mutex::new(Unsealed::new(block_ms, HashSet::new()));
        Arc::new(Persist {
            store: Mutex::new(None),
            open: false,
            state: Mutex::default(),
            unsealed,
            block_ms,
            share: OnceLock::new(),
            counts: Counts::default(),
        })
    }

    /// Shares seals with the other hubs (`--redis`, once): this hub seals and
    /// publishes the hosts it owns, and adopts the others' hours, waiting at most
    /// `wait` past each hour (and [`share::GRACE_MS`]) before it seals by itself.
    pub fn share_seals(&self, share: Arc<dyn SealShare>, wait: Duration) {
        let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
        let _ = self.share.set((share, wait_ms));
    }

    /// `/healthz`'s account of this hub's seals: hours `sealed` here, `adopted`
    /// from their owner, and `published` for the others.
    pub fn seal_counts(&self) -> serde_json::Value {
        let count = |c: &AtomicU64| c.load(Ordering::Relaxed);
        serde_json::json!({
            "sealed": count(&self.counts.sealed),
            "adopted": count(&self.counts.adopted),
            "published": count(&self.counts.published),
        })
    }

    /// Whether a store is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Notes host `id`'s catalogue, when it changed, to be stored with its next
    /// frames.
    fn catalog(state: &mut State, id: &str, catalog: &Arc<Catalog>) {
        let known = state.catalogs.get(id).is_some_and(|(known, _)| Arc::ptr_eq(known, catalog) || known == catalog);
        if !known {
            state.catalogs.insert(id.to_owned(), (Arc::clone(catalog), false));
        }
    }

    /// The stored catalogue of a host, as [`HostRecord::catalog`] holds it.
    pub fn parse_catalog(record: &HostRecord) -> Option<Catalog> {
        serde_json::from_str(&record.catalog).ok()
    }

    /// Every host the store holds, as it was last written.
    pub fn hosts(&self) -> Result<Vec<HostRecord>, StoreError> {
        self.lock_store().as_ref().map_or(Ok(Vec::new()), Store::hosts)
    }

    /// The keeper of host `id` for its hub.
    pub fn keeper(self: &Arc<Self>, id: &str) -> Arc<HostKeeper> {
        Arc::new(HostKeeper::new(Arc::clone(self), id.to_owned()))
    }

    /// Names host `id` (its name, tags as `k=v,…` and whether it is the hub's own).
    pub fn describe(&self, id: &str, name: &str, tags: &BTreeMap<String, String>, local: bool) {
        let tags = tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        self.lock_state().hosts.insert(id.to_owned(), (name.to_owned(), tags, local));
    }

    /// Forgets host `id` and its history.
    pub fn forget(&self, id: &str) {
        {
            let mut state = self.lock_state();
            state.pending.remove(id);
            state.stored.remove(id);
            state.unsealed.remove(id);
            state.look_again.remove(id);
            state.hosts.remove(id);
        }
        let mut store = self.lock_store();
        self.lock_unsealed().forget(id);
        if let Some(store) = store.as_mut() {
            if let Err(error) = store.forget(id) {
                tracing::error!(host = %id, "history store: could not forget the host: {error}");
            }
        }
    }

    /// Writes every host's waiting frames now.
    pub fn flush(&self) {
        self.flush_due(None);
    }

    /// Writes host `id`'s waiting frames now (its agent is gone: nobody would
    /// replay them after a crash).
    pub fn flush_host(&self, id: &str) {
        let waiting = self.lock_state().pending.remove(id);
        if let Some(waiting) = waiting {
            self.write_batch(vec![(id.to_owned(), waiting.blocks)]);
        }
    }

    /// Writes the frames of every host that has waited [`FLUSH_EVERY`] by `now`
    /// (every host when `None`), a thousand hosts per transaction.
    pub fn flush_due(&self, now: Option<Instant>) {
        let due: Vec<(String, Vec<Block>)> = {
            let mut state = self.lock_state();
            // Both vectors sized before they are filled, as `write_batch`'s.
            let mut ids: Vec<String> = Vec::with_capacity(state.pending.len());
            ids.extend(
                state
                    .pending
                    .iter()
                    .filter(|(_, w)| now.is_none_or(|now| now.duration_since(w.since) >= FLUSH_EVERY))
                    .map(|(id, _)| id.clone()),
            );
            ids.sort_unstable();
            let mut due = Vec::with_capacity(ids.len());
            due.extend(ids.into_iter().filter_map(|id| state.pending.remove(&id).map(|w| (id, w.blocks))));
            due
        };
        let mut due = due.into_iter().peekable();
        while due.peek().is_some() {
            let batch: Vec<(String, Vec<Block>)> = due.by_ref().take(HOSTS_PER_WRITE).collect();
            if !self.write_batch(batch) {
                return;
            }
        }
    }

    /// Writes one host's frames now (the hub's own host, before it publishes).
    fn write_now(&self, id: &str, blocks: Vec<Block>) {
        self.write_batch(vec![(id.to_owned(), blocks)]);
    }

    /// Writes `batch` in one transaction, as segments cut at block edges (so a
    /// seal from memory deletes whole segments); what is stored joins the rows
    /// held for sealing, what fails waits for the next flush. Returns false when
    /// there is no store.
    fn write_batch(&self, batch: Vec<(String, Vec<Block>)>) -> bool {
        let records = self.records(&batch);
        let block_ms = self.block_ms;
        // Sized for a block a host, as nearly every flush is: collected from the
        // flat map alone, the vector grew by doubling into fresh pages every
        // flush (1.6 % of the hub's time, most of it page faults).
        let mut segments: Vec<(String, Block)> = Vec::with_capacity(batch.len());
        segments.extend(batch.into_iter().flat_map(|(id, blocks)| {
            into_runs(blocks, block_ms).into_iter().filter(|b| !b.is_empty()).map(move |b| (id.clone(), b))
        }));
        let mut store = self.lock_store();
        let result = match store.as_mut() {
            Some(store) => store.write(&records, &segments),
            None => return false,
        };
        match result {
            Ok(()) => {
                let mut unsealed = self.lock_unsealed();
                for (id, block) in segments {
                    unsealed.push(&id, block);
                }
                drop(unsealed);
                drop(store);
                self.stored(&records);
            }
            Err(error) => {
                drop(store);
                self.failed(&error);
                self.requeue(segments);
            }
        }
        true
    }

    /// The host records to write with `batch`: names, tags and the newest frame;
    /// the catalogue only when the store does not have it yet (`""` keeps it).
    fn records(&self, batch: &[(String, Vec<Block>)]) -> Vec<HostRecord> {
        let state = self.lock_state();
        batch
            .iter()
            .filter_map(|(id, blocks)| {
                let last = blocks.iter().rev().find(|b| !b.is_empty())?;
                let (name, tags, local) =
                    state.hosts.get(id).cloned().unwrap_or_else(|| (id.clone(), String::new(), false));
                let catalog = match state.catalogs.get(id) {
                    Some((catalog, false)) => serde_json::to_string(&**catalog).unwrap_or_default(),
                    _ => String::new(),
                };
                Some(HostRecord {
                    id: id.clone(),
                    name,
                    tags,
                    local,
                    epoch: last.epoch.clone(),
                    newest_seq: last.last_seq(),
                    newest_ts: last.ts.last().copied().unwrap_or(0),
                    catalog,
                })
            })
            .collect()
    }

    fn stored(&self, records: &[HostRecord]) {
        let mut state = self.lock_state();
        let cleared = state.failing.take();
        for record in records {
            // A known host's entries are updated in place: no id or epoch is
            // copied for them, as every flush of every host would.
            match state.stored.get_mut(&record.id) {
                Some((epoch, seq, ts)) => {
                    if *epoch != record.epoch {
                        epoch.clone_from(&record.epoch);
                    }
                    (*seq, *ts) = (record.newest_seq, record.newest_ts);
                }
                None => {
                    let newest = (record.epoch.clone(), record.newest_seq, record.newest_ts);
                    state.stored.insert(record.id.clone(), newest);
                }
            }
            if !state.unsealed.contains_key(&record.id) {
                state.unsealed.insert(record.id.clone(), i64::MIN);
            }
            if !record.catalog.is_empty() {
                if let Some((_, written)) = state.catalogs.get_mut(&record.id) {
                    *written = true;
                }
            }
        }
        drop(state);
        if cleared.is_some() {
            tracing::info!("history store: writing again");
        }
    }

    fn failed(&self, error: &StoreError) {
        let line = error.to_string();
        let mut state = self.lock_state();
        if state.failing.as_deref() != Some(line.as_str()) {
            tracing::error!("history store: {line}; serving live data from memory");
            state.failing = Some(line);
        }
    }

    /// Puts frames that could not be written back in front of newer ones,
    /// keeping at most [`MAX_PENDING`] rows per host.
    fn requeue(&self, segments: Vec<(String, Block)>) {
        let mut state = self.lock_state();
        let mut failed: BTreeMap<String, Vec<Block>> = BTreeMap::new();
        for (id, block) in segments {
            failed.entry(id).or_default().push(block);
        }
        for (id, mut blocks) in failed {
            let newer = state.pending.remove(&id);
            let since = newer.as_ref().map_or_else(Instant::now, |w| w.since);
            blocks.extend(newer.into_iter().flat_map(|w| w.blocks));
            while pending::rows(&blocks) > MAX_PENDING && blocks.len() > 1 {
                blocks.remove(0);
            }
            state.pending.insert(id, Waiting { blocks, shape: pending::Shape::default(), since });
        }
    }

    fn lock_store(&self) -> MutexGuard<'_, Option<Store>> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_unsealed(&self) -> MutexGuard<'_, Unsealed> {
        self.unsealed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Bytes of rows held in memory for sealing.
    pub fn unsealed_bytes(&self) -> usize {
        self.lock_unsealed().bytes()
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests;
