//! The rule set in force, kept whole and replaced on every change: the rules file's
//! rules (from `rules_file`), the rules admins make in the UI and every rule's mute
//! (both in `alerts.db`), merged by `pulse_alerts::ruleset` (which also states the
//! precedence). The engine and the sender watch it; the API changes it here, each
//! change written to `alerts.db` before it is in force. A UI rule is validated by
//! the file's own reader, so it means the same thing from either source.
//!
//! With `--redis` the UI rules and mutes are the fleet's (`redis/alert_rules`): a
//! change is written to Redis first (refused, 503, when Redis does not answer), and
//! every snapshot Redis gives replaces them here; `alerts.db` keeps a copy, the
//! set in force when the hub starts before Redis answers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use pulse_alerts::rules::{read_rule, table_from_json, Rules};
use pulse_alerts::ruleset::{Change, Refusal, RuleSet, UiRule};
use pulse_alerts::webhook::{test_envelope, TEST_TYPE};
use serde_json::Value;
use tokio::sync::{watch, Notify};

use super::db::{Db, DbError, Queued};
use crate::hub::now_ms;
use crate::redis::alert_rules::{SharedRules, SharedRulesError, Snapshot};

/// The longest name a UI rule may have.
const MAX_NAME: usize = 100;

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The body is malformed: the field and what is wrong with it.
    #[error("`{field}`: {why}")]
    Invalid {
        /// The field (`body` for the whole).
        field: String,
        /// What is wrong.
        why: String,
    },
    /// The change clashes with the rules there are.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// No webhook has that name.
    #[error("no [[webhook]] is called {0:?} in the rules file")]
    NoWebhook(String),
    /// `alerts.db` failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Redis, which holds the fleet's rules and mutes, did not answer.
    #[error("{0}")]
    Redis(String),
}

impl From<SharedRulesError> for StoreError {
    fn from(error: SharedRulesError) -> Self {
        match error {
            SharedRulesError::Taken(name) => StoreError::Refused(Refusal::Taken { name, where_: "made in the UI" }),
            SharedRulesError::Unreachable(_) => StoreError::Redis(error.to_string()),
        }
    }
}

/// What the set is made from.
struct Sources {
    file: Arc<Rules>,
    ui: Vec<UiRule>,
    mutes: BTreeMap<String, u64>,
    /// With `--redis`: the revision of this hub's last change and when it was made;
    /// a snapshot older than it, read in the [`OWN_CHANGE`] after, is not applied
    /// (it was read before the change and would undo it for a moment).
    wrote: Option<(u64, Instant)>,
}

/// How long a change made here outranks older snapshots read meanwhile.
const OWN_CHANGE: Duration = Duration::from_secs(2);

/// The rule set and its sources.
pub struct RulesStore {
    db: Arc<Db>,
    sources: Mutex<Sources>,
    set: watch::Sender<Arc<RuleSet>>,
    /// Wakes the sender when a test is queued.
    outbox: Arc<Notify>,
    /// The hub's page, which a test notification links to.
    base_url: String,
    /// With `--redis`: the fleet's rules and mutes.
    shared: OnceLock<Arc<SharedRules>>,
    /// Held by one change at a time (its check, its write and its taking effect).
    changing: tokio::sync::Mutex<()>,
}

impl RulesStore {
    /// The store over `db`'s UI rules and mutes (an unreadable table is logged, and
    /// none is in force) and the file's `file`.
    pub fn open(db: Arc<Db>, file: Arc<Rules>, outbox: Arc<Notify>, base_url: String) -> RulesStore {
        let ui = db.ui_rules().unwrap_or_else(|error| {
            tracing::error!("{error}; the rules made in the UI are not in force");
            Vec::new()
        });
        let mutes = db.mutes().unwrap_or_else(|error| {
            tracing::error!("{error}; no rule is muted");
            BTreeMap::new()
        });
        let sources = Sources { file, ui, mutes, wrote: None };
        let set = merged(&sources);
        log(&set);
        let (set, _) = watch::channel(Arc::new(set));
        RulesStore {
            db,
            sources: Mutex::new(sources),
            set,
            outbox,
            base_url,
            shared: OnceLock::new(),
            changing: tokio::sync::Mutex::new(()),
        }
    }

    /// The UI rules and mutes in force, as a snapshot (revision 0).
    pub fn local(&self) -> Snapshot {
        let sources = self.lock();
        Snapshot { rev: 0, ui: sources.ui.clone(), mutes: sources.mutes.clone() }
    }

    /// Keeps the UI rules and mutes in Redis from now on (`--redis`): each
    /// snapshot `shared` reads replaces them.
    pub fn share(self: &Arc<Self>, shared: Arc<SharedRules>) {
        let mut read = shared.subscribe();
        if self.shared.set(shared).is_err() {
            return;
        }
        let store = Arc::clone(self);
        tokio::spawn(async move {
            while read.changed().await.is_ok() {
                let snapshot = read.borrow_and_update().clone();
                store.read_from_redis(snapshot);
            }
        });
    }

    /// Redis's rules and mutes at a revision: in force unless older than what is.
    fn read_from_redis(&self, snapshot: Snapshot) {
        let mut sources = self.lock();
        let older = |(rev, at): (u64, Instant)| snapshot.rev < rev && at.elapsed() < OWN_CHANGE;
        if snapshot.rev == 0 || sources.wrote.is_some_and(older) {
            return;
        }
        if sources.ui == snapshot.ui && sources.mutes == snapshot.mutes {
            return;
        }
        if let Err(error) = self.db.replace_rules(&snapshot.ui, &snapshot.mutes) {
            tracing::error!("{error}; the fleet's rules are in force but not kept in alerts.db");
        }
        sources.ui = snapshot.ui;
        sources.mutes = snapshot.mutes;
        if let Some(shared) = self.shared.get() {
            shared.keep(&sources.ui, &sources.mutes, snapshot.rev);
        }
        tracing::info!(
            rev = snapshot.rev,
            rules = sources.ui.len(),
            "alerts: the fleet's rules made in the UI changed"
        );
        let set = merged(&sources);
        log(&set);
        self.set.send_replace(Arc::new(set));
    }

    /// Notes a change this hub made in Redis at revision `rev`.
    fn moved(sources: &mut Sources, rev: Option<u64>) {
        if let Some(rev) = rev {
            sources.wrote = Some((rev, Instant::now()));
        }
    }

    /// The set in force.
    pub fn current(&self) -> Arc<RuleSet> {
        Arc::clone(&self.set.borrow())
    }

    /// Each new set, from now on.
    pub fn subscribe(&self) -> watch::Receiver<Arc<RuleSet>> {
        self.set.subscribe()
    }

    /// The file was read again.
    pub fn file_changed(&self, file: Arc<Rules>) {
        let mut sources = self.lock();
        sources.file = file;
        let set = merged(&sources);
        log(&set);
        self.set.send_replace(Arc::new(set));
    }

    /// Creates a UI rule from a JSON body; its name.
    pub async fn create(&self, body: &Value) -> Result<String, StoreError> {
        let _changing = self.changing.lock().await;
        let rule = self.read(body, None)?;
        self.current().check(Change::Create(&rule.name))?;
        let rev = match self.shared.get() {
            Some(shared) => Some(shared.put(&rule, true).await?),
            None => None,
        };
        self.db.put_rule(&rule, now_ms())?;
        let name = rule.name.clone();
        let mut sources = self.lock();
        Self::moved(&mut sources, rev);
        sources.ui.push(rule);
        self.publish(&sources);
        Ok(name)
    }

    /// Replaces UI rule `name` with a JSON body (which may leave `name` out).
    pub async fn edit(&self, name: &str, body: &Value) -> Result<(), StoreError> {
        let _changing = self.changing.lock().await;
        self.current().check(Change::Edit(name))?;
        let rule = self.read(body, Some(name))?;
        let rev = match self.shared.get() {
            Some(shared) => Some(shared.put(&rule, false).await?),
            None => None,
        };
        self.db.put_rule(&rule, now_ms())?;
        let mut sources = self.lock();
        Self::moved(&mut sources, rev);
        match sources.ui.iter_mut().find(|kept| kept.name == name) {
            Some(kept) => *kept = rule,
            None => sources.ui.push(rule),
        }
        self.publish(&sources);
        Ok(())
    }

    /// Deletes UI rule `name` (and its mute).
    pub async fn delete(&self, name: &str) -> Result<(), StoreError> {
        let _changing = self.changing.lock().await;
        self.current().check(Change::Delete(name))?;
        let rev = match self.shared.get() {
            Some(shared) => Some(shared.delete(name).await?),
            None => None,
        };
        self.db.delete_rule(name)?;
        let mut sources = self.lock();
        Self::moved(&mut sources, rev);
        sources.ui.retain(|kept| kept.name != name);
        sources.mutes.remove(name);
        self.publish(&sources);
        Ok(())
    }

    /// Mutes rule `name` (from the file or the UI) until `until` (ms), or unmutes it.
    pub async fn mute(&self, name: &str, until: Option<u64>) -> Result<(), StoreError> {
        let _changing = self.changing.lock().await;
        self.current().check(Change::Mute(name))?;
        let rev = match self.shared.get() {
            Some(shared) => Some(shared.mute(name, until).await?),
            None => None,
        };
        self.db.set_mute(name, until)?;
        let mut sources = self.lock();
        Self::moved(&mut sources, rev);
        match until {
            Some(until) => sources.mutes.insert(name.to_owned(), until),
            None => sources.mutes.remove(name),
        };
        self.publish(&sources);
        Ok(())
    }

    /// Queues an `alert.test` to webhook `name` in the outbox (the sender signs and
    /// delivers it as any notification, and it shows in the delivery log); its id.
    pub fn test(&self, name: &str) -> Result<String, StoreError> {
        if self.current().webhook(name).is_none() {
            return Err(StoreError::NoWebhook(name.to_owned()));
        }
        let now = now_ms();
        let id = format!("msg_{:032x}", rand::random::<u128>());
        let body = test_envelope(name, &self.base_url, now.max(0) as u64).body();
        let queued = Queued {
            id: id.clone(),
            webhook: name.to_owned(),
            rule: String::new(),
            host: String::new(),
            kind: TEST_TYPE,
            body,
        };
        self.db.write(&[], &[], &[queued], now)?;
        self.outbox.notify_one();
        Ok(id)
    }

    /// A body read as one `[[rule]]` table against the file's webhooks; `name` is the
    /// path's, which the body may leave out but not contradict.
    fn read(&self, body: &Value, name: Option<&str>) -> Result<UiRule, StoreError> {
        let mut body = body.clone();
        if let (Some(name), Value::Object(fields)) = (name, &mut body) {
            match fields.get("name") {
                None | Some(Value::Null) => {
                    fields.insert("name".into(), Value::String(name.to_owned()));
                }
                Some(Value::String(named)) if named == name => {}
                Some(_) => {
                    let why = format!("must be {name:?}, the rule's name in the path (delete and create to rename)");
                    return Err(StoreError::Invalid { field: "name".into(), why });
                }
            }
        }
        let table =
            table_from_json(&body).map_err(|error| StoreError::Invalid { field: error.field, why: error.why })?;
        let set = self.current();
        let rule = read_rule(&table, &set.webhook_names()).map_err(|error| {
            let field = error.problems.iter().find_map(|problem| problem.kind.key()).unwrap_or("rule").to_owned();
            let why = error.problems.iter().map(|problem| problem.kind.to_string()).collect::<Vec<_>>().join("; ");
            StoreError::Invalid { field, why }
        })?;
        let trimmed = rule.name.trim();
        if trimmed.is_empty()
            || trimmed != rule.name
            || rule.name.chars().count() > MAX_NAME
            || rule.name.chars().any(char::is_control)
        {
            let why = format!(
                "a rule's name has 1 to {MAX_NAME} characters, no control characters and no spaces at its ends"
            );
            return Err(StoreError::Invalid { field: "name".into(), why });
        }
        Ok(UiRule { name: rule.name, table })
    }

    fn publish(&self, sources: &Sources) {
        if let (Some(shared), Some((rev, _))) = (self.shared.get(), sources.wrote) {
            shared.keep(&sources.ui, &sources.mutes, rev);
        }
        self.set.send_replace(Arc::new(merged(sources)));
    }

    fn lock(&self) -> MutexGuard<'_, Sources> {
        self.sources.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn merged(sources: &Sources) -> RuleSet {
    RuleSet::merge(&sources.file, &sources.ui, &sources.mutes)
}

/// Says which rules are not in force, and what the merge changed.
fn log(set: &RuleSet) {
    for aside in &set.set_aside {
        tracing::error!(rule = %aside.name, "alert rule not in force: {}", aside.why);
    }
    for note in &set.notes {
        tracing::warn!("alert rules: {note}");
    }
}
