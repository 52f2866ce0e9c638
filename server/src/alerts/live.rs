//! The live alerts: the fleet's pending and firing alerts as one
//! [`LiveAlerts`] message, serialised once per change and published on a `watch`
//! channel that every stream asking for alerts (`alerts=REV`) listens to.
//!
//! The engine publishes after a round that moved a state; a set equal to the last
//! one but for the values is not published again, so a firing alert costs the
//! streams nothing per sample. `collect` is pure and table-tested.

use std::borrow::Cow;
#[cfg(test)] // the table tests' states
use std::collections::BTreeMap;
use std::sync::Arc;

use pulse_alerts::rules::Condition;
use pulse_alerts::ruleset::RuleSet;
use pulse_alerts::state::{Phase, State};
use pulse_alerts::Severity;
use pulse_protocol::alerts::{AlertState, LiveAlert, LiveAlerts};
use pulse_protocol::ServerMessage;
use tokio::sync::watch;

use super::db::Key;
use crate::hub::to_json;

/// One published set: its alerts and its message, serialised once.
#[derive(Debug)]
pub struct Snapshot {
    /// The set's revision (0: alerts are off, nothing is sent).
    pub rev: u64,
    /// Pending and firing alerts, by rule and host.
    pub alerts: Vec<LiveAlert>,
    /// `{"type":"alerts",…}` with every alert.
    json: String,
}

impl Snapshot {
    /// The set `alerts` as revision `rev`.
    pub fn new(rev: u64, alerts: Vec<LiveAlert>) -> Snapshot {
        let json = to_json(&ServerMessage::Alerts(LiveAlerts { rev, alerts: alerts.clone() }));
        Snapshot { rev, alerts, json }
    }

    /// The message for a client that may see every host (`None`) or one.
    pub fn message_for(&self, only_host: Option<&str>) -> Cow<'_, str> {
        match only_host {
            None => Cow::Borrowed(&self.json),
            Some(host) => {
                let alerts = self.alerts.iter().filter(|alert| alert.host == host).cloned().collect();
                Cow::Owned(to_json(&ServerMessage::Alerts(LiveAlerts { rev: self.rev, alerts })))
            }
        }
    }
}

/// The publishing end, held by [`super::Alerts`] and given to the engine.
#[derive(Clone)]
pub struct Publisher(Arc<watch::Sender<Arc<Snapshot>>>);

impl Publisher {
    /// Alerts off: revision 0, never changed, so no stream sends anything.
    pub fn off() -> Publisher {
        Publisher(Arc::new(watch::channel(Arc::new(Snapshot::new(0, Vec::new()))).0))
    }

    /// Starts with `alerts` as of `now_ms`.
    pub fn new(alerts: Vec<LiveAlert>, now_ms: i64) -> Publisher {
        Publisher(Arc::new(watch::channel(Arc::new(Snapshot::new(next_rev(0, now_ms), alerts))).0))
    }

    /// A stream's receiving end.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.0.subscribe()
    }

    /// Publishes `alerts` if they differ from the last set in more than values.
    pub fn publish(&self, alerts: Vec<LiveAlert>, now_ms: i64) {
        self.0.send_if_modified(|current| {
            if same_set(&current.alerts, &alerts) {
                return false;
            }
            *current = Arc::new(Snapshot::new(next_rev(current.rev, now_ms), alerts));
            true
        });
    }
}

/// The pending and firing alerts among `states`, each with its rule's series and
/// the threshold of its level.
pub fn collect<'a>(states: impl IntoIterator<Item = (&'a Key, &'a State)>, rules: &RuleSet) -> Vec<LiveAlert> {
    states
        .into_iter()
        .filter_map(|((rule, host), state)| {
            let phase = match state.phase {
                Phase::Pending => AlertState::Pending,
                Phase::Firing => AlertState::Firing,
                Phase::Ok | Phase::Resolved => return None,
            };
            let threshold = match rules.rule(rule).map(|rule| &rule.condition) {
                Some(Condition::Threshold(threshold)) => Some(threshold),
                _ => None,
            };
            let level = threshold.and_then(|threshold| match state.severity {
                Some(Severity::Critical) => threshold.critical.or(threshold.warning),
                _ => threshold.warning.or(threshold.critical),
            });
            Some(LiveAlert {
                rule: rule.clone(),
                host: host.clone(),
                state: phase,
                severity: state.severity.map(super::severity),
                since: state.since_ms as i64,
                value: state.last_value,
                series: threshold.map(|threshold| threshold.series.clone()),
                threshold: level.map(|level| level.threshold),
            })
        })
        .collect()
}

/// The revision after `rev`: the time of the change, and always more than `rev`
/// (so a client's revision from before a hub restart is never taken as current).
fn next_rev(rev: u64, now_ms: i64) -> u64 {
    (now_ms.max(0) as u64).max(rev + 1)
}

/// Whether two sets differ only in their values.
fn same_set(a: &[LiveAlert], b: &[LiveAlert]) -> bool {
    let key = |alert: &LiveAlert| {
        (alert.rule.clone(), alert.host.clone(), alert.state, alert.severity, alert.since, alert.series.clone())
    };
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(a, b)| key(a) == key(b) && a.threshold.map(f64::to_bits) == b.threshold.map(f64::to_bits))
}

#[cfg(test)]
mod tests;
