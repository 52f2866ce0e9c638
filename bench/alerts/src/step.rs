//! Figure b, in-process: what judging one sample costs per rule, without a hub.
//! `state::step` alone, then the per-sample loop of the hub's engine
//! (`server/src/alerts/engine.rs`: for each rule, whether it applies to the host,
//! the series' value, then `apply`), once as `apply` was first written (the key
//! and the state cloned for every rule and sample, looked up twice) and once in
//! place (one lookup, the state moved through `step`), and once by host (the
//! engine's `alerts/states` layout: one host lookup per frame, then each rule's
//! state in its slot by the rule's position). 100 rules over 1,000 hosts, every
//! state `ok` (thresholds no value reaches: a fleet's steady state).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use pulse_alerts::rules::{Condition, Rule, Rules};
use pulse_alerts::state::{step, Input, Phase, State};
use serde_json::{json, Value};

use crate::args::Flags;
use crate::error::Result;
use crate::host::SERIES;
use crate::rules;

type Key = (String, String);

/// Runs it; one JSON object of nanoseconds per rule and sample.
pub fn run(mut flags: Flags) -> Result<Value> {
    let hosts: usize = flags.get("hosts", 1_000)?;
    let count: usize = flags.get("rules", 100)?;
    let samples: u64 = flags.get("samples", 20)?;
    let rounds: usize = flags.get("rounds", 5)?;
    flags.done()?;
    let rules = Rules::parse(&rules::quiet("http://127.0.0.1:9/hook", count)?)?;
    let ids: Vec<String> = (0..hosts).map(|index| format!("fleet-{index:05}")).collect();
    let values: BTreeMap<String, f64> = SERIES.iter().map(|(id, _, _, typical)| ((*id).to_owned(), *typical)).collect();
    let judged = (hosts as u64 * samples * rules.rules.len() as u64) as f64;
    let (mut alone, mut written, mut in_place, mut by_host) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let from = round as u64 * samples * 1000;
        alone.push(timed(|| step_alone(&rules, hosts, samples, from)) / judged);
        let work = Work { rules: &rules, ids: &ids, values: &values, samples, from };
        let mut states = BTreeMap::new();
        written.push(timed(|| as_written(&mut states, &work)) / judged);
        let mut states = BTreeMap::new();
        in_place.push(timed(|| in_place_loop(&mut states, &work)) / judged);
        let mut hosts = BTreeMap::new();
        by_host.push(timed(|| by_host_loop(&mut hosts, &work)) / judged);
    }
    let best = |runs: &[f64]| runs.iter().copied().fold(f64::INFINITY, f64::min);
    Ok(json!({
        "kind": "step",
        "hosts": hosts,
        "rules": rules.rules.len(),
        "samples_per_host": samples,
        "rounds": rounds,
        "step_ns": best(&alone),
        "as_written_ns": best(&written),
        "in_place_ns": best(&in_place),
        "by_host_ns": best(&by_host),
        "step_ns_all": alone,
        "as_written_ns_all": written,
        "in_place_ns_all": in_place,
        "by_host_ns_all": by_host,
    }))
}

/// Nanoseconds `work` took.
fn timed(work: impl FnOnce()) -> f64 {
    let started = Instant::now();
    work();
    started.elapsed().as_nanos() as f64
}

/// `step` on one state per rule, nothing around it.
fn step_alone(rules: &Rules, hosts: usize, samples: u64, from: u64) {
    let mut states: Vec<State> = rules.rules.iter().map(|_| State::new(from)).collect();
    for sample in 0..samples {
        for _ in 0..hosts {
            for (rule, state) in rules.rules.iter().zip(states.iter_mut()) {
                let input = Input::Sample { at_ms: from + sample * 1000, value: Some(black_box(12.0)) };
                let (next, events) = step(state.clone(), input, rule);
                *state = next;
                black_box(events);
            }
        }
    }
}

/// The engine's loop as first written: key and state cloned, two lookups.
fn as_written(states: &mut BTreeMap<Key, State>, work: &Work) {
    work.each(|rule, host, at_ms, value| {
        let key = (rule.name.clone(), host.to_owned());
        let old = states.get(&key).cloned().unwrap_or_else(|| State::new(at_ms));
        let (new, events) = step(old.clone(), Input::Sample { at_ms, value: Some(value) }, rule);
        if !events.is_empty() || old.phase != new.phase || old.since_ms != new.since_ms {
            black_box(new.clone());
        }
        black_box((old.phase == Phase::Firing, events));
        states.insert(key, new);
    });
}

/// The same loop judging each state where it lies: one lookup, nothing cloned but
/// the key of a state not seen before.
fn in_place_loop(states: &mut BTreeMap<Key, State>, work: &Work) {
    let mut key: Key = (String::new(), String::new());
    work.each(|rule, host, at_ms, value| {
        key.0.clone_from(&rule.name);
        key.1.clear();
        key.1.push_str(host);
        let state = match states.get_mut(&key) {
            Some(state) => state,
            None => states.entry(key.clone()).or_insert_with(|| State::new(at_ms)),
        };
        let before = (state.phase, state.since_ms);
        let (new, events) = step(state.clone(), Input::Sample { at_ms, value: Some(value) }, rule);
        *state = new;
        if !events.is_empty() || before != (state.phase, state.since_ms) {
            black_box(state.clone());
        }
        black_box(events);
    });
}

/// The loop over the engine's layout: each host's states together, one slot per
/// rule by its position, the key kept beside its state (made once, when new).
fn by_host_loop(hosts: &mut BTreeMap<String, Vec<Option<(Key, State)>>>, work: &Work) {
    for sample in 0..work.samples {
        let at_ms = work.from + sample * 1000;
        for host in work.ids {
            if !hosts.contains_key(host.as_str()) {
                hosts.insert(host.clone(), work.rules.rules.iter().map(|_| None).collect());
            }
            let Some(slots) = hosts.get_mut(host.as_str()) else { continue };
            for (rule, slot) in work.rules.rules.iter().zip(slots.iter_mut()) {
                let Some(value) = applies(rule, host, work.values) else { continue };
                let input = Input::Sample { at_ms, value: Some(value) };
                let (key, state) = slot.get_or_insert_with(|| ((rule.name.clone(), host.clone()), State::new(at_ms)));
                let before = (state.phase, state.since_ms);
                let (new, events) = step(state.clone(), input, rule);
                *state = new;
                if !events.is_empty() || before != (state.phase, state.since_ms) {
                    black_box((&*key, state.clone()));
                }
                black_box(events);
            }
        }
    }
}

/// One round's samples: every host's, `samples` a host from `from`.
struct Work<'a> {
    rules: &'a Rules,
    ids: &'a [String],
    values: &'a BTreeMap<String, f64>,
    samples: u64,
    from: u64,
}

impl Work<'_> {
    /// Calls `judge(rule, host, at_ms, value)` for every sample of every host and
    /// every rule that applies to it, as the engine's frame loop walks them.
    fn each(&self, mut judge: impl FnMut(&Rule, &str, u64, f64)) {
        for sample in 0..self.samples {
            let at_ms = self.from + sample * 1000;
            for host in self.ids {
                for rule in &self.rules.rules {
                    if let Some(value) = applies(rule, host, self.values) {
                        judge(rule, host, at_ms, value);
                    }
                }
            }
        }
    }
}

/// The rule's value on this host, when the rule applies.
fn applies(rule: &Rule, host: &str, values: &BTreeMap<String, f64>) -> Option<f64> {
    let Condition::Threshold(threshold) = &rule.condition else { return None };
    if !rule.hosts.matches(host, host, &BTreeMap::new()) {
        return None;
    }
    values.get(&threshold.series).copied()
}
