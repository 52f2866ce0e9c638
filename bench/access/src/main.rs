//! `pulse-access-bench`: what the hub's access check costs, measured from outside
//! against real `pulse-server` processes that `bench/access/run.sh` starts.
//!
//! ```text
//! pulse-access-bench sign-in  --addr 127.0.0.1:PORT --user NAME --password-file F --count 200 --concurrency 1
//! pulse-access-bench requests --target 'LABEL|127.0.0.1:PORT|PID|HEADER' ... --path /api/v1/series \
//!                             --requests 20000 --connections 4 --rounds 5
//! pulse-access-bench opens    --target 'LABEL|127.0.0.1:PORT|PID|BEARER' ... --count 1000 --concurrency 8 --rounds 3
//! pulse-access-bench check    --checks 200000 --rounds 5
//! ```
//!
//! `check` times the hub's own check in-process (`pulse_server::access`), with no
//! HTTP around it: the part of a request's cost that access control adds.
//!
//! Each prints one JSON line per measurement. `requests` and `opens` take several
//! targets and alternate them round by round (the order turned each round), so
//! the machine's drift falls on all of them alike. Everything is bounded: a
//! watchdog thread ends the process after `--timeout` seconds (default 300).

mod args;
mod check;
mod http;
mod opens;
mod requests;
mod sign_in;
mod stats;

use std::process::ExitCode;
use std::time::Duration;

use args::Args;

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let Some(command) = argv.next() else {
        eprintln!("usage: pulse-access-bench sign-in|requests|opens|check --flag value ...");
        return ExitCode::from(2);
    };
    let args = match Args::parse(argv) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("pulse-access-bench: {error}");
            return ExitCode::from(2);
        }
    };
    let timeout = Duration::from_secs(args.number("--timeout", 300));
    std::thread::spawn(move || {
        std::thread::sleep(timeout);
        eprintln!("pulse-access-bench: watchdog fired after {timeout:?}");
        std::process::exit(3);
    });
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse-access-bench: cannot start the runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let local = tokio::task::LocalSet::new();
    let outcome = local.block_on(&runtime, async {
        match command.as_str() {
            "sign-in" => sign_in::run(&args).await,
            "requests" => requests::run(&args).await,
            "opens" => opens::run(&args).await,
            "check" => check::run(&args).await,
            _ => Err(format!("unknown command {command:?}: sign-in, requests, opens or check")),
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pulse-access-bench: {error}");
            ExitCode::from(1)
        }
    }
}
