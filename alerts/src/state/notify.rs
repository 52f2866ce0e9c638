//! What to tell the receivers after an input: the difference between what they were
//! told ([`State::notified`]) and what is, and reminders. Firing events and
//! reminders wait while the alert is muted; a `Resolved` for an alert they were told
//! about does not.

use super::{Event, EventKind, Phase, State};
use crate::rules::{Condition, Rule};
use crate::severity::Severity;

/// Appends the notifications due at `now` and notes them in `state`.
pub(super) fn after(state: &mut State, now: u64, rule: &Rule, events: &mut Vec<Event>) {
    if state.muted_until_ms.is_some_and(|until| now >= until) {
        state.muted_until_ms = None;
    }
    let muted = state.muted(now);
    let firing = if state.phase == Phase::Firing { state.severity } else { None };
    let since_ms = state.firing_since_ms.unwrap_or(state.since_ms);
    match (state.notified, firing) {
        (Some(told), None) => {
            events.push(Event {
                kind: EventKind::Resolved,
                severity: told,
                previous: None,
                value: value(state, rule),
                threshold: level(rule, told).map(|(_, recover)| recover),
                since_ms,
                at_ms: now,
            });
            state.notified = None;
            state.last_notified_ms = Some(now);
        }
        (told, Some(severity)) if told != Some(severity) && !muted => {
            events.push(firing_event(state, rule, EventKind::Firing, severity, told, since_ms, now));
            state.notified = Some(severity);
            state.last_notified_ms = Some(now);
        }
        (Some(told), Some(severity)) if told == severity && !muted && reminder_due(state, rule, now) => {
            events.push(firing_event(state, rule, EventKind::Reminder, severity, None, since_ms, now));
            state.last_notified_ms = Some(now);
        }
        _ => {}
    }
}

fn reminder_due(state: &State, rule: &Rule, now: u64) -> bool {
    match (rule.repeat, state.last_notified_ms) {
        (Some(repeat), Some(last)) => now >= last.saturating_add(repeat.as_millis() as u64),
        _ => false,
    }
}

fn firing_event(
    state: &State,
    rule: &Rule,
    kind: EventKind,
    severity: Severity,
    previous: Option<Severity>,
    since_ms: u64,
    at_ms: u64,
) -> Event {
    Event {
        kind,
        severity,
        previous,
        value: value(state, rule),
        threshold: level(rule, severity).map(|(threshold, _)| threshold),
        since_ms,
        at_ms,
    }
}

/// The last value, for a threshold rule.
fn value(state: &State, rule: &Rule) -> Option<f64> {
    match rule.condition {
        Condition::Threshold(_) => state.last_value,
        Condition::Status { .. } => None,
    }
}

/// A threshold rule's threshold and recovery threshold at `severity`.
fn level(rule: &Rule, severity: Severity) -> Option<(f64, f64)> {
    match &rule.condition {
        Condition::Threshold(threshold) => threshold.level(severity).map(|level| (level.threshold, level.recover)),
        Condition::Status { .. } => None,
    }
}
