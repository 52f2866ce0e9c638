//! How an input moves the phase: the threshold levels with their `for` and
//! hysteresis, and the host status rules. Nothing here sends: `notify` compares
//! what the receivers were told with the phase afterwards.

use super::{HostStatus, Phase, State};
use crate::rules::{Condition, Rule, StatusCondition, Threshold};
use crate::severity::Severity;

/// A sample's value (`None`: a gap).
pub(super) fn sample(state: &mut State, value: Option<f64>, at: u64, rule: &Rule) {
    let Condition::Threshold(threshold) = &rule.condition else { return };
    settle(state, at);
    match value {
        Some(value) => evaluate(state, value, at, threshold, rule.hold.as_millis() as u64),
        None => gap(state, at),
    }
}

/// The host's status changed (already in `state.host`).
pub(super) fn status(state: &mut State, at: u64, rule: &Rule) {
    settle(state, at);
    match &rule.condition {
        Condition::Threshold(_) if state.host != HostStatus::Up => gap(state, at),
        Condition::Threshold(_) => {}
        Condition::Status { when, severity } => host_rule(state, at, *when, *severity, rule),
    }
}

/// Time passed: only a status rule's `for` runs on the clock.
pub(super) fn tick(state: &mut State, now: u64, rule: &Rule) {
    if let Condition::Status { when, severity } = &rule.condition {
        host_rule(state, now, *when, *severity, rule);
    }
}

/// The rule changed: judge the last value (or the host's status) by it now.
pub(super) fn edited(state: &mut State, at: u64, rule: &Rule) {
    match &rule.condition {
        Condition::Threshold(threshold) => {
            if let (HostStatus::Up, Some(value)) = (state.host, state.last_value) {
                evaluate(state, value, at, threshold, rule.hold.as_millis() as u64);
            }
        }
        Condition::Status { when, severity } => host_rule(state, at, *when, *severity, rule),
    }
}

/// A resolved alert becomes `ok` on the next sample or status; what follows may make
/// it pending or firing again.
fn settle(state: &mut State, at: u64) {
    if state.phase == Phase::Resolved {
        enter(state, Phase::Ok, at);
        state.severity = None;
    }
}

/// A break in the data: no count toward `for` survives it; a firing alert holds.
fn gap(state: &mut State, at: u64) {
    state.held_since_ms = [None, None];
    if state.phase == Phase::Pending {
        enter(state, Phase::Ok, at);
        state.severity = None;
    }
}

fn evaluate(state: &mut State, value: f64, at: u64, threshold: &Threshold, hold_ms: u64) {
    for severity in Severity::ALL {
        let slot = &mut state.held_since_ms[severity as usize];
        match threshold.level(severity) {
            Some(level) if threshold.direction.beyond(value, level.threshold) => {
                slot.get_or_insert(at);
            }
            _ => *slot = None,
        }
    }
    let ready = highest(|severity| state.held_since_ms[severity as usize].is_some_and(|since| since + hold_ms <= at));
    let running = highest(|severity| state.held_since_ms[severity as usize].is_some());
    if state.phase == Phase::Firing {
        let current = state.severity.unwrap_or(Severity::Warning);
        let kept = kept(threshold, current, value);
        match kept.max(ready) {
            Some(next) => state.severity = Some(next),
            None => enter(state, Phase::Resolved, at),
        }
        return;
    }
    match (ready, running) {
        (Some(ready), _) => fire(state, ready, at),
        (None, Some(running)) => {
            enter(state, Phase::Pending, at);
            state.severity = Some(running);
        }
        (None, None) => {
            enter(state, Phase::Ok, at);
            state.severity = None;
        }
    }
}

/// The level a firing alert at `current` keeps for `value`: the highest level not
/// above it whose recovery threshold the value has not passed. If an edit removed
/// `current`, any level of the rule the value has not recovered from.
fn kept(threshold: &Threshold, current: Severity, value: f64) -> Option<Severity> {
    let unrecovered = |severity: Severity| {
        threshold.level(severity).is_some_and(|level| !threshold.direction.recovered(value, level.recover))
    };
    let below = Severity::ALL.into_iter().rev().filter(|severity| *severity <= current).find(|s| unrecovered(*s));
    match below {
        None if threshold.level(current).is_none() => Severity::ALL.into_iter().find(|s| unrecovered(*s)),
        found => found,
    }
}

/// A `condition = "down"`/`"stale"` rule at `now`.
fn host_rule(state: &mut State, now: u64, when: StatusCondition, severity: Severity, rule: &Rule) {
    let holds = match when {
        StatusCondition::Down => state.host == HostStatus::Down,
        StatusCondition::Stale => state.host != HostStatus::Up,
    };
    let slot = severity as usize;
    if holds {
        let since = *state.held_since_ms[slot].get_or_insert(now);
        state.held_since_ms[1 - slot] = None;
        let ready = since + rule.hold.as_millis() as u64 <= now;
        match state.phase {
            Phase::Firing => state.severity = Some(severity),
            _ if ready => fire(state, severity, now),
            _ => {
                enter(state, Phase::Pending, now);
                state.severity = Some(severity);
            }
        }
    } else {
        state.held_since_ms = [None, None];
        match state.phase {
            Phase::Firing => enter(state, Phase::Resolved, now),
            Phase::Pending => {
                enter(state, Phase::Ok, now);
                state.severity = None;
            }
            Phase::Ok | Phase::Resolved => {}
        }
    }
}

fn fire(state: &mut State, severity: Severity, at: u64) {
    enter(state, Phase::Firing, at);
    state.severity = Some(severity);
    state.firing_since_ms = Some(at);
}

/// Changes the phase, noting when; staying in a phase keeps its time.
fn enter(state: &mut State, phase: Phase, at: u64) {
    if state.phase != phase {
        state.phase = phase;
        state.since_ms = at;
    }
}

/// The highest severity for which `test` holds.
fn highest(test: impl Fn(Severity) -> bool) -> Option<Severity> {
    Severity::ALL.into_iter().rev().find(|severity| test(*severity))
}
