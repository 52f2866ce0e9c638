//! `pulse-fleet`: plays N `pulse-server agent`s over real WebSocket links against
//! one hub, with browser-like clients watching some of the hosts, and prints one
//! JSON line of figures: the watchers' sample-to-arrival latency, lost and
//! duplicated samples, the hub's CPU per frame and its memory per host.
//!
//! Run it pinned to one core, beside a hub pinned to the other (`bench/fleet/run.sh`
//! does all of it, `./pulse bench fleet` runs that):
//!
//! ```text
//! taskset -c 0 target/release/pulse-server --no-local --workers 1 --agent-token bench-token \
//!     --max-per-address 0 --listen 127.0.0.1:4100 &
//! taskset -c 1 target/release/pulse-fleet --url http://127.0.0.1:4100/ --sample poll.json \
//!     --agents 10000 --hub-pid $!
//! ```
//!
//! `poll.json` is a real server's `GET /api/v1/poll?epoch=E&since=0`: its catalogue
//! and frames are what the agents send. Everything stops by itself: every link
//! ends at a fixed deadline, and a watchdog thread ends the process after it.

mod agent;
mod args;
mod error;
mod procfs;
mod run;
mod sample;
mod watcher;

use std::process::ExitCode;
use std::time::Duration;

use args::Args;
use error::{Error, Result};

fn main() -> ExitCode {
    match measure() {
        Ok(line) => {
            println!("{line}");
            // Exit without closing ten thousand sockets one by one.
            std::process::exit(0)
        }
        Err(error) => {
            eprintln!("pulse-fleet: {error}");
            ExitCode::from(if matches!(error, Error::Args(_)) { 2 } else { 1 })
        }
    }
}

/// The whole run, as one JSON line.
fn measure() -> Result<String> {
    let args = Args::parse(std::env::args().skip(1))?;
    let open_files = procfs::raise_open_files();
    if (open_files as usize) < args.agents + args.watchers + 64 {
        eprintln!("pulse-fleet: {} links will not fit under the open-file limit of {open_files}", args.agents);
    }
    // Even a runtime wedged in a bug cannot outlive the run's deadline.
    let hard_stop = args.deadline() + Duration::from_secs(30);
    std::thread::spawn(move || {
        std::thread::sleep(hard_stop);
        eprintln!("pulse-fleet: watchdog fired after {hard_stop:?}");
        std::process::exit(3);
    });
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = tokio::task::LocalSet::new().block_on(&runtime, run::measure(args))?;
    Ok(serde_json::to_string(&report)?)
}
