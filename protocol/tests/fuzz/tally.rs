//! How the readers' verdicts on the fuzzed texts fell out, printed after each property.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::oracle::Readings;

/// How often the readers agreed to accept, and where only one of them did.
#[derive(Default)]
pub struct Tally {
    /// Readings `from_json` accepted (and serde agreed with).
    accepted: AtomicU64,
    /// Readings both refused.
    refused: AtomicU64,
    /// Readings serde's reference accepted and `from_json` refused: allowed, as
    /// `from_json` is the stricter (serde also takes a struct written as an array,
    /// and in values it skips, nesting of any depth and lone surrogates).
    only_serde: AtomicU64,
    /// Readings `from_json` accepted and serde's one-pass `ServerMessage` reader
    /// refused: a field of another message type, before `type`, of the wrong type
    /// (documented in `message/de.rs`).
    only_ours_not_one_pass: AtomicU64,
    /// Readings that differ in a way `fuzz/known.rs` lists, by its name.
    known: Mutex<BTreeMap<&'static str, u64>>,
}

impl Tally {
    /// Counts one text read as one kind.
    pub fn add(&self, readings: &Readings) {
        if let Some(name) = readings.known {
            *self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(name).or_default() += 1;
            return;
        }
        let counter = match (&readings.ours, &readings.reference) {
            (Ok(_), _) if matches!(readings.serde_one_pass, Some(Err(_))) => &self.only_ours_not_one_pass,
            (Ok(_), _) => &self.accepted,
            (Err(_), Ok(_)) => &self.only_serde,
            (Err(_), Err(_)) => &self.refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Prints the counts on one line, `fuzz: NAME readings: …` (collected by `./pulse bench fuzz`).
    pub fn print(&self, name: &str) {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let known = self.known.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let known: Vec<String> = known.iter().map(|(name, count)| format!("{name} ×{count}")).collect();
        println!(
            "fuzz: {name} readings: {} accepted alike, {} refused alike, {} only serde's reference accepted, \
             {} only from_json and not serde's one-pass reader; known disagreements (fuzz/known.rs): {}",
            get(&self.accepted),
            get(&self.refused),
            get(&self.only_serde),
            get(&self.only_ours_not_one_pass),
            if known.is_empty() { "none".to_owned() } else { known.join(", ") }
        );
    }
}
