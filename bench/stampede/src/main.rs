//! `pulse-stampede`: a benchmark (not a test) of the reconnect stampede. It starts
//! `pulse-server`, connects N simulated clients that run Pulse's real connection
//! engine (forced to WebSocket) on one current-thread runtime, restarts the server
//! (gracefully with SIGTERM, then as a crash with SIGKILL and 2 s of downtime), and
//! measures how fast and how spread out the clients come back and the peak rate of
//! connection attempts the server sees. The same runs with a naive client that
//! reconnects at exactly 1 s show what the engine's jitter buys.
//!
//! ```text
//! cargo run --release -p pulse-stampede -- --clients 1000
//! ```
//!
//! Everything is bounded: each run has time limits, a watchdog thread ends the
//! process (and kills the server) after three minutes whatever happens.

mod args;
mod engine_client;
mod error;
mod machine;
mod naive;
mod record;
mod report;
mod rng;
mod run;
mod server;
mod ws;

use std::process::ExitCode;
use std::time::Duration;

use args::Args;
use error::Result;
use record::Clock;
use run::{Policy, Spec};
use server::Stop;

/// The whole benchmark ends by then, whatever state it is in.
const HARD_STOP: Duration = Duration::from_secs(180);

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("pulse-stampede: {error}");
            return ExitCode::from(2);
        }
    };
    match machine::raise_nofile_limit() {
        Ok(limit) if (limit as usize) < args.clients * 2 + 64 => {
            eprintln!("pulse-stampede: warning: {} clients may not fit under the open-file limit {limit}", args.clients)
        }
        Ok(_) => {}
        Err(error) => eprintln!("pulse-stampede: cannot raise the open-file limit: {error}"),
    }
    std::thread::spawn(|| {
        std::thread::sleep(HARD_STOP);
        eprintln!("pulse-stampede: watchdog fired after {HARD_STOP:?}");
        server::kill_running();
        std::process::exit(3);
    });
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse-stampede: cannot start the runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let local = tokio::task::LocalSet::new();
    let outcome = local.block_on(&runtime, measure(&args));
    server::kill_running();
    match outcome {
        Ok(()) => {
            // Exit without tearing down thousands of sockets one by one.
            std::process::exit(0);
        }
        Err(error) => {
            eprintln!("pulse-stampede: {error}");
            ExitCode::from(1)
        }
    }
}

async fn measure(args: &Args) -> Result<()> {
    server::ensure_built(&args.server)?;
    let machine = machine::describe();
    let clock = Clock::start();
    let mut all = Vec::new();
    for stop in [Stop::Graceful, Stop::Crash] {
        for policy in [Policy::Engine, Policy::Naive] {
            let spec = Spec { policy, stop, clients: args.clients, ramp_per_s: args.ramp_per_s, seed: args.seed };
            eprintln!("pulse-stampede: run {spec} with {} clients", args.clients);
            let recorded = run::run(spec, &args.server, clock).await?;
            all.push(report::stats(&recorded));
        }
    }
    let engine_only: Vec<&report::Stats> = all.iter().filter(|s| s.label.starts_with("engine")).collect();
    let log = report::engine_log(&engine_only);
    let markdown = document(args, &machine, &all, &log);
    println!("{markdown}");
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &markdown)?;
    eprintln!("pulse-stampede: wrote {}", args.out.display());
    Ok(())
}

fn document(args: &Args, machine: &str, all: &[report::Stats], log: &str) -> String {
    let commit = machine::commit().map(|c| format!(", commit `{c}`")).unwrap_or_default();
    format!(
        "Command: `cargo run --release -p pulse-stampede -- --clients {clients}`\n\n\
         Machine: {machine}. Date: {date}{commit}.\n\n\
         # Reconnect stampede: {clients} clients, server restarted\n\n\
         {table}\n\
         Connection attempts the server sees, per 250 ms after the old server was signalled:\n\n\
         {timeline}\n\
         ## Method\n\n\
         - Each column is its own run: a fresh `pulse-server --interval 1s` on 127.0.0.1, {clients} clients \
         started at {ramp:.0}/s on one current-thread tokio runtime, restart once everyone is live and has a \
         cursor. *engine* clients run Pulse's real `connection::Engine` (forced to WebSocket, jitter from a \
         per-client xorshift), with tokio sockets and timers executing its commands as the browser hook does \
         (ping after hello, close 1012/1013 → 1 s hint); *naive 1 s* clients reconnect exactly 1 s after any \
         close or failure.\n\
         - *graceful*: SIGTERM (the server sends `bye`, retry 1 s, then closes with 1012), the new server is \
         started on the same port as soon as the old process is gone. *crash*: SIGKILL, the new server starts \
         2 s after the old one died.\n\
         - An attempt is a TCP connect by a client after the signal, refused or not; \"live again\" is the \
         engine's status turning `Live` (hello, then data), the same for the naive client. Times are from the \
         moment the new server printed `listening on`, so an attempt that reaches its listener a moment \
         earlier can be negative.\n\
         - Server and clients share the same {cores} cores, so handshake times under the burst include \
         the clients' own CPU; the naive clients' burst is as sharp as one client thread can make it.\n\
         {remarks}\n\
         Engine log lines over the engine runs (digits masked), most frequent first:\n\n\
         ```text\n{log}```\n",
        clients = args.clients,
        date = machine::now_utc(),
        table = report::table(all),
        timeline = report::timeline(all),
        remarks = report::remarks(all),
        ramp = args.ramp_per_s,
        cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    )
}
