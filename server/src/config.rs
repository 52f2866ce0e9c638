//! Command-line flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Pulse's server: samples this host and streams it to browsers.
#[derive(Debug, Clone, Parser)]
#[command(name = "pulse-server", version, about)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "PULSE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// How often to sample the host, e.g. `1s`, `250ms`.
    #[arg(long, env = "PULSE_INTERVAL", default_value = "1s", value_parser = humantime::parse_duration)]
    pub interval: Duration,

    /// How much history to keep for resuming clients and backfill, e.g. `1h`.
    #[arg(long, env = "PULSE_HISTORY", default_value = "1h", value_parser = humantime::parse_duration)]
    pub history: Duration,

    /// The longest silence on a stream before the server sends a heartbeat.
    #[arg(long, env = "PULSE_HEARTBEAT", default_value = "5s", value_parser = humantime::parse_duration)]
    pub heartbeat: Duration,

    /// The built web app to serve at `/` (default: `./dist`, else the repository's `dist/`).
    #[arg(long, env = "PULSE_DIST")]
    pub dist: Option<PathBuf>,

    /// Another origin allowed to use the API from a browser (repeatable; `*` allows any),
    /// e.g. where a static copy of the web app is hosted.
    #[arg(long = "allow-origin", env = "PULSE_ALLOW_ORIGINS", value_delimiter = ',')]
    pub allow_origins: Vec<String>,

    /// Runtime worker threads; 1 runs everything on one thread.
    #[arg(long, env = "PULSE_WORKERS")]
    pub workers: Option<usize>,

    /// Most streaming connections (WebSocket, SSE, long-poll) at once; more get a 503.
    #[arg(long, env = "PULSE_MAX_CONNECTIONS", default_value_t = 19_000)]
    pub max_connections: usize,

    /// What clients are told to wait before reconnecting after a restart.
    #[arg(long, env = "PULSE_RETRY", default_value = "1s", value_parser = humantime::parse_duration)]
    pub retry: Duration,
}

impl Config {
    /// The directory of the built web app.
    pub fn dist_dir(&self) -> PathBuf {
        if let Some(dist) = &self.dist {
            return dist.clone();
        }
        let local = PathBuf::from("dist");
        if local.is_dir() {
            local
        } else {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../dist"))
        }
    }
}
