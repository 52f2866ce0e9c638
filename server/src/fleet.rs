//! Every host the hub knows: its own (sampled in-process) and those agents push.
//! Each host has its own [`Hub`] (history, fan-out, epoch), so every transport
//! resumes a host's stream exactly as it resumes the one host of a single server.
//!
//! An agent *claims* its host while its link is open ([`Claim`]); a second live
//! claim on the same id is refused. A host whose agent is gone is `down` but keeps
//! its history and stays listed. When an agent comes back with a new epoch (it
//! restarted), its host gets a new hub with that epoch; clients of the old one are
//! told `bye` and resume on the new one with an explicit `epoch_changed` gap.

pub mod remote;
pub mod status;
pub mod summary;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};

use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{Epoch, HostInfo};

use pulse_store::HostRecord;

use crate::history::SharedFrame;
use crate::hub::watcher::{Watcher, Watchers};
use crate::hub::{Hub, Timing};
use crate::persist::Persist;

/// Why a host could not be used or claimed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FleetError {
    /// No host has this id.
    #[error("no host {}; GET /api/v1/hosts lists them", crate::quote::shown(.0))]
    NoSuchHost(String),
    /// The hub has several hosts and the request named none.
    #[error("this hub has several hosts: name one with host=ID (GET /api/v1/hosts lists them)")]
    HostNeeded,
    /// The hub has no host at all (`--no-local`, and no agent yet) and the request named none.
    #[error("this hub has no host yet: it does not sample its own (--no-local) and no agent has connected")]
    NoHostYet,
    /// An agent claimed the id of the hub's own host.
    #[error("host id {0} is this hub's own host id (the hub samples it itself); give the agent another --name")]
    HubsOwnId(String),
    /// Another agent's link holds this host.
    #[error("host {0} is already connected by another agent; give each agent its own --name")]
    Connected(String),
    /// A removal named the hub's own host, which it samples for as long as it runs.
    #[error("host {0} is this hub's own host and cannot be removed (a hub started with --no-local has none)")]
    OwnHost(String),
    /// A removal named a host whose agent is connected now.
    #[error("host {0} is connected to its agent now; stop that agent first, then remove the host")]
    AgentConnected(String),
    /// An agent holds this host on another hub of the fleet (`--redis`).
    #[error("host {0} is connected to another hub; when that hub stops, its hold runs out within 3 s")]
    HeldElsewhere(String),
}

/// The hosts, in the order they first appeared, and the summary of them all.
pub struct Fleet {
    hosts: RwLock<Vec<Arc<Host>>>,
    /// Numbers claims, so a stale claim never releases a newer one.
    claims: AtomicU64,
    /// The `@fleet` stream ([`summary`]), keyed.
    summary: Arc<Hub>,
    /// The same stream in columns, for pages that ask (`summary/columns`): its
    /// frames have the keyed hub's epoch and seqs, so a cursor means the same.
    summary_columns: Arc<Hub>,
    /// The history store every host's hub keeps its frames in.
    persist: Arc<Persist>,
    /// Makes each host's frame watcher (the alerts engine's), once set.
    watchers: OnceLock<Watchers>,
}

/// One host.
pub struct Host {
    /// Stable id, as `host=` names it.
    pub id: String,
    /// Sampled by the hub itself.
    pub local: bool,
    state: Mutex<HostState>,
    /// Where a new hub of this host keeps its frames.
    persist: Arc<Persist>,
    /// Who a new hub of this host tells of its frames.
    watcher: Option<Arc<dyn Watcher>>,
}

struct HostState {
    name: String,
    tags: BTreeMap<String, String>,
    hub: Arc<Hub>,
    /// The claim holding the host (agents only).
    claimed_by: Option<u64>,
    /// An agent holds the host on another hub of the fleet (`--redis`; see [`remote`]).
    held_elsewhere: bool,
    /// Added by an agent's claim (a new id) and no link has said `hello` for it
    /// since: nothing can have been stored under it, and [`Fleet::forget_unseen`]
    /// forgets it when its link ends.
    unseen: bool,
}

/// An agent's hold on its host while its link is open; dropping it marks the
/// host `down`.
pub struct Claim {
    host: Arc<Host>,
    id: u64,
    timing: Timing,
    /// The name and tags the agent gave, listed once it says `hello` (a link that
    /// never does leaves a known host's listing as it was).
    name: String,
    tags: BTreeMap<String, String>,
}

impl Fleet {
    /// An empty fleet whose summary stream sends heartbeats every `heartbeat`.
    pub fn new(heartbeat: std::time::Duration) -> Arc<Self> {
        Fleet::keeping(heartbeat, Persist::none())
    }

    /// An empty fleet whose hosts keep their history in `persist`.
    pub fn keeping(heartbeat: std::time::Duration, persist: Arc<Persist>) -> Arc<Self> {
        let summary = summary::hub(heartbeat);
        let summary_columns = summary::columns::hub(summary.epoch().clone(), heartbeat);
        Arc::new(Fleet {
            hosts: RwLock::default(),
            claims: AtomicU64::new(0),
            summary: Arc::new(summary),
            summary_columns: Arc::new(summary_columns),
            persist,
            watchers: OnceLock::new(),
        })
    }

    /// Has every host made from now on tell `watchers`' watcher of its frames (set
    /// once, before hosts are restored or claimed).
    pub fn watch_with(&self, watchers: Watchers) {
        let _ = self.watchers.set(watchers);
    }

    /// Host `id`'s frame watcher, if the fleet is watched.
    fn watcher(&self, id: &str) -> Option<Arc<dyn Watcher>> {
        self.watchers.get().map(|make| make(id))
    }

    /// Lists a host the store holds from an earlier run, `down` until its agent
    /// comes back; its hub continues the stored stream (same epoch, next seq).
    pub fn restore(&self, record: &HostRecord, timing: Timing) {
        let tags: BTreeMap<String, String> = record
            .tags
            .split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let epoch = Epoch(record.epoch.clone());
        let newest = (record.newest_seq, record.newest_ts);
        let watcher = self.watcher(&record.id);
        let hub = Hub::restored(record.name.clone(), epoch, timing, newest, true)
            .keeping(self.persist.keeper(&record.id))
            .watched(watcher.clone());
        if let Some(catalog) = Persist::parse_catalog(record) {
            hub.set_catalog(catalog);
        }
        let host =
            Host::new(record.id.clone(), false, record.name.clone(), tags, Arc::new(hub), Arc::clone(&self.persist))
                .watched(watcher);
        let mut hosts = self.write();
        if !hosts.iter().any(|h| h.id == record.id) {
            hosts.push(Arc::new(host));
        }
    }

    /// The hub of the `@fleet` summary stream.
    pub fn summary(&self) -> Arc<Hub> {
        Arc::clone(&self.summary)
    }

    /// The hub of the `@fleet` summary stream in columns.
    pub fn summary_columns(&self) -> Arc<Hub> {
        Arc::clone(&self.summary_columns)
    }

    /// [`Fleet::host_and_hub`] for a stream whose client takes the summary in
    /// columns when `columns` (the `@fleet` stream's columnar hub; any other host's
    /// stream is the same either way).
    pub fn stream_hub(&self, id: Option<&str>, columns: bool) -> Result<(String, Arc<Hub>), FleetError> {
        if columns && id == Some(FLEET_HOST) {
            return Ok((FLEET_HOST.to_owned(), self.summary_columns()));
        }
        self.host_and_hub(id)
    }

    /// Adds the hub's own host.
    pub fn add_local(&self, id: String, hub: Arc<Hub>) {
        let name = hub.host().to_owned();
        self.persist.describe(&id, &name, &BTreeMap::new(), true);
        let host = Host::new(id, true, name, BTreeMap::new(), hub, Arc::clone(&self.persist));
        self.write().push(Arc::new(host));
    }

    /// The hub of host `id` (`@fleet`: the summary's); without an id, the hub's
    /// own host, or the only host.
    pub fn hub(&self, id: Option<&str>) -> Result<Arc<Hub>, FleetError> {
        if id == Some(FLEET_HOST) {
            return Ok(self.summary());
        }
        let hosts = self.read();
        let host = match id {
            Some(id) => hosts.iter().find(|h| h.id == id).ok_or_else(|| FleetError::NoSuchHost(id.to_owned()))?,
            None => match hosts.iter().find(|h| h.local) {
                Some(local) => local,
                None if hosts.len() == 1 => &hosts[0],
                None if hosts.is_empty() => return Err(FleetError::NoHostYet),
                None => return Err(FleetError::HostNeeded),
            },
        };
        Ok(host.hub())
    }

    /// Host `id`'s id and hub, resolved as [`Fleet::hub`] does (`@fleet` is its
    /// own id).
    pub fn host_and_hub(&self, id: Option<&str>) -> Result<(String, Arc<Hub>), FleetError> {
        if id == Some(FLEET_HOST) {
            return Ok((FLEET_HOST.to_owned(), self.summary()));
        }
        let hub = self.hub(id)?;
        let id = match id {
            Some(id) => id.to_owned(),
            None => {
                let hosts = self.read();
                hosts.iter().find(|h| h.local).or_else(|| hosts.first()).map(|h| h.id.clone()).unwrap_or_default()
            }
        };
        Ok((id, hub))
    }

    /// Claims host `id` for an agent's link (adding the host, listed with `name`
    /// and `tags`, if new); refused while another link holds it, and for the hub's
    /// own id. A known host is listed anew only when the link says `hello`
    /// ([`Claim::adopt`]).
    pub fn claim(
        &self,
        id: &str,
        name: String,
        tags: BTreeMap<String, String>,
        timing: Timing,
    ) -> Result<Claim, FleetError> {
        let claim = self.claims.fetch_add(1, Ordering::Relaxed) + 1;
        let mut hosts = self.write();
        let host = match hosts.iter().find(|h| h.id == id) {
            Some(host) => Arc::clone(host),
            None => {
                let hub = Arc::new(Hub::new(name.clone(), timing));
                let persist = Arc::clone(&self.persist);
                let host = Host::new(id.to_owned(), false, name.clone(), tags.clone(), hub, persist);
                let host = Arc::new(host.watched(self.watcher(id)));
                host.lock().unseen = true;
                hosts.push(Arc::clone(&host));
                host
            }
        };
        {
            // Claimed before the fleet's lock is let go, so `remove` never takes a
            // host an agent is about to hold (the lock order is the fleet's, then
            // the host's, as everywhere).
            let mut state = host.lock();
            if host.local {
                return Err(FleetError::HubsOwnId(id.to_owned()));
            }
            if state.claimed_by.is_some() {
                return Err(FleetError::Connected(state.name.clone()));
            }
            state.claimed_by = Some(claim);
            if state.name == name && state.tags == tags {
                self.persist.describe(id, &name, &tags, false);
            }
        }
        drop(hosts);
        Ok(Claim { host, id: claim, timing, name, tags })
    }

    /// Lets `claim` go, then forgets its host if a claim added it and no link
    /// has said `hello` for it since (no frame can have come: `hello` comes
    /// first), so a refused or abandoned link leaves no "down · never seen" host
    /// behind. A host another link holds now, or one listed anew since (found by
    /// identity, not by id), is left as it is.
    pub fn forget_unseen(&self, claim: Claim) {
        let host = Arc::clone(&claim.host);
        drop(claim);
        let hosts = self.write();
        let Some(at) = hosts.iter().position(|listed| Arc::ptr_eq(listed, &host)) else { return };
        let unseen = host.lock().unseen;
        if unseen && removable(&hosts, &host.id).is_ok() {
            self.drop_host(hosts, at);
            tracing::info!(host = %host.id, "a new host whose agent never said hello is not listed");
        }
    }

    /// Forgets host `id` and its history (a machine gone for good); refused while it
    /// is connected (here, or to another hub of the fleet) or is the hub's own. Its
    /// open streams are told `bye` and find it gone when they come back.
    pub fn remove(&self, id: &str) -> Result<(), FleetError> {
        let hosts = self.write();
        let at = removable(&hosts, id)?;
        self.drop_host(hosts, at);
        Ok(())
    }

    /// Whether [`Fleet::remove`] would remove host `id` now, and why not.
    pub fn removable(&self, id: &str) -> Result<(), FleetError> {
        removable(&self.read(), id).map(|_| ())
    }

    /// Takes the host at `at` out of `hosts` (the fleet's, locked), then ends its
    /// streams and forgets its history.
    fn drop_host(&self, mut hosts: std::sync::RwLockWriteGuard<'_, Vec<Arc<Host>>>, at: usize) {
        let host = hosts.remove(at);
        drop(hosts);
        host.hub().begin_shutdown();
        self.persist.forget(&host.id);
    }

    /// Every host as `/api/v1/hosts` lists it, at `now` (ms).
    pub fn list(&self, now: i64) -> Vec<HostInfo> {
        self.read().iter().map(|host| host.info(now)).collect()
    }

    /// Every host as listed at `now`, with its newest frame.
    pub fn newest(&self, now: i64) -> Vec<(HostInfo, Option<Arc<SharedFrame>>)> {
        let hosts: Vec<Arc<Host>> = self.read().clone();
        hosts.iter().map(|host| (host.info(now), host.hub().newest_frame())).collect()
    }

    /// Tells every host's clients, and the summary's, the server is going away.
    pub fn begin_shutdown(&self) {
        for host in self.read().iter() {
            host.hub().begin_shutdown();
        }
        self.summary.begin_shutdown();
        self.summary_columns.begin_shutdown();
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<Host>>> {
        self.hosts.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Vec<Arc<Host>>> {
        self.hosts.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Where host `id` is in `hosts` if it may be removed: not the hub's own, and no
/// agent linked to it here or on another hub.
fn removable(hosts: &[Arc<Host>], id: &str) -> Result<usize, FleetError> {
    let at = hosts.iter().position(|h| h.id == id).ok_or_else(|| FleetError::NoSuchHost(id.to_owned()))?;
    let state = hosts[at].lock();
    if hosts[at].local {
        return Err(FleetError::OwnHost(state.name.clone()));
    }
    if state.claimed_by.is_some() {
        return Err(FleetError::AgentConnected(state.name.clone()));
    }
    if state.held_elsewhere {
        return Err(FleetError::HeldElsewhere(state.name.clone()));
    }
    Ok(at)
}

impl Host {
    fn new(
        id: String,
        local: bool,
        name: String,
        tags: BTreeMap<String, String>,
        hub: Arc<Hub>,
        persist: Arc<Persist>,
    ) -> Self {
        Host {
            id,
            local,
            state: Mutex::new(HostState { name, tags, hub, claimed_by: None, held_elsewhere: false, unseen: false }),
            persist,
            watcher: None,
        }
    }

    /// This host with its hubs' frames told to `watcher`.
    fn watched(mut self, watcher: Option<Arc<dyn Watcher>>) -> Self {
        self.watcher = watcher;
        self
    }

    /// The host's current hub.
    pub fn hub(&self) -> Arc<Hub> {
        Arc::clone(&self.lock().hub)
    }

    fn info(&self, now: i64) -> HostInfo {
        let state = self.lock();
        let connected = self.local || state.claimed_by.is_some() || state.held_elsewhere;
        let interval_ms = state.hub.timing().interval.as_millis() as u64;
        let last_seen = state.hub.newest_ts();
        HostInfo {
            id: self.id.clone(),
            name: state.name.clone(),
            status: status::status(connected, last_seen, now, interval_ms),
            last_seen,
            tags: state.tags.clone(),
            local: self.local,
            interval_ms,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HostState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Claim {
    /// The host's id.
    pub fn id(&self) -> &str {
        &self.host.id
    }

    /// The host's hub now.
    pub fn hub(&self) -> Arc<Hub> {
        self.host.hub()
    }

    /// The hub for frames of the agent's `epoch` sampled every `interval`: the
    /// current one if it has that epoch, else a new one that replaces it (the old
    /// one's clients are told `bye` and resume on the new one). The host is listed
    /// with the agent's name and tags from now on.
    pub fn adopt(&self, epoch: &Epoch, interval: std::time::Duration) -> Arc<Hub> {
        let mut state = self.host.lock();
        state.unseen = false;
        self.list(&mut state);
        if state.hub.epoch() == epoch && state.hub.timing().interval == interval {
            return Arc::clone(&state.hub);
        }
        let timing = Timing { interval, ..self.timing };
        let keeper = self.host.persist.keeper(&self.host.id);
        let hub = Hub::mirror(state.name.clone(), epoch.clone(), timing).keeping(keeper);
        let hub = Arc::new(hub.watched(self.host.watcher.clone()));
        let old = std::mem::replace(&mut state.hub, Arc::clone(&hub));
        drop(state);
        old.begin_shutdown();
        hub
    }
}

impl Claim {
    /// Lists the host with the agent's name and tags (in `state`, its host's,
    /// locked); says so when the agent takes over a host listed under another name.
    fn list(&self, state: &mut HostState) {
        if state.name != self.name {
            tracing::info!(
                host = %self.host.id,
                was = %state.name,
                now = %self.name,
                "an agent took over this host id under another name"
            );
        }
        self.host.persist.describe(&self.host.id, &self.name, &self.tags, false);
        state.name.clone_from(&self.name);
        state.tags.clone_from(&self.tags);
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        {
            let mut state = self.host.lock();
            if state.claimed_by == Some(self.id) {
                state.claimed_by = None;
            }
        }
        // The link is gone, and with it the agent that would replay what a crash
        // lost: what it sent is written now.
        self.host.persist.flush_host(&self.host.id);
        // A host that is down reads no frame into its spare.
        self.host.hub().let_go_spare();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::now_ms;
    use pulse_protocol::HostStatus;
    use std::time::Duration;

    fn timing() -> Timing {
        Timing { interval: Duration::from_secs(1), heartbeat: Duration::from_secs(5), history: Duration::from_secs(60) }
    }

    #[test]
    fn a_host_no_link_ever_greeted_is_forgotten_with_its_last_claim_and_no_other() {
        let fleet = Fleet::new(Duration::from_secs(5));
        let claim = |id: &str| fleet.claim(id, id.into(), BTreeMap::new(), timing()).expect("free");
        let listed = |id: &str| fleet.list(now_ms()).iter().any(|h| h.id == id);
        // A new id whose link ends before hello: gone.
        fleet.forget_unseen(claim("ghost"));
        assert!(!listed("ghost"));
        // One that said hello stays, and so does it after a later link that did not.
        let greeted = claim("web");
        greeted.adopt(&Epoch("e1".into()), Duration::from_secs(1));
        fleet.forget_unseen(greeted);
        fleet.forget_unseen(claim("web"));
        assert!(listed("web"));
        // A second link took the id while the first was ending: the first's end
        // leaves it to the second.
        let first = claim("db");
        let first_host = Arc::clone(&first.host);
        drop(first);
        let second = claim("db");
        fleet.forget_unseen(Claim {
            host: first_host,
            id: 0,
            timing: timing(),
            name: "db".into(),
            tags: BTreeMap::new(),
        });
        assert!(listed("db"), "held by the second link");
        // Two links in turn, neither saying hello: the host goes with the last.
        fleet.forget_unseen(second);
        assert!(!listed("db"));
    }

    #[test]
    fn hosts_are_found_by_id_and_the_local_one_is_the_default() {
        let fleet = Fleet::new(Duration::from_secs(5));
        assert!(fleet.hub(None).is_err(), "no host at all");
        let claim = fleet.claim("web-1", "web 1".into(), BTreeMap::new(), timing()).unwrap();
        assert!(fleet.hub(None).is_ok(), "the only host is the default");
        fleet.add_local("hub".into(), Arc::new(Hub::new("hub".into(), timing())));
        assert_eq!(fleet.hub(None).unwrap().host(), "hub");
        assert_eq!(fleet.hub(Some("web-1")).unwrap().host(), "web 1");
        assert_eq!(fleet.hub(Some("nope")).err(), Some(FleetError::NoSuchHost("nope".into())));
        drop(claim);
    }

    #[test]
    fn one_live_claim_per_host_and_down_hosts_stay_listed() {
        let fleet = Fleet::new(Duration::from_secs(5));
        let first = fleet.claim("db", "db".into(), BTreeMap::new(), timing()).unwrap();
        assert_eq!(
            fleet.claim("db", "db".into(), BTreeMap::new(), timing()).err(),
            Some(FleetError::Connected("db".into()))
        );
        assert_eq!(fleet.list(now_ms())[0].status, HostStatus::Stale, "connected, nothing sampled yet");
        drop(first);
        let listed = fleet.list(now_ms());
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].status, HostStatus::Down);
        let mut tags = BTreeMap::new();
        tags.insert("role".into(), "db".into());
        let again = fleet.claim("db", "db 2".into(), tags, timing()).expect("free again");
        assert_eq!(fleet.list(now_ms())[0].name, "db", "no hello yet: listed as before");
        assert!(fleet.list(now_ms())[0].tags.is_empty());
        again.adopt(&Epoch("e1".into()), Duration::from_secs(1));
        assert_eq!(fleet.list(now_ms())[0].tags["role"], "db");
        assert_eq!(fleet.list(now_ms())[0].name, "db 2");
        drop(again);
    }

    #[test]
    fn a_new_epoch_gets_a_new_hub_and_the_old_one_says_bye() {
        let fleet = Fleet::new(Duration::from_secs(5));
        let claim = fleet.claim("a", "a".into(), BTreeMap::new(), timing()).unwrap();
        let first = claim.adopt(&Epoch("e1".into()), Duration::from_secs(1));
        assert!(Arc::ptr_eq(&first, &claim.adopt(&Epoch("e1".into()), Duration::from_secs(1))));
        let old_shutdown = first.shutdown_signal();
        let second = claim.adopt(&Epoch("e2".into()), Duration::from_secs(1));
        assert_eq!(second.epoch(), &Epoch("e2".into()));
        assert!(*old_shutdown.borrow(), "clients of the old epoch are told to come back");
        assert!(Arc::ptr_eq(&second, &fleet.hub(Some("a")).unwrap()));
    }
}
