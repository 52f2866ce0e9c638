//! `pulse-server`: samples this host and serves Pulse's live dashboard.
//!
//! Run it from the repository with `./pulse run` (which builds the web app first),
//! or `cargo run -p pulse-server -- --listen 127.0.0.1:8080 --dist dist`.
//! `pulse-server --help` lists every flag; `RUST_LOG=debug` shows more logs.

use clap::Parser;
use pulse_server::config::Config;
use tracing_subscriber::EnvFilter;

fn main() -> std::process::ExitCode {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    let mut builder = match config.workers {
        Some(1) => tokio::runtime::Builder::new_current_thread(),
        Some(n) => {
            let mut b = tokio::runtime::Builder::new_multi_thread();
            b.worker_threads(n);
            b
        }
        None => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("pulse-server: cannot start the runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(pulse_server::run(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pulse-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
