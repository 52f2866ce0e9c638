//! `pulse-server`: samples this host and serves Pulse's live dashboard; or, as
//! `pulse-server agent`, pushes this host's samples to a hub; `pulse-server user …`
//! and `pulse-server token …` manage who may sign in and which tokens work.
//!
//! Run it from the repository with `./pulse run` (which builds the web app first),
//! or `cargo run -p pulse-server -- --listen 127.0.0.1:8080 --dist dist`. An agent:
//! `PULSE_AGENT_TOKEN=… cargo run -p pulse-server -- agent --hub http://hub:8080`.
//! `pulse-server --help` and `pulse-server agent --help` list every flag;
//! `RUST_LOG=debug` shows more logs.

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
use pulse_server::agent::config::AgentConfig;
use pulse_server::config::Config;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

mod alloc;

/// mimalloc for a hub, the system's allocator for an agent (see `alloc`).
#[global_allocator]
static ALLOCATOR: alloc::Chosen = alloc::Chosen;

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|arg| arg == "agent") {
        args.remove(1);
        let config = AgentConfig::parse_from(args);
        init_logging();
        // One link and one sampler: a single thread is plenty.
        return run(tokio::runtime::Builder::new_current_thread(), pulse_server::agent::run(config));
    }
    if args.get(1).is_some_and(|arg| arg == "user" || arg == "token") {
        let command = args.remove(1);
        args[0] = format!("pulse-server {}", command.to_string_lossy()).into();
        let done = if command == "user" {
            pulse_server::cli::UserCommand::parse_from(args).run()
        } else {
            pulse_server::cli::TokenCommand::parse_from(args).run()
        };
        return match done {
            Ok(said) => {
                if !said.is_empty() {
                    println!("{said}");
                }
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("pulse-server: {error}");
                ExitCode::FAILURE
            }
        };
    }
    let config = Config::parse();
    init_logging();
    let builder = match config.workers {
        Some(1) => tokio::runtime::Builder::new_current_thread(),
        Some(n) => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(n);
            b
        }
        None => tokio::runtime::Builder::new_multi_thread(),
    };
    run(builder, pulse_server::run(config))
}

/// `RUST_LOG` (info when unset), with the libraries that print request headers
/// capped at debug whatever it says (`log_filter`): no token in a log line.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let most = pulse_server::log_filter::log_level(&filter);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .finish()
        .with(pulse_server::log_filter::cap())
        .init();
    // After `init`, whose bridge from `log` set trace (`log_filter::log_level`).
    log::set_max_level(most);
}

/// Runs `task` on a runtime from `builder`; failures go to stderr.
fn run<E: std::fmt::Display>(
    mut builder: tokio::runtime::Builder,
    task: impl std::future::Future<Output = Result<(), E>>,
) -> ExitCode {
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse-server: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(task) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pulse-server: {error}");
            ExitCode::FAILURE
        }
    }
}
