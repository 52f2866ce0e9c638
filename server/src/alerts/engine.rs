//! The engine task: the only place rules are evaluated. It takes every host's
//! frames from the taps, the hosts' status (read from the fleet once a second,
//! with their names and tags) and a tick once a second, and moves each rule on each
//! host with `pulse_alerts::state::step`. What a round changes (states, past alerts,
//! notifications) is written to `alerts.db` in one transaction, and only then is
//! the sender woken: a notification is on disk before it is first sent.
//!
//! The rules come from `rules_store` (the file's and the UI's, merged), and so
//! does each rule's mute, which every state of the rule takes before its next input.
//!
//! A state is written when its phase, severity or what the receivers were told
//! changes, not on every sample (the count toward `for` starts again after a
//! restart, as after any gap).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use pulse_alerts::rules::{Condition, Rule};
use pulse_alerts::ruleset::RuleSet;
use pulse_alerts::state::{self, Event, HostStatus, Input, Phase, State};
use pulse_alerts::webhook::{id_of, type_name, Envelope, Subject};
use pulse_protocol::HostStatus as WireStatus;
use tokio::sync::{mpsc, watch, Notify};

use super::db::{Db, Episode, Key, Queued};
use super::live::Publisher;
use super::states::{Entry, Table};
use super::tap::Seen;
use crate::fleet::Fleet;
use crate::hub::now_ms;
use crate::redis::lease::gate::Gate;

/// How often statuses are read and every state ticked.
const TICK: Duration = Duration::from_secs(1);

/// The most frames taken in one round (one transaction).
const ROUND: usize = 4_096;

/// Every rule's state on every host, shared with the API.
pub type States = Arc<Mutex<Table>>;

/// Locks `states`.
pub fn lock(states: &States) -> MutexGuard<'_, Table> {
    states.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What the engine knows of a host.
struct HostMeta {
    name: String,
    tags: BTreeMap<String, String>,
    status: Option<HostStatus>,
}

/// What one round changed, to be written at once.
#[derive(Default)]
struct Round {
    states: Vec<(Key, Option<State>)>,
    episodes: Vec<Episode>,
    queued: Vec<Queued>,
}

/// The engine's state (owned by its task).
pub struct Engine {
    /// The rules in force (the file's and the UI's, with their mutes).
    pub rules: Arc<RuleSet>,
    /// New rule sets from `rules_store` (none without one).
    pub updates: Option<watch::Receiver<Arc<RuleSet>>>,
    /// The states, shared with the API.
    pub states: States,
    /// The alerts file.
    pub db: Arc<Db>,
    /// Wakes the sender.
    pub outbox: Arc<Notify>,
    /// The hub's page, for the links in notifications (`…/?host=ID`).
    pub base_url: String,
    /// Every host, for statuses, names and tags.
    pub fleet: Arc<Fleet>,
    /// Where the live alerts are published when a round moved a state (none: not).
    pub live: Option<Publisher>,
    /// With `--redis`, the alerts lease: only its holder queues notifications.
    pub gate: Option<Arc<Gate<Queued>>>,
    hosts: HashMap<String, HostMeta>,
    /// What could not be written yet (the file failed), written before the next round.
    unwritten: Option<Round>,
    /// The last write error logged, so a failing disk is said once, not every second.
    failing: Option<String>,
}

impl Engine {
    /// An engine over `states` (restored from `db`).
    pub fn new(
        rules: Arc<RuleSet>,
        updates: Option<watch::Receiver<Arc<RuleSet>>>,
        states: States,
        db: Arc<Db>,
        outbox: Arc<Notify>,
        base_url: String,
        fleet: Arc<Fleet>,
    ) -> Engine {
        lock(&states).lay_out(&rules);
        Engine {
            rules,
            updates,
            states,
            db,
            outbox,
            base_url,
            fleet,
            live: None,
            gate: None,
            hosts: HashMap::new(),
            unwritten: None,
            failing: None,
        }
    }

    /// Runs until the taps are gone.
    pub async fn run(mut self, mut frames: mpsc::Receiver<Seen>) {
        let mut ticks = tokio::time::interval(TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let mut round = Round::default();
            let watching = self.updates.is_some();
            tokio::select! {
                seen = frames.recv() => {
                    let Some(seen) = seen else { return };
                    self.frame(&seen, &mut round);
                    for _ in 1..ROUND {
                        let Ok(seen) = frames.try_recv() else { break };
                        self.frame(&seen, &mut round);
                    }
                }
                _ = ticks.tick() => self.tick(&mut round),
                changed = changed(&mut self.updates), if watching => match changed {
                    Some(rules) => self.reload(rules, &mut round),
                    None => self.updates = None,
                },
            }
            let moved = !round.states.is_empty();
            self.commit(round);
            if moved {
                self.publish();
            }
        }
    }

    /// Publishes the pending and firing alerts (the publisher drops an unchanged set).
    fn publish(&self) {
        let Some(live) = &self.live else { return };
        let alerts = super::live::collect(lock(&self.states).iter(), &self.rules);
        live.publish(alerts, now_ms());
    }

    /// One frame: every threshold rule that applies to its host. The host's
    /// states are found once; each rule's is then its slot (no key compared), and
    /// a key is made only for a state not seen before.
    fn frame(&mut self, seen: &Seen, round: &mut Round) {
        let host: &str = &seen.host;
        if !self.hosts.contains_key(host) {
            self.refresh_hosts(round);
        }
        let at_ms = seen.frame.frame.ts.max(0) as u64;
        let rules = Arc::clone(&self.rules);
        let meta = self.hosts.get(host);
        let mut states = lock(&self.states);
        for (rule, slot) in rules.rules.iter().zip(states.slots(host).iter_mut()) {
            let Condition::Threshold(threshold) = &rule.condition else { continue };
            if !applies(rule, host, meta) {
                continue;
            }
            let value = seen.frame.frame.values.get(&threshold.series).copied();
            let input = Input::Sample { at_ms, value };
            match slot {
                Some(entry) => self.move_state(&mut entry.state, &entry.key, input, rule, round),
                None if value.is_none() => {}
                None => {
                    let key = (rule.name.clone(), host.to_owned());
                    let mut state = State::new(at_ms);
                    self.move_state(&mut state, &key, input, rule, round);
                    *slot = Some(Entry { key, state });
                }
            }
        }
    }

    /// Once a second: statuses, then every state's tick (reminders, status rules' `for`).
    fn tick(&mut self, round: &mut Round) {
        self.refresh_hosts(round);
        let now = now_ms().max(0) as u64;
        let rules = Arc::clone(&self.rules);
        let by_name: HashMap<&str, &Rule> = rules.rules.iter().map(|rule| (rule.name.as_str(), rule)).collect();
        lock(&self.states).for_each_placed(|key, state| {
            if let Some(rule) = by_name.get(key.0.as_str()) {
                self.move_state(state, key, Input::Tick { now_ms: now }, rule, round);
            }
        });
    }

    /// Reads the fleet: names, tags, and each status change as an input. A host
    /// the fleet no longer lists (an admin removed it) takes its states with it.
    fn refresh_hosts(&mut self, round: &mut Round) {
        let now = now_ms();
        let mut changed = Vec::new();
        let listed = self.fleet.list(now);
        let gone: Vec<String> =
            self.hosts.keys().filter(|id| !listed.iter().any(|info| &info.id == *id)).cloned().collect();
        if !gone.is_empty() {
            let mut states = lock(&self.states);
            for id in gone {
                self.hosts.remove(&id);
                for key in states.remove_host(&id) {
                    round.states.push((key, None));
                }
            }
        }
        for info in listed {
            let status = match info.status {
                WireStatus::Up => HostStatus::Up,
                WireStatus::Stale => HostStatus::Stale,
                WireStatus::Down => HostStatus::Down,
            };
            let meta = self.hosts.entry(info.id.clone()).or_insert_with(|| HostMeta {
                name: info.name.clone(),
                tags: BTreeMap::new(),
                status: None,
            });
            meta.name = info.name;
            meta.tags = info.tags;
            if meta.status != Some(status) {
                meta.status = Some(status);
                changed.push((info.id, status));
            }
        }
        if changed.is_empty() {
            return;
        }
        let at_ms = now.max(0) as u64;
        let rules = Arc::clone(&self.rules);
        let mut states = lock(&self.states);
        for (host, status) in changed {
            for rule in &rules.rules {
                if !self.applies(rule, &host) {
                    continue;
                }
                let key = (rule.name.clone(), host.clone());
                let status_rule = matches!(rule.condition, Condition::Status { .. });
                if states.contains_key(&key) || (status_rule && status != HostStatus::Up) {
                    self.apply(&mut states, &key, Input::Status { at_ms, status }, rule, round);
                }
            }
        }
    }

    /// New rules: states of rules gone, or whose series or kind changed, are
    /// forgotten; those of edited rules are judged again at once.
    fn reload(&mut self, new: Arc<RuleSet>, round: &mut Round) {
        let old = std::mem::replace(&mut self.rules, Arc::clone(&new));
        let now = now_ms().max(0) as u64;
        let mut states = lock(&self.states);
        states.lay_out(&new);
        for key in states.keys() {
            let Some(rule) = new.rule(&key.0) else {
                states.remove(&key);
                round.states.push((key, None));
                continue;
            };
            let before = old.rule(&key.0);
            let known = self.hosts.contains_key(&key.1);
            if before.is_some_and(|before| !same_kind(before, rule)) || (known && !self.applies(rule, &key.1)) {
                states.remove(&key);
                round.states.push((key, None));
            } else if before != Some(rule) {
                self.apply(&mut states, &key, Input::Edited { at_ms: now }, rule, round);
            } else if old.muted_until(&key.0, now) != new.muted_until(&key.0, now) {
                // Muted or unmuted: `apply` takes the new mute before this tick.
                self.apply(&mut states, &key, Input::Tick { now_ms: now }, rule, round);
            }
        }
        // A status rule new to a host that is away already starts now, not at the
        // host's next change.
        for rule in new.rules.iter().filter(|rule| matches!(rule.condition, Condition::Status { .. })) {
            for (host, meta) in &self.hosts {
                let Some(status) = meta.status.filter(|status| *status != HostStatus::Up) else { continue };
                let key = (rule.name.clone(), host.clone());
                if !states.contains_key(&key) && self.applies(rule, host) {
                    self.apply(&mut states, &key, Input::Status { at_ms: now, status }, rule, round);
                }
            }
        }
    }

    /// Moves one state by one input, noting what changed in `round`. The state is
    /// judged where it lies (one lookup; the key is cloned only for a new state).
    fn apply(&self, states: &mut Table, key: &Key, input: Input, rule: &Rule, round: &mut Round) {
        match states.get_mut(key) {
            Some(state) => self.move_state(state, key, input, rule, round),
            None => {
                let mut state = State::new(input.at_ms());
                self.move_state(&mut state, key, input, rule, round);
                states.insert(key.clone(), state);
            }
        }
    }

    /// [`Engine::apply`] on the state itself. The rule's mute in the set, if the
    /// state does not have it yet, is an input first.
    fn move_state(&self, state: &mut State, key: &Key, input: Input, rule: &Rule, round: &mut Round) {
        let mut events = Vec::new();
        let mut current = state.clone();
        let at = input.at_ms();
        let muted = self.rules.muted_until(&rule.name, at);
        if current.muted_until_ms.filter(|until| at < *until) != muted {
            let (next, told) = state::step(current, Input::Mute { at_ms: at, until_ms: muted }, rule);
            current = next;
            events.extend(told);
        }
        let (next, more) = state::step(current, input, rule);
        events.extend(more);
        let old = std::mem::replace(state, next);
        let new = &*state;
        if old.phase == Phase::Firing && new.phase == Phase::Resolved {
            round.episodes.push(Episode {
                rule: key.0.clone(),
                host: key.1.clone(),
                severity: old.severity.map(|severity| severity.as_str()),
                since: old.firing_since_ms.unwrap_or(old.since_ms) as i64,
                until: new.since_ms as i64,
                value: new.last_value,
            });
        }
        if !events.is_empty() || !same_phase(&old, new) {
            round.states.push((key.clone(), Some(new.clone())));
        }
        for event in &events {
            self.queue(rule, &key.1, event, round);
        }
    }

    /// One notification of `event` per webhook the rule notifies.
    fn queue(&self, rule: &Rule, host: &str, event: &Event, round: &mut Round) {
        let host_name = self.hosts.get(host).map_or(host, |meta| meta.name.as_str());
        let url = format!("{}?host={}", self.base_url, percent_encoding::utf8_percent_encode(host, QUERY));
        let subject = Subject { rule: &rule.name, host, host_name, url: &url };
        let id = id_of(subject, event);
        let kind = type_name(event.kind);
        tracing::info!(rule = %rule.name, host, severity = %event.severity, id, "{kind}");
        let body = Envelope::new(subject, event).body();
        for webhook in &rule.notify {
            round.queued.push(Queued {
                id: id.clone(),
                webhook: webhook.clone(),
                rule: rule.name.clone(),
                host: host.to_owned(),
                kind,
                body: body.clone(),
            });
        }
    }

    /// Writes a round (after any earlier one that could not be written), then wakes
    /// the sender if it queued anything. A round that fails is kept and written with
    /// the next: the states in memory already say the receivers were told, so a
    /// notification dropped here would never be made again.
    fn commit(&mut self, mut round: Round) {
        if let Some(gate) = &self.gate {
            round.queued = gate.pass(std::mem::take(&mut round.queued), now_ms().max(0) as u64);
        }
        let round = match self.unwritten.take() {
            Some(mut earlier) => {
                earlier.states.extend(round.states);
                earlier.episodes.extend(round.episodes);
                earlier.queued.extend(round.queued);
                earlier
            }
            None => round,
        };
        if round.states.is_empty() && round.episodes.is_empty() && round.queued.is_empty() {
            return;
        }
        match self.db.write(&round.states, &round.episodes, &round.queued, now_ms()) {
            Ok(()) => {
                if self.failing.take().is_some() {
                    tracing::info!("alerts: writing the alerts file again");
                }
                if !round.queued.is_empty() {
                    self.outbox.notify_one();
                }
            }
            Err(error) => {
                let text = error.to_string();
                if self.failing.as_deref() != Some(text.as_str()) {
                    tracing::error!("alerts: cannot write the alerts file: {text}; notifications wait in memory");
                    self.failing = Some(text);
                }
                self.unwritten = Some(round);
            }
        }
    }

    /// Whether `rule` applies to host `id` (by its name and tags as last read).
    fn applies(&self, rule: &Rule, id: &str) -> bool {
        applies(rule, id, self.hosts.get(id))
    }
}

/// Whether `rule` applies to host `id`, known as `meta` (or not yet).
fn applies(rule: &Rule, id: &str, meta: Option<&HostMeta>) -> bool {
    match meta {
        Some(meta) => rule.hosts.matches(id, &meta.name, &meta.tags),
        None => rule.hosts.matches(id, id, &BTreeMap::new()),
    }
}

/// The characters escaped in a host id put in a query.
const QUERY: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The next rules, or `None` when the watcher is gone.
async fn changed(updates: &mut Option<watch::Receiver<Arc<RuleSet>>>) -> Option<Arc<RuleSet>> {
    let updates = updates.as_mut()?;
    updates.changed().await.ok()?;
    Some(Arc::clone(&updates.borrow_and_update()))
}

/// Whether two rules watch the same thing (the same series, or both a host status).
fn same_kind(a: &Rule, b: &Rule) -> bool {
    match (&a.condition, &b.condition) {
        (Condition::Threshold(a), Condition::Threshold(b)) => a.series == b.series,
        (Condition::Status { .. }, Condition::Status { .. }) => true,
        _ => false,
    }
}

/// Whether two states differ only in what every sample changes.
fn same_phase(a: &State, b: &State) -> bool {
    a.phase == b.phase
        && a.since_ms == b.since_ms
        && a.severity == b.severity
        && a.firing_since_ms == b.firing_since_ms
        && a.host == b.host
        && a.notified == b.notified
        && a.last_notified_ms == b.last_notified_ms
        && a.muted_until_ms == b.muted_until_ms
}
