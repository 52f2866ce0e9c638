//! Command-line flags: `--clients N --ramp PER_S --server PATH --out PATH --seed N`.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// What to run.
#[derive(Debug, Clone)]
pub struct Args {
    /// Simulated clients per run.
    pub clients: usize,
    /// Clients started per second while connecting the population.
    pub ramp_per_s: f64,
    /// The `pulse-server` binary (built with cargo when missing).
    pub server: PathBuf,
    /// Where the Markdown report goes.
    pub out: PathBuf,
    /// Seeds every client's jitter.
    pub seed: u64,
}

impl Args {
    /// Parses the flags after the program name.
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args> {
        let mut parsed = Args {
            clients: 1_000,
            ramp_per_s: 500.0,
            server: PathBuf::from("target/release/pulse-server"),
            out: PathBuf::from("bench/results/stampede.md"),
            seed: 0x5eed,
        };
        // Bounded: every flag takes one value, so there are at most as many rounds as arguments.
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| Error::Args(format!("{flag} needs a value")));
            match flag.as_str() {
                "--clients" => parsed.clients = number(&flag, &value()?)?,
                "--ramp" => parsed.ramp_per_s = number(&flag, &value()?)?,
                "--server" => parsed.server = PathBuf::from(value()?),
                "--out" => parsed.out = PathBuf::from(value()?),
                "--seed" => parsed.seed = number(&flag, &value()?)?,
                "--help" | "-h" => {
                    return Err(Error::Args(
                        "usage: pulse-stampede [--clients 1000] [--ramp 500] [--server target/release/pulse-server] \
                         [--out bench/results/stampede.md] [--seed N]"
                            .into(),
                    ))
                }
                other => return Err(Error::Args(format!("unknown flag {other}"))),
            }
        }
        if parsed.clients == 0 || parsed.clients > 10_000 {
            return Err(Error::Args("--clients must be 1 to 10000".into()));
        }
        if !(parsed.ramp_per_s >= 1.0 && parsed.ramp_per_s <= 100_000.0) {
            return Err(Error::Args("--ramp must be 1 to 100000 clients per second".into()));
        }
        Ok(parsed)
    }
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T> {
    text.parse().map_err(|_| Error::Args(format!("{flag}: not a number: {text}")))
}
