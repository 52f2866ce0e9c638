//! `pulse-alerts-bench`: the alert figures of issue 17, against real `pulse-server`
//! processes it starts itself (agents only, on 127.0.0.1, each with a data
//! directory of its own), with agents played over real `/api/v1/agent` links and a
//! real webhook receiver. Each subcommand prints one JSON line per result:
//!
//! ```text
//! pulse-alerts-bench latency [--agents 10] [--crossings 60] [--for-ms 2000]
//! pulse-alerts-bench cost    [--agents 1000] [--rules 100] [--warmup 20] [--seconds 60] [--rounds 2] [--hub-cpu 0]
//! pulse-alerts-bench step    [--hosts 1000] [--rules 100] [--samples 20] [--rounds 5]
//! pulse-alerts-bench storm   [--hosts 30] [--kills 20] [--flip 0.35] [--settle 600] [--answer-ms 200]
//! ```
//!
//! Every one but `step` takes `--server PATH` (default `target/release/pulse-server`).
//! `bench/alerts/run.sh` runs them all and writes `bench/results/alerts.md`.

mod agent;
mod args;
mod clock;
mod cost;
mod error;
mod host;
mod hub;
mod latency;
mod receiver;
mod rules;
mod scratch;
mod stats;
mod step;
mod storm;
mod watcher;

use std::process::ExitCode;
use std::time::Duration;

use args::{Flags, USAGE};
use error::{Error, Result};

/// No run outlives this, whatever happens.
const HARD_STOP: Duration = Duration::from_secs(3_600);

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    std::thread::spawn(|| {
        std::thread::sleep(HARD_STOP);
        eprintln!("pulse-alerts-bench: stopped after {HARD_STOP:?}");
        std::process::exit(3);
    });
    match measure(&argv) {
        Ok(lines) => {
            for line in lines {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("pulse-alerts-bench: {error}");
            ExitCode::from(if matches!(error, Error::Args(_)) { 2 } else { 1 })
        }
    }
}

/// Runs the subcommand; its JSON lines.
fn measure(argv: &[String]) -> Result<Vec<serde_json::Value>> {
    let Some((command, rest)) = argv.split_first() else { return Err(Error::Args(USAGE.into())) };
    let flags = Flags::parse(rest)?;
    if command == "step" {
        return Ok(vec![step::run(flags)?]);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        match command.as_str() {
            "latency" => Ok(vec![latency::run(flags).await?]),
            "cost" => cost::run(flags).await,
            "storm" => Ok(vec![storm::run(flags).await?]),
            _ => Err(Error::Args(USAGE.into())),
        }
    })
}
