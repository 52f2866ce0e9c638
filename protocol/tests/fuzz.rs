//! The fuzz pass over the web app's JSON reader, `pulse_protocol::from_json`: on
//! valid bodies, their mutations, token soup, JSON of the wrong shape, any string
//! at all, and pathological values, for every type it reads (`ServerMessage`,
//! `PollResponse`, `HistoryResponse`, `Catalog`, `ApiError`), it never panics, and
//! whatever it accepts serde reads to the same value (`fuzz/oracle.rs` says which
//! serde reading, and how close numbers must be).
//!
//! ```sh
//! cargo test -p pulse-protocol --test fuzz                                   # seconds, in CI
//! PULSE_FUZZ_CASES=100000 cargo test --release -p pulse-protocol --test fuzz -- --nocapture
//! ```
//!
//! `./pulse bench fuzz` runs the long form; `fuzz/budget.rs` lists the variables.

mod fuzz {
    pub mod budget;
    pub mod known;
    pub mod mutate;
    pub mod oracle;
    pub mod values;
    pub mod wild;
}

use std::sync::atomic::{AtomicU64, Ordering};

use fuzz::budget::{self, Budget};
use fuzz::values::KINDS;
use fuzz::{mutate, oracle, values, wild};
use proptest::prelude::*;

/// How often the readers agreed to accept, and where only one of them did.
#[derive(Default)]
struct Tally {
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
    /// Readings that differ in a way `fuzz/known.rs` lists.
    known: AtomicU64,
}

impl Tally {
    fn add(&self, readings: &oracle::Readings) {
        let counter = match (&readings.ours, &readings.reference) {
            _ if readings.known.is_some() => &self.known,
            (Ok(_), _) if matches!(readings.serde_one_pass, Some(Err(_))) => &self.only_ours_not_one_pass,
            (Ok(_), _) => &self.accepted,
            (Err(_), Ok(_)) => &self.only_serde,
            (Err(_), Err(_)) => &self.refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn print(&self, name: &str) {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        println!(
            "fuzz: {name} readings: {} accepted alike, {} refused alike, {} only serde's reference accepted, \
             {} only from_json and not serde's one-pass reader, {} known disagreements (fuzz/known.rs)",
            get(&self.accepted),
            get(&self.refused),
            get(&self.only_serde),
            get(&self.only_ours_not_one_pass),
            get(&self.known)
        );
    }
}

/// Checks `text` read as every kind, counting the outcomes.
fn check_every_kind(text: &str, tally: &Tally) -> Result<(), TestCaseError> {
    for kind in KINDS {
        tally.add(&oracle::check(kind, text)?);
    }
    Ok(())
}

#[test]
fn valid_bodies_read_back_and_their_mutations_read_like_serde() {
    let tally = Tally::default();
    let strategy = (values::body(), prop::collection::vec(mutate::mutation(), 1..3));
    let summary = budget::run("reader-mutations", Budget::from_env(2048), strategy, |((kind, text), mutations)| {
        let readings = oracle::check(kind, &text)?;
        prop_assert!(readings.ours.is_ok(), "from_json refused what serde wrote: {:?} {text:?}", readings.ours);
        check_every_kind(&mutate::apply(&text, &mutations), &tally)
    });
    tally.print("reader-mutations");
    assert_eq!(summary.panics, 0);
}

#[test]
fn token_soup_wrong_shapes_and_any_string_read_like_serde() {
    let tally = Tally::default();
    let strategy = prop_oneof![wild::soup(), wild::shapes(), wild::anything()];
    let summary = budget::run("reader-soup", Budget::from_env(2048), strategy, |text| check_every_kind(&text, &tally));
    tally.print("reader-soup");
    assert_eq!(summary.panics, 0);
}

#[test]
fn pathological_values_read_like_serde() {
    let tally = Tally::default();
    let summary =
        budget::run("reader-extremes", Budget::from_env(384), wild::extremes(), |text| check_every_kind(&text, &tally));
    tally.print("reader-extremes");
    assert_eq!(summary.panics, 0);
}
