//! Several hubs as one (`--redis`): each host's frames in a Redis stream of its own,
//! which every hub follows, so every hub serves every host.
//!
//! A hub appends the frames its agents push (`append`, through a bounded
//! [`outbox`]) with a script that keeps a frame only if it is newer than the
//! stream's last (`scripts`), so a sample two hubs write is stored once. Every hub
//! reads every host's stream (`follow`) and ingests its frames into that host's
//! local [`Hub`](crate::hub::Hub) exactly as if an agent had pushed them (the
//! streams of its own agents' hosts are not read: their frames reach it first).
//! One agent per host across the fleet: its link holds a claim key with a short TTL
//! (`claim`); the hub's own host is shared the same way ([`own`]). Without Redis, a
//! hub keeps serving its own agents' hosts, queues their frames, and says so in
//! `/healthz` and to its pages ([`health`]). Alerts are evaluated and sent by one
//! hub at a time, the holder of a lease ([`lease`]), from one outbox the fleet
//! shares ([`deliveries`]), with the rules and mutes made in the UI shared too
//! ([`alert_rules`]). A host's hours are sealed into the store by the hub that
//! holds its claim and adopted by the others ([`seals`]). A host an admin removes
//! is removed from every hub ([`forget`]). Users, sessions, API tokens and share
//! links are the fleet's too ([`access`]).

pub mod access;
pub mod alert_rules;
pub mod append;
pub mod claim;
pub mod deliveries;
pub mod follow;
pub mod forget;
pub mod health;
pub mod keys;
pub mod lease;
pub mod news;
pub mod outbox;
pub mod own;
pub mod scripts;
pub mod seals;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncConnectionConfig, Client};
use pulse_protocol::{Catalog, Epoch};
use sha2::Digest;
use tokio::sync::{watch, Notify};

use crate::config::redis::RedisUrl;
use crate::fleet::{Fleet, FleetError};
use crate::history::SharedFrame;
use crate::hub::Timing;
use health::Health;
use keys::HostMeta;
use lease::gate::Gate;
use lease::Role;
use outbox::{Described, Outbox, Pending};

/// This hub's side of the shared streams.
pub struct Redis {
    shared: Arc<Shared>,
    /// The alerts lease's gate, once alerts asked for it.
    lease: OnceLock<Arc<dyn HasRole>>,
    /// The lease's task, awaited on shutdown so that the lease is released.
    lease_task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

/// What alerts share across the fleet (`T` is a queued notification).
pub struct FleetAlerts<T> {
    /// What the engine asks before it queues notifications.
    pub gate: Arc<Gate<T>>,
    /// The fleet's outbox, fenced by the lease.
    pub outbox: Arc<deliveries::Deliveries>,
    /// The rules and mutes made in the UI.
    pub rules: Arc<alert_rules::SharedRules>,
}

/// A gate's role, whatever it holds.
trait HasRole: Send + Sync {
    fn role(&self) -> Role;
}

impl<T: Send> HasRole for Gate<T> {
    fn role(&self) -> Role {
        Gate::role(self)
    }
}

/// What the appender, the follower and the claims share.
pub struct Shared {
    /// The client, which opens connections.
    client: Client,
    /// Who this hub is in claims and host descriptions (its name and a random tag).
    hub_id: String,
    /// How long streams keep frames, ms.
    window_ms: u64,
    /// Whether Redis answers.
    pub health: Health,
    /// What waits to be written.
    outbox: Mutex<Outbox>,
    /// Wakes the appender.
    wake: Notify,
    /// The appender's connection, once made (claims borrow it).
    conn: Mutex<Option<MultiplexedConnection>>,
    /// The description of each host whose agent is linked here, written again
    /// whenever the appender reconnects (a restarted Redis may have lost it).
    linked: Mutex<BTreeMap<String, Described>>,
    /// The claims this hub holds (its agents' links and its own host's).
    claims: Mutex<claim::book::Book>,
    /// Wakes the claims' renewer (a claim was released).
    claims_wake: Notify,
    /// Turns true when the hub shuts down.
    stop: watch::Receiver<bool>,
}

/// An agent's link as the fleet sees it: its claim, and where its frames go.
pub struct AgentLink {
    shared: Arc<Shared>,
    id: String,
    name: String,
    tags: BTreeMap<String, String>,
    _hold: claim::Hold,
}

/// Why Redis could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    /// The URL did not make a client.
    #[error("cannot use --redis: {0}")]
    Url(String),
}

impl Redis {
    /// Starts appending and following: hosts are made in `fleet` with `timing`
    /// (an agent host's), until `stop` turns true. `name` is the hub's own host name.
    pub fn start(
        url: &RedisUrl,
        window: Duration,
        fleet: Arc<Fleet>,
        timing: Timing,
        stop: watch::Receiver<bool>,
        name: &str,
    ) -> Result<Arc<Redis>, RedisError> {
        let client = Client::open(url.0.as_str()).map_err(|e| RedisError::Url(e.to_string()))?;
        let hub_id = format!("{name}:{:08x}", rand::random::<u32>());
        let shared = Arc::new(Shared {
            client,
            hub_id,
            window_ms: window.as_millis() as u64,
            health: Health::new(),
            outbox: Mutex::new(Outbox::new(outbox::CAPACITY)),
            wake: Notify::new(),
            conn: Mutex::new(None),
            linked: Mutex::new(BTreeMap::new()),
            claims: Mutex::new(claim::book::Book::default()),
            claims_wake: Notify::new(),
            stop,
        });
        tokio::spawn(append::run(Arc::clone(&shared)));
        tokio::spawn(claim::renew::run(Arc::clone(&shared)));
        tokio::spawn(follow::run(Arc::clone(&shared), fleet, timing));
        Ok(Arc::new(Redis { shared, lease: OnceLock::new(), lease_task: Mutex::new(None) }))
    }

    /// Shares the hub's own host (the hub its sampler publishes to) with the other
    /// hubs, through the same claim and stream as an agent's host ([`own`]).
    pub fn share_own(&self, hub: Arc<crate::hub::Hub>) {
        tokio::spawn(own::run(Arc::clone(&self.shared), hub));
    }

    /// The fleet's seals (`persist::share`): this hub publishes the hours it seals
    /// of the hosts it holds the claim of, and reads the others'; a published hour
    /// lives `ttl`.
    pub fn seals(&self, ttl: Duration) -> Arc<seals::Seals> {
        Arc::new(seals::Seals::new(Arc::clone(&self.shared), tokio::runtime::Handle::current(), ttl))
    }

    /// Shares `access`'s users, sessions, tokens and share links with the fleet
    /// ([`access`]).
    pub fn share_access(&self, access: Arc<crate::access::Access>) -> Arc<crate::access::mirror::Mirror> {
        access::start(Arc::clone(&self.shared), access)
    }

    /// What pages are told of this hub's link to Redis (the `hub` stream message),
    /// as it changes.
    pub fn told(&self) -> watch::Receiver<Arc<health::Told>> {
        self.shared.health.told()
    }

    /// `/healthz`'s `redis` field; with alerts, `"alerts"` says this hub's part in
    /// them: `"owner"` (holds the lease), `"follower"` or `"alone"`.
    pub fn health(&self) -> serde_json::Value {
        let mut health = self.shared.health.json();
        if let (Some(lease), Some(fields)) = (self.lease.get(), health.as_object_mut()) {
            fields.insert("alerts".into(), lease.role().name().into());
        }
        health
    }

    /// Starts what alerts share across the fleet (call once, when alerts are on):
    /// competing for the lease, the fenced outbox, and polling the rules and mutes
    /// made in the UI (`local`, what `alerts.db` kept, is given to a Redis that holds
    /// none). A second call gives a gate that always follows.
    pub fn alerts<T: Send + 'static>(&self, local: alert_rules::Snapshot) -> FleetAlerts<T> {
        let gate = Arc::new(Gate::new());
        let epoch = Arc::new(AtomicU64::new(0));
        let shown: Arc<dyn HasRole> = gate.clone();
        if self.lease.set(shown).is_ok() {
            let task = tokio::spawn(lease::run(Arc::clone(&self.shared), Arc::clone(&gate), Arc::clone(&epoch)));
            *self.lease_task.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(task);
        }
        FleetAlerts {
            gate,
            outbox: Arc::new(deliveries::Deliveries::new(Arc::clone(&self.shared), epoch)),
            rules: alert_rules::SharedRules::start(Arc::clone(&self.shared), local),
        }
    }

    /// Once the hub is shutting down: waits (at most [`lease::RELEASE_WAIT`]) for the
    /// alerts lease to be released, so another hub takes it at its next try rather
    /// than when it runs out.
    pub async fn finish(&self) {
        let task = self.lease_task.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        if let Some(task) = task {
            let _ = tokio::time::timeout(lease::RELEASE_WAIT, task).await;
        }
    }

    /// Removes host `id` from every hub of the fleet (`forget`); fails when Redis
    /// does not answer.
    pub async fn forget(&self, id: &str) -> Result<(), ::redis::RedisError> {
        forget::forget(&self.shared, id).await
    }

    /// Claims host `id` for an agent's link across the fleet; refused while an
    /// agent holds it on another hub. While Redis is down the link is taken (this
    /// hub keeps serving), and the claim is made once Redis answers.
    pub async fn claim(&self, id: &str, name: &str, tags: &BTreeMap<String, String>) -> Result<AgentLink, FleetError> {
        let hold = claim::take(&self.shared, id).await.ok_or_else(|| FleetError::HeldElsewhere(name.to_owned()))?;
        Ok(AgentLink {
            shared: Arc::clone(&self.shared),
            id: id.to_owned(),
            name: name.to_owned(),
            tags: tags.clone(),
            _hold: hold,
        })
    }
}

impl AgentLink {
    /// Whether this link's claim is still its own, as the hub's last renewal round
    /// found it: false once another hub took it, true again if regained.
    pub fn held(&self) -> watch::Receiver<bool> {
        self._hold.held()
    }

    /// The agent said `hello`: describes the host to the other hubs.
    pub fn hello(&self, epoch: &Epoch, interval: Duration, catalog: &Catalog) {
        let catalog = serde_json::to_string(catalog).unwrap_or_default();
        let digest = sha2::Sha256::digest(catalog.as_bytes());
        let meta = HostMeta {
            name: self.name.clone(),
            tags: self.tags.clone(),
            epoch: epoch.0.clone(),
            interval_ms: interval.as_millis() as u64,
            catalog: digest.iter().take(8).map(|b| format!("{b:02x}")).collect(),
            hub: self.shared.hub_id.clone(),
        };
        let described = Described { meta: serde_json::to_string(&meta).unwrap_or_default(), catalog };
        self.shared.lock_linked().insert(self.id.clone(), described.clone());
        self.shared.lock_outbox().describe(&self.id, described);
        self.shared.wake.notify_one();
    }

    /// The hub took a new frame of `epoch` from the agent: it goes to the stream.
    pub fn frame(&self, epoch: &Epoch, frame: &SharedFrame) {
        let pending = Pending {
            host: self.id.clone(),
            epoch: epoch.0.clone(),
            seq: frame.frame.seq,
            ts: frame.frame.ts,
            json: frame.json.clone(),
        };
        self.shared.lock_outbox().push(pending);
        self.shared.wake.notify_one();
    }
}

impl Drop for AgentLink {
    fn drop(&mut self) {
        self.shared.lock_linked().remove(&self.id);
    }
}

impl Shared {
    fn lock_linked(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Described>> {
        self.linked.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues the description of every host linked here again.
    fn describe_linked(&self) {
        let linked = self.lock_linked().clone();
        let mut outbox = self.lock_outbox();
        for (id, described) in linked {
            outbox.describe(&id, described);
        }
    }

    fn lock_claims(&self) -> std::sync::MutexGuard<'_, claim::book::Book> {
        self.claims.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn lock_outbox(&self) -> std::sync::MutexGuard<'_, Outbox> {
        self.outbox.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new connection whose commands wait at most `timeout` for an answer.
    async fn connect(&self, timeout: Duration) -> Result<MultiplexedConnection, ::redis::RedisError> {
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(timeout));
        self.client.get_multiplexed_async_connection_with_config(&config).await
    }

    /// The appender's connection, if it has one now.
    fn connection(&self) -> Option<MultiplexedConnection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn set_connection(&self, conn: Option<MultiplexedConnection>) {
        *self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = conn;
    }

    /// Whether the hub is shutting down.
    fn stopping(&self) -> bool {
        *self.stop.borrow()
    }

    /// Waits `delay`, or less when the hub starts shutting down.
    async fn pause(&self, delay: Duration) {
        let mut stop = self.stop.clone();
        let _ = tokio::time::timeout(delay, stop.wait_for(|stopping| *stopping)).await;
    }
}
