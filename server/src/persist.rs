//! The hub's side of the history store: every host's frames go to disk in small
//! segments (the hub's own host before anyone sees a frame; agents' hosts every
//! [`FLUSH_EVERY`], acknowledged to the agent only once stored), segments are
//! sealed into chunks with their rollups as time passes, and retention and caps
//! are enforced. When the store cannot be opened or written, the hub says so in
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

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use pulse_protocol::Catalog;
use pulse_store::{Block, HostRecord, Store, StoreError, Tiers};

pub use keeper::HostKeeper;

/// How often agents' frames are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// How often segments are sealed into chunks.
const SEAL_EVERY: Duration = Duration::from_secs(10);
/// How often retention and caps are enforced.
const ENFORCE_EVERY: Duration = Duration::from_secs(60);
/// Hosts sealed per round (so a round stays short at ten thousand hosts).
const SEALS_PER_ROUND: usize = 500;
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
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Frames waiting for the next flush, per host id.
    pending: BTreeMap<String, Vec<Block>>,
    /// Per host id: name, tags, whether local.
    hosts: HashMap<String, (String, String, bool)>,
    /// Per host id: the epoch, seq and time of its newest stored frame.
    stored: HashMap<String, (String, u64, i64)>,
    /// Per host id: the oldest time not yet sealed.
    unsealed: HashMap<String, i64>,
    /// Per host id: its catalogue, and as stored.
    catalogs: HashMap<String, (Catalog, String)>,
    /// The last error, so it is said once rather than every flush.
    failing: Option<String>,
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
        let persist = Persist { store: Mutex::new(store), state: Mutex::default() };
        if let Ok(hosts) = persist.hosts() {
            let mut state = persist.lock_state();
            for host in hosts {
                state.hosts.insert(host.id.clone(), (host.name.clone(), host.tags.clone(), host.local));
                state.stored.insert(host.id.clone(), (host.epoch.clone(), host.newest_seq, host.newest_ts));
                if let Ok(catalog) = serde_json::from_str::<Catalog>(&host.catalog) {
                    state.catalogs.insert(host.id.clone(), (catalog, host.catalog.clone()));
                }
                state.unsealed.insert(host.id, i64::MIN);
            }
        }
        Arc::new(persist)
    }

    /// A store that keeps nothing (memory only).
    pub fn none() -> Arc<Persist> {
        Arc::new(Persist { store: Mutex::new(None), state: Mutex::default() })
    }

    /// Whether a store is open.
    pub fn is_open(&self) -> bool {
        self.lock_store().is_some()
    }

    /// Notes host `id`'s catalogue, when it changed, to be stored with its next
    /// frames.
    fn catalog(state: &mut State, id: &str, catalog: &Catalog) {
        if state.catalogs.get(id).is_none_or(|(known, _)| known != catalog) {
            let json = serde_json::to_string(catalog).unwrap_or_else(|_| String::from("{\"series\":[]}"));
            state.catalogs.insert(id.to_owned(), (catalog.clone(), json));
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
            state.hosts.remove(id);
        }
        if let Some(store) = self.lock_store().as_mut() {
            if let Err(error) = store.forget(id) {
                tracing::error!(host = %id, "history store: could not forget the host: {error}");
            }
        }
    }

    /// Writes every host's waiting frames now.
    pub fn flush(&self) {
        let pending = std::mem::take(&mut self.lock_state().pending);
        let hosts: Vec<(String, Vec<Block>)> = pending.into_iter().collect();
        for batch in hosts.chunks(HOSTS_PER_WRITE) {
            if !self.write_batch(batch) {
                return;
            }
        }
    }

    /// Writes one host's frames now (the hub's own host, before it publishes).
    fn write_now(&self, id: &str, blocks: Vec<Block>) {
        self.write_batch(&[(id.to_owned(), blocks)]);
    }

    /// Writes `batch` in one transaction; what fails waits for the next flush.
    /// Returns false when there is no store.
    fn write_batch(&self, batch: &[(String, Vec<Block>)]) -> bool {
        let (records, segments) = self.prepare(batch);
        let result = match self.lock_store().as_mut() {
            Some(store) => store.write(&records, &segments),
            None => return false,
        };
        match result {
            Ok(()) => self.stored(&records),
            Err(error) => {
                self.failed(&error);
                self.requeue(batch);
            }
        }
        true
    }

    fn prepare(&self, batch: &[(String, Vec<Block>)]) -> (Vec<HostRecord>, Vec<(String, Block)>) {
        let state = self.lock_state();
        let mut records = Vec::with_capacity(batch.len());
        let mut segments = Vec::new();
        for (id, blocks) in batch {
            let Some(last) = blocks.iter().rev().find(|b| !b.is_empty()) else { continue };
            let (name, tags, local) =
                state.hosts.get(id).cloned().unwrap_or_else(|| (id.clone(), String::new(), false));
            let catalog =
                state.catalogs.get(id).map_or_else(|| String::from("{\"series\":[]}"), |(_, json)| json.clone());
            records.push(HostRecord {
                id: id.clone(),
                name,
                tags,
                local,
                epoch: last.epoch.clone(),
                newest_seq: last.last_seq(),
                newest_ts: last.ts.last().copied().unwrap_or(0),
                catalog,
            });
            segments.extend(blocks.iter().filter(|b| !b.is_empty()).map(|b| (id.clone(), b.clone())));
        }
        (records, segments)
    }

    fn stored(&self, records: &[HostRecord]) {
        let mut state = self.lock_state();
        let cleared = state.failing.take();
        for record in records {
            state.stored.insert(record.id.clone(), (record.epoch.clone(), record.newest_seq, record.newest_ts));
            state.unsealed.entry(record.id.clone()).or_insert(i64::MIN);
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
    fn requeue(&self, batch: &[(String, Vec<Block>)]) {
        let mut state = self.lock_state();
        for (id, blocks) in batch {
            let newer = state.pending.remove(id).unwrap_or_default();
            let mut all: Vec<Block> = blocks.iter().cloned().chain(newer).collect();
            while pending::rows(&all) > MAX_PENDING && all.len() > 1 {
                all.remove(0);
            }
            state.pending.insert(id.clone(), all);
        }
    }

    fn lock_store(&self) -> MutexGuard<'_, Option<Store>> {
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
