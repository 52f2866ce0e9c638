//! The state machine of one rule on one host, pure: [`step`] takes the state, one
//! [`Input`] and the rule as it is now, and gives the next state and the
//! notifications to send. The hub keeps one [`State`] per (rule, host) and stores it
//! (it is serde), so states survive a restart.
//!
//! **Phases.** `ok` → `pending` (the condition holds, not yet for `for`) → `firing`
//! → `resolved`, each with the time it began ([`State::since_ms`]). A resolved alert
//! stays resolved until the next sample or status, which makes it `ok` or `pending`
//! again.
//!
//! **Conditions.** A value fires a level when it is strictly beyond the level's
//! threshold for every sample during `for` (one sample that is not, or a gap, starts
//! the count again). Once firing, a level holds until a value is strictly back past
//! its recovery threshold (hysteresis), so a value hovering at the threshold neither
//! resolves nor fires again. With two levels, the alert escalates to critical when
//! the critical threshold has held for `for`, and de-escalates to warning as soon as
//! the value is past critical's recovery threshold but not warning's: each change is
//! one `Firing` event naming the previous severity, never a resolve and a fire.
//!
//! **Evidence, not silence.** A threshold alert changes only on samples. A missing
//! value (a gap) or a host going stale or down breaks a pending count (back to `ok`),
//! but never resolves a firing alert: no data is not a recovered value, however long
//! the gap, and the host's own `condition = "down"` rule tells about the host. A
//! firing alert keeps its reminders while its host is away. Samples older than the
//! last one are ignored. Status rules (`down`, `stale`) change on status inputs and
//! on ticks (for their `for`).
//!
//! **Reminders.** While firing, a `Reminder` goes out every `repeat` after the last
//! notification (on a sample or a tick).
//!
//! **Mute.** A muted alert is still evaluated, but sends no `Firing` and no
//! `Reminder`. A `Resolved` is still sent if the receivers were told it fired (they
//! would otherwise hold an open alert forever). When the mute ends and the alert is
//! still firing at a severity the receivers were not told, a `Firing` goes out then.
//!
//! **Edits.** The rule passed in is always the current one. [`Input::Edited`] asks
//! for an immediate re-evaluation of the last value under the new thresholds: a
//! firing alert stays firing if the value is still beyond the new recovery threshold
//! (only its severity may change), and resolves if not. A rule whose series or kind
//! (threshold or status) changed is a new rule: the hub starts a fresh [`State`].

mod evaluate;
mod notify;

use serde::{Deserialize, Serialize};

use crate::rules::Rule;
use crate::severity::Severity;

/// Where an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The condition does not hold.
    Ok,
    /// The condition holds, not yet for the rule's `for`.
    Pending,
    /// The condition has held for `for`; notifications went out.
    Firing,
    /// It fired, and has recovered.
    Resolved,
}

/// A host's status, as the hub's fleet judges it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostStatus {
    /// Sending.
    Up,
    /// Late.
    Stale,
    /// Gone.
    Down,
}

/// Everything the machine remembers about one rule on one host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The phase.
    pub phase: Phase,
    /// When the phase began (ms since the Unix epoch).
    pub since_ms: u64,
    /// Firing: its level. Pending: the level it is heading for.
    pub severity: Option<Severity>,
    /// Firing: when it began firing (an escalation does not change it).
    pub firing_since_ms: Option<u64>,
    /// Per level (warning, critical): since when the condition has held without a
    /// break. The basis of `for`.
    pub held_since_ms: [Option<u64>; 2],
    /// The last value and when it was sampled.
    pub last_value: Option<f64>,
    /// When the last sample (value or gap) came.
    pub last_sample_ms: Option<u64>,
    /// The host's status as last told.
    pub host: HostStatus,
    /// The severity the receivers were last told it fires at; `None` when they were
    /// told nothing or that it resolved.
    pub notified: Option<Severity>,
    /// When the last notification went out.
    pub last_notified_ms: Option<u64>,
    /// Muted until then.
    pub muted_until_ms: Option<u64>,
}

/// One thing that happened.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Input {
    /// A sample of the rule's series: a value, or `None` for a gap.
    Sample {
        /// When it was sampled.
        at_ms: u64,
        /// The value; `None` (or NaN) for a gap.
        value: Option<f64>,
    },
    /// The host's status changed.
    Status {
        /// When.
        at_ms: u64,
        /// The new status.
        status: HostStatus,
    },
    /// Time passed (the hub ticks every state once a second or so).
    Tick {
        /// Now.
        now_ms: u64,
    },
    /// An admin muted the alert until a time, or unmuted it (`None`).
    Mute {
        /// When.
        at_ms: u64,
        /// Muted until then.
        until_ms: Option<u64>,
    },
    /// The rule was edited: re-evaluate the last value now.
    Edited {
        /// When.
        at_ms: u64,
    },
}

/// What a notification says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// It began firing, or its severity changed (see [`Event::previous`]).
    Firing,
    /// It recovered.
    Resolved,
    /// It is still firing (`repeat`).
    Reminder,
}

/// A notification to send.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The level it fires (or fired) at.
    pub severity: Severity,
    /// For a severity change, the level before.
    pub previous: Option<Severity>,
    /// The value that caused it (the last known value for a reminder); none for a
    /// status rule.
    pub value: Option<f64>,
    /// The threshold crossed (the recovery threshold, for `Resolved`); none for a
    /// status rule.
    pub threshold: Option<f64>,
    /// When it began firing.
    pub since_ms: u64,
    /// When this happened.
    pub at_ms: u64,
}

impl State {
    /// A rule just applied to a host: `ok` since `at_ms`, host up.
    pub fn new(at_ms: u64) -> State {
        State {
            phase: Phase::Ok,
            since_ms: at_ms,
            severity: None,
            firing_since_ms: None,
            held_since_ms: [None, None],
            last_value: None,
            last_sample_ms: None,
            host: HostStatus::Up,
            notified: None,
            last_notified_ms: None,
            muted_until_ms: None,
        }
    }

    /// Whether notifications are held back at `now_ms`.
    pub fn muted(&self, now_ms: u64) -> bool {
        self.muted_until_ms.is_some_and(|until| now_ms < until)
    }
}

impl Input {
    /// When it happened.
    pub fn at_ms(&self) -> u64 {
        match *self {
            Input::Sample { at_ms, .. }
            | Input::Status { at_ms, .. }
            | Input::Mute { at_ms, .. }
            | Input::Edited { at_ms } => at_ms,
            Input::Tick { now_ms } => now_ms,
        }
    }
}

/// Moves one rule on one host by one input.
pub fn step(state: State, input: Input, rule: &Rule) -> (State, Vec<Event>) {
    let mut state = state;
    let mut events = Vec::new();
    let now = input.at_ms();
    match input {
        Input::Sample { at_ms, value } => {
            if state.last_sample_ms.is_some_and(|last| at_ms < last) {
                return (state, events);
            }
            state.last_sample_ms = Some(at_ms);
            let value = value.filter(|value| !value.is_nan());
            if value.is_some() {
                state.last_value = value;
            }
            evaluate::sample(&mut state, value, at_ms, rule);
        }
        Input::Status { at_ms, status } => {
            state.host = status;
            evaluate::status(&mut state, at_ms, rule);
        }
        Input::Tick { now_ms } => evaluate::tick(&mut state, now_ms, rule),
        Input::Mute { until_ms, .. } => state.muted_until_ms = until_ms,
        Input::Edited { at_ms } => evaluate::edited(&mut state, at_ms, rule),
    }
    notify::after(&mut state, now, rule, &mut events);
    (state, events)
}

#[cfg(test)]
mod tests;
