//! Alerts on the hub (issue 17): the edges around the pure `pulse_alerts` crate.
//!
//! - `tap`: every host's hub hands each frame to a bounded channel (never waits).
//! - `engine`: one task evaluates every rule on every host (frames, host statuses,
//!   a tick each second) and writes states, past alerts and notifications to
//!   `alerts.db` (`db`) before anything is sent. The states it shares with the API
//!   are laid out by host and rule position (`states`).
//! - `sender`: delivers the outbox as signed Standard Webhooks over `http`, which
//!   refuses private addresses (`address`) unless `--webhook-allow-private`; with
//!   `--redis`, in step with the fleet's outbox (`sender/fleet`).
//! - `rules_file`: `--alerts FILE`, read again on change and on SIGHUP.
//! - `rules_store`: the set in force: the file's rules, those admins make in the UI
//!   and the mutes, merged; the API's changes go through it (with `--redis` the UI's
//!   rules and mutes are the fleet's, in Redis).
//! - `live`: the pending and firing alerts as one stream message, published by the
//!   engine when the set changes, for every stream that asks (`alerts=REV`).
//!
//! [`Alerts`] is what the rest of the hub holds: the fleet's watchers, and what
//! `GET /api/v1/alerts` and `/api/v1/alerts/deliveries` answer.

pub mod address;
pub mod db;
pub mod engine;
pub mod http;
pub mod live;
pub mod rules_file;
pub mod rules_store;
pub mod sender;
pub mod states;
pub mod tap;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use pulse_alerts::retry::Schedule;
use pulse_alerts::rules::Rules;
use pulse_alerts::state::Phase;
use pulse_alerts::Severity;
use pulse_protocol::alerts::{Alert, AlertSeverity, AlertState, Delivery, DeliveryStatus};
use tokio::sync::{mpsc, watch, Notify};

use crate::config::Config;
use crate::fleet::Fleet;
use crate::hub::watcher::Watcher;
use crate::redis::alert_rules::Snapshot;
use crate::redis::FleetAlerts;
use db::Db;
use engine::{Engine, States};
use rules_store::RulesStore;
use tap::{Seen, Taps};

/// The most past alerts and delivery-log rows an answer lists.
pub const LIST_LIMIT: usize = 1_000;

/// Alerts, as the hub holds them.
pub struct Alerts {
    /// Every rule's state on every host (pending, firing, resolved are listed).
    states: States,
    /// The alerts file; none when alerts are off or it could not be opened.
    db: Option<Arc<Db>>,
    /// The taps' sending end (none when alerts are off).
    taps: Option<Arc<Taps>>,
    /// The rule set in force and its sources (none when alerts are off).
    store: Option<Arc<RulesStore>>,
    /// What the tasks need, taken when they start.
    parts: Mutex<Option<Parts>>,
    /// The live alerts every stream that asks is sent.
    live: live::Publisher,
}

/// What [`Alerts::spawn`] starts the tasks with.
struct Parts {
    db: Arc<Db>,
    frames: mpsc::Receiver<Seen>,
    rules: Arc<Rules>,
    file: std::path::PathBuf,
    client: http::Client,
    schedule: Schedule,
    base_url: String,
    wake: Arc<Notify>,
}

impl Alerts {
    /// Alerts off: no rules file.
    pub fn off() -> Arc<Alerts> {
        Arc::new(Alerts {
            states: States::default(),
            db: None,
            taps: None,
            store: None,
            parts: Mutex::new(None),
            live: live::Publisher::off(),
        })
    }

    /// Alerts as `config` asks: off without `--alerts`; otherwise the rules file
    /// read (its problems logged), `alerts.db` opened in the data directory (in
    /// memory without one) and its states restored. Starts no task (see
    /// [`Alerts::spawn`]).
    pub fn open(config: &Config) -> Arc<Alerts> {
        let Some(file) = config.alerts.clone() else { return Alerts::off() };
        let (rules, read) = rules_file::first(&file);
        let dir = config.data_dir();
        let db = match Db::open(dir.as_deref()) {
            Ok(db) => db,
            Err(error) => {
                tracing::error!("{error}; alerts are kept in memory only until it is fixed");
                match Db::open(None) {
                    Ok(db) => db,
                    Err(error) => {
                        tracing::error!("alerts are off: {error}");
                        return Alerts::off();
                    }
                }
            }
        };
        let db = Arc::new(db);
        let wake = Arc::new(Notify::new());
        let store =
            Arc::new(RulesStore::open(Arc::clone(&db), Arc::clone(&rules), Arc::clone(&wake), base_url(config)));
        let set = store.current();
        let mut states = BTreeMap::new();
        match db.states() {
            Ok(stored) => states.extend(stored.into_iter().filter(|((rule, _), _)| !read || set.rule(rule).is_some())),
            Err(error) => tracing::error!("{error}; rule states start afresh"),
        }
        let live = live::Publisher::new(live::collect(&states, &set), crate::hub::now_ms());
        let (taps, frames) = Taps::new();
        let tls = match crate::agent::tls::connector(None) {
            Ok(tls) => Some(tls),
            Err(error) => {
                tracing::warn!("webhooks to https:// URLs will fail: {error}");
                None
            }
        };
        let parts = Parts {
            db: Arc::clone(&db),
            frames,
            rules,
            file,
            client: http::Client { allow_private: config.webhook_allow_private, tls },
            schedule: Schedule::with_horizon(config.webhook_horizon),
            base_url: base_url(config),
            wake,
        };
        Arc::new(Alerts {
            states: Arc::new(Mutex::new(states::Table::new(states, &set))),
            db: Some(db),
            taps: Some(taps),
            store: Some(store),
            parts: Mutex::new(Some(parts)),
            live,
        })
    }

    /// The live alerts, for a stream to send and follow.
    pub fn live(&self) -> tokio::sync::watch::Receiver<Arc<live::Snapshot>> {
        self.live.subscribe()
    }

    /// Host `id`'s frame watcher (none when alerts are off).
    pub fn watcher(&self, id: &str) -> Option<Arc<dyn Watcher>> {
        self.taps.as_ref().map(|taps| taps.tap(id))
    }

    /// Has every host of `fleet` made from now on watched.
    pub fn watch(&self, fleet: &Fleet) {
        if let Some(taps) = &self.taps {
            fleet.watch_with(taps.watchers());
        }
    }

    /// The rules made in the UI and the mutes `alerts.db` kept (none when off).
    pub fn local_rules(&self) -> Snapshot {
        self.store.as_ref().map(|store| store.local()).unwrap_or_default()
    }

    /// Starts the file watcher, the engine and the sender (once; nothing when off);
    /// with `shared` (`--redis`) notifications are queued only while its gate lets
    /// them, sent from the fleet's outbox, and the UI's rules and mutes are the fleet's.
    pub fn spawn(&self, fleet: Arc<Fleet>, shared: Option<FleetAlerts<db::Queued>>) {
        let parts = self.parts.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
        let (Some(parts), Some(store)) = (parts, self.store.clone()) else { return };
        let (gate, outbox) = match shared {
            Some(FleetAlerts { gate, outbox, rules }) => {
                store.share(rules);
                (Some(Arc::clone(&gate)), Some(sender::fleet::FleetOutbox::new(outbox, gate)))
            }
            None => (None, None),
        };
        let (file_tx, mut file_rx) = watch::channel(Arc::clone(&parts.rules));
        rules_file::spawn(parts.file, file_tx);
        let forwarded = Arc::clone(&store);
        tokio::spawn(async move {
            while file_rx.changed().await.is_ok() {
                let rules = Arc::clone(&file_rx.borrow_and_update());
                forwarded.file_changed(rules);
            }
        });
        let wake = parts.wake;
        let mut engine = Engine::new(
            store.current(),
            Some(store.subscribe()),
            Arc::clone(&self.states),
            Arc::clone(&parts.db),
            Arc::clone(&wake),
            parts.base_url,
            fleet,
        );
        engine.live = Some(self.live.clone());
        engine.gate = gate;
        tokio::spawn(engine.run(parts.frames));
        let sender = sender::Sender {
            db: parts.db,
            rules: store.subscribe(),
            wake,
            client: parts.client,
            schedule: parts.schedule,
            fleet: outbox,
        };
        tokio::spawn(sender.run());
    }

    /// The current alerts (pending, firing, resolved not yet back to ok), then with
    /// `history` the past ones, newest first.
    pub fn list(&self, history: bool) -> Vec<Alert> {
        let mut alerts: Vec<Alert> = engine::lock(&self.states)
            .iter()
            .filter_map(|((rule, host), state)| {
                let phase = match state.phase {
                    Phase::Ok => return None,
                    Phase::Pending => AlertState::Pending,
                    Phase::Firing => AlertState::Firing,
                    Phase::Resolved => AlertState::Resolved,
                };
                Some(Alert {
                    rule: rule.clone(),
                    host: host.clone(),
                    state: phase,
                    severity: state.severity.map(severity),
                    since: state.since_ms as i64,
                    value: state.last_value,
                    until: None,
                })
            })
            .collect();
        if let (true, Some(db)) = (history, &self.db) {
            match db.past(LIST_LIMIT) {
                Ok(past) => alerts.extend(past.into_iter().map(|row| Alert {
                    rule: row.rule,
                    host: row.host,
                    state: AlertState::Resolved,
                    severity: row.severity.as_deref().and_then(Severity::from_name).map(severity),
                    since: row.since,
                    value: row.value,
                    until: Some(row.until),
                })),
                Err(error) => tracing::error!("alerts: cannot read past alerts: {error}"),
            }
        }
        alerts
    }

    /// The rule set in force and its sources; none when alerts are off.
    pub fn store(&self) -> Option<&Arc<RulesStore>> {
        self.store.as_ref()
    }

    /// The delivery log, newest first.
    pub fn deliveries(&self) -> Result<Vec<Delivery>, db::DbError> {
        let Some(db) = &self.db else { return Ok(Vec::new()) };
        Ok(db
            .log(LIST_LIMIT)?
            .into_iter()
            .map(|row| Delivery {
                status: match row.status.as_str() {
                    "delivered" => DeliveryStatus::Delivered,
                    "failed" => DeliveryStatus::Failed,
                    "disabled" => DeliveryStatus::Disabled,
                    _ => DeliveryStatus::Pending,
                },
                id: row.id,
                webhook: row.webhook,
                rule: row.rule,
                host: row.host,
                kind: row.kind,
                attempts: row.attempts,
                last_error: row.last_error,
                next_attempt: row.next_attempt,
                created: row.created,
            })
            .collect())
    }
}

fn severity(severity: Severity) -> AlertSeverity {
    match severity {
        Severity::Warning => AlertSeverity::Warning,
        Severity::Critical => AlertSeverity::Critical,
    }
}

/// The hub's page, which notifications link to: `--public-url`'s origin, else the
/// listening address.
fn base_url(config: &Config) -> String {
    match &config.public_url {
        Some(url) => format!("{}/", url.origin),
        None => {
            let scheme = if config.tls_cert.is_some() { "https" } else { "http" };
            format!("{scheme}://{}/", config.listen)
        }
    }
}
