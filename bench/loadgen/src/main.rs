//! `pulse-loadgen`: opens N clients of one transport against a Pulse (or Socket.IO)
//! server, measures fan-out latency, throughput and the server's CPU and memory,
//! and prints one JSON line.
//!
//! Run it pinned to one core, beside a server pinned to the other:
//!
//! ```text
//! taskset -c 1 target/release/pulse-loadgen --url http://127.0.0.1:4000/ \
//!     --transport ws --clients 5000 --duration 30 --server-pid $(pgrep -n pulse-server)
//! ```
//!
//! Everything stops by itself: a hard timeout ends the process whatever state it is in.

mod args;
mod error;
mod hist;
mod http;
mod msg;
mod procfs;
mod run;
mod stats;
mod transport;

use std::process::ExitCode;
use std::time::Duration;

use args::Args;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("pulse-loadgen: {error}");
            return ExitCode::from(2);
        }
    };
    let nofile_limit = match procfs::raise_nofile_limit() {
        Ok(limit) => limit,
        Err(error) => {
            eprintln!("pulse-loadgen: cannot raise the open-file limit: {error}");
            0
        }
    };
    if nofile_limit > 0 && args.clients as u64 + 16 > nofile_limit {
        eprintln!("pulse-loadgen: {} clients will not fit under the open-file limit of {nofile_limit}", args.clients);
    }
    // A watchdog thread: even a runtime wedged in a bug cannot outlive the timeout.
    let hard_stop = args.timeout + Duration::from_secs(10);
    std::thread::spawn(move || {
        std::thread::sleep(hard_stop);
        eprintln!("pulse-loadgen: watchdog fired after {hard_stop:?}");
        std::process::exit(3);
    });

    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse-loadgen: cannot start the runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let local = tokio::task::LocalSet::new();
    let outcome =
        local.block_on(&runtime, async { tokio::time::timeout(args.timeout, run::measure(&args, nofile_limit)).await });
    match outcome {
        Ok(report) => match serde_json::to_string(&report) {
            Ok(line) => {
                println!("{line}");
                // Exit without tearing down thousands of sockets one by one.
                std::process::exit(0);
            }
            Err(error) => {
                eprintln!("pulse-loadgen: cannot write the report: {error}");
                ExitCode::from(1)
            }
        },
        Err(_) => {
            eprintln!("pulse-loadgen: timed out after {:?}", args.timeout);
            println!(
                "{{\"label\":{:?},\"transport\":\"{}\",\"clients\":{},\"error\":\"timeout\"}}",
                args.label,
                args.transport.name(),
                args.clients
            );
            std::process::exit(4);
        }
    }
}
