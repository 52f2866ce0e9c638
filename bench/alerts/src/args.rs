//! The command line: a subcommand, then `--flag value` pairs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::{Error, Result};

/// How to run.
pub const USAGE: &str = "pulse-alerts-bench latency|cost|step|storm [--server target/release/pulse-server] \
[--flag value]... (each subcommand's flags and defaults: bench/alerts/run.sh and src/main.rs)";

/// The flags given, taken one by one.
pub struct Flags {
    given: BTreeMap<String, String>,
}

impl Flags {
    /// Reads `--flag value` pairs.
    pub fn parse(argv: &[String]) -> Result<Flags> {
        if !argv.len().is_multiple_of(2) || argv.iter().step_by(2).any(|flag| !flag.starts_with("--")) {
            return Err(Error::Args(USAGE.into()));
        }
        let given = argv.chunks(2).map(|pair| (pair[0].trim_start_matches("--").to_owned(), pair[1].clone())).collect();
        Ok(Flags { given })
    }

    /// A number (or any `FromStr`), `default` when absent.
    pub fn get<T: FromStr>(&mut self, name: &str, default: T) -> Result<T> {
        match self.given.remove(name) {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| Error::Args(format!("--{name}: cannot read {text:?}"))),
        }
    }

    /// A text, `default` when absent.
    pub fn text(&mut self, name: &str, default: &str) -> String {
        self.given.remove(name).unwrap_or_else(|| default.to_owned())
    }

    /// The `pulse-server` binary.
    pub fn server(&mut self) -> PathBuf {
        PathBuf::from(self.text("server", "target/release/pulse-server"))
    }

    /// Fails on a flag no one took.
    pub fn done(self) -> Result<()> {
        match self.given.keys().next() {
            Some(name) => Err(Error::Args(format!("unknown flag --{name}; {USAGE}"))),
            None => Ok(()),
        }
    }
}
