//! Pulse's server: samples this host and streams it to browsers over WebSocket,
//! Server-Sent Events, long-polling and polling, and serves the web app.
//!
//! [`app`] builds the router from a state (tests call it directly); [`run`] is the
//! whole server: bind, sample, serve, shut down gracefully.

pub mod config;
pub mod conn;
pub mod error;
pub mod fanout;
pub mod history;
pub mod hub;
pub mod limits;
pub mod origin;
pub mod routes;
pub mod sampler;
pub mod shutdown;
pub mod state;

use std::io::Write;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use config::Config;
use hub::{Hub, Timing};
use origin::Origins;
use state::AppState;

/// How long the server waits for the first sample before accepting connections.
const FIRST_FRAME_WAIT: Duration = Duration::from_secs(3);

/// How long streams get to say goodbye after a shutdown signal.
const GOODBYE_GRACE: Duration = Duration::from_secs(2);

/// The router for a state: the API, and the web app from `state.dist`.
pub fn app(state: AppState) -> Router {
    routes::router(state)
}

/// The shared state for a configuration (the hub starts empty; see [`run`]).
pub fn state(config: &Config) -> AppState {
    let timing = Timing { interval: config.interval, heartbeat: config.heartbeat, history: config.history };
    AppState {
        hub: Arc::new(Hub::new(hostname(), timing)),
        origins: Arc::new(Origins::new(&config.allow_origins)),
        connections: Arc::new(AtomicUsize::new(0)),
        max_connections: config.max_connections,
        retry: config.retry,
        dist: config.dist_dir().into(),
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(mut config: Config) -> std::io::Result<()> {
    let open_files = limits::raise_open_files();
    let cap = limits::connection_cap(config.max_connections, open_files);
    if cap < config.max_connections {
        tracing::warn!(
            wanted = config.max_connections,
            cap,
            open_files = open_files.unwrap_or(0),
            "the open-file limit holds fewer clients than --max-connections; raise `ulimit -Hn` for more"
        );
        config.max_connections = cap;
    }
    let listener = TcpListener::bind(config.listen).await.map_err(|error| {
        let hint = match error.kind() {
            std::io::ErrorKind::AddrInUse => {
                "; is another pulse-server running? Pick another with --listen 127.0.0.1:9000"
            }
            std::io::ErrorKind::PermissionDenied => "; ports below 1024 need privileges: pick one above",
            std::io::ErrorKind::AddrNotAvailable => "; that address is not one of this machine's",
            _ => "",
        };
        std::io::Error::new(error.kind(), format!("cannot listen on {}: {error}{hint}", config.listen))
    })?;
    // Scripts and tests read the real address (port 0 picks one) from this line.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on http://{}/", listener.local_addr()?);
    let _ = stdout.flush();
    serve(listener, config, shutdown::signal()).await
}

/// Serves on a bound listener until `stop` resolves, then tells every client it is
/// restarting and exits once they are gone (or after a short grace period).
pub async fn serve(
    listener: TcpListener,
    config: Config,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    let state = state(&config);
    let hub = state.hub.clone();
    sampler::spawn(hub.clone(), config.interval)?;
    hub.first_frame(FIRST_FRAME_WAIT).await;
    if !state.dist.join("index.html").is_file() {
        tracing::warn!(dist = %state.dist.display(), "the web app is not built; / explains how to build it");
    }
    let connections = state.connections.clone();
    let app = app(state);
    tracing::info!("Pulse is live at http://{address}/");

    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown_hub = hub.clone();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down: telling clients to come back");
        shutdown_hub.begin_shutdown();
        let _ = stopped_tx.send(());
    });
    let graceful = async move {
        let _ = stopped_rx.await;
    };
    let listener = conn::Listener::new(listener, conn::WRITE_STALL);
    let service = app.into_make_service_with_connect_info::<conn::Peer>();
    let server = axum::serve(listener, service).with_graceful_shutdown(graceful);
    let mut shutdown_seen = hub.shutdown_signal();
    // axum's graceful shutdown does not track upgraded WebSockets, so it can finish
    // while their tasks are still writing `bye`: after it, wait for every stream to
    // end, so no client is left with a reset instead of a goodbye. One grace period,
    // counted from the shutdown signal, bounds all of it.
    let serving = async {
        let result = server.await;
        while connections.load(std::sync::atomic::Ordering::Acquire) > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        result
    };
    tokio::select! {
        result = serving => result,
        _ = async {
            let _ = shutdown_seen.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(GOODBYE_GRACE).await;
        } => Ok(()),
    }
}

/// This machine's name, as every series carries it.
fn hostname() -> String {
    sysinfo::System::host_name().unwrap_or_else(|| "localhost".to_owned())
}
