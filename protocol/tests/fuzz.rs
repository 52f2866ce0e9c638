//! The fuzz pass over the web app's JSON reader, `pulse_protocol::from_json`: on
//! valid bodies, their mutations, token soup, JSON of the wrong shape, any string
//! at all, and pathological values, for every type it reads (`ServerMessage`,
//! `PollResponse`, `HistoryResponse`, `Catalog`, `ApiError`), it never panics, and
//! whatever it accepts serde reads to the same value (`fuzz/oracle.rs` says which
//! serde reading, and how close numbers must be).
//!
//! ```sh
//! cargo test -p pulse-protocol --test fuzz                                   # seconds, in CI
//! PULSE_FUZZ_SCALE=100 cargo test --release -p pulse-protocol --test fuzz -- --nocapture   # 100 × the cases
//! ```
//!
//! `./pulse bench fuzz` runs the long form; `fuzz/budget.rs` lists the variables.

mod fuzz {
    pub mod budget;
    pub mod known;
    pub mod mutate;
    pub mod oracle;
    pub mod tally;
    pub mod values;
    pub mod wild;
}

use fuzz::budget::{self, Budget};
use fuzz::tally::Tally;
use fuzz::values::KINDS;
use fuzz::{mutate, oracle, values, wild};
use proptest::prelude::*;

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
