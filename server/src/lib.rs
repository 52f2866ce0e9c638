//! Pulse's server: samples this host and streams it to browsers over WebSocket,
//! Server-Sent Events, long-polling and polling, and serves the web app.
//!
//! [`app`] builds the router from a state (tests call it directly); [`run`] is the
//! whole server: bind, sample, serve, shut down gracefully.

pub mod access;
pub mod agent;
pub mod alerts;
pub mod background;
pub mod cli;
pub mod config;
pub mod error;
pub mod fanout;
pub mod fleet;
pub mod gate;
pub mod history;
pub mod host;
pub mod hub;
pub mod limits;
pub mod listen;
pub mod log_filter;
pub mod origin;
pub mod persist;
pub mod quote;
pub mod redis;
pub mod routes;
pub mod sampler;
pub mod shutdown;
pub mod state;

use std::io::Write;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use access::Access;
use config::Config;
use fleet::Fleet;
use host::Hosts;
use hub::{Hub, Timing};
use origin::Origins;
use persist::Persist;
use pulse_protocol::Epoch;
use state::AppState;

/// How long the server waits for the first sample before accepting connections.
const FIRST_FRAME_WAIT: Duration = Duration::from_secs(3);

/// How long a `--redis` hub waits at start for its first read of the fleet's
/// users before it serves anyway.
const FLEET_FIRST_READ: Duration = Duration::from_secs(2);

/// How long streams get to say goodbye after a shutdown signal.
const GOODBYE_GRACE: Duration = Duration::from_secs(2);

/// The access state for a configuration served on `address`: fails when the
/// access file cannot be read, or when the hub would serve a non-loopback address
/// without sign-in (see `Access::check_start`).
pub fn access(config: &Config, address: std::net::SocketAddr) -> std::io::Result<Arc<Access>> {
    let settings = access::Settings {
        dir: config.access_dir(),
        loopback: address.ip().is_loopback(),
        public_read_only: config.public_read_only,
        session_ttl: config.session_ttl,
        agent_tokens: config.agent_tokens.clone(),
        fleet: config.redis.url.is_some(),
    };
    let invalid = |text: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, text);
    let access = Access::open(settings).map_err(|e| invalid(e.to_string()))?;
    access.check_start(address).map_err(invalid)?;
    let behind_proxy =
        !config.trusted_proxies.is_empty() || config.public_url.is_some() || !config.allow_hosts.is_empty();
    if address.ip().is_loopback() && behind_proxy && !access.has_users() && !config.public_read_only {
        tracing::warn!(
            "this hub has no users: it serves requests made on this machine, but refuses those that come \
             through a proxy or by a public name until one exists (`pulse-server user add NAME --role admin`), \
             or until it is started with --public-read-only"
        );
    }
    Ok(access)
}

/// The shared state for a configuration (the hub starts empty; see [`run`]).
pub fn state(config: &Config, access: Arc<Access>) -> AppState {
    let timing = Timing { interval: config.interval, heartbeat: config.heartbeat, history: config.history };
    let name = config.name.clone().unwrap_or_else(hostname);
    let persist = config.data_dir().map_or_else(Persist::none, |dir| Persist::open(&dir, config.tiers()));
    let stored = persist.hosts().unwrap_or_default();
    // The hub's own host continues its stored stream: same epoch, next seq, so a
    // browser's cursor from before a restart still resumes.
    let own = stored.iter().find(|h| h.local && h.id == name && !config.no_local);
    let hub = match own {
        Some(h) => Hub::restored(name.clone(), Epoch(h.epoch.clone()), timing, (h.newest_seq, h.newest_ts), false),
        None => Hub::new(name.clone(), timing),
    };
    if let Some(catalog) = own.and_then(Persist::parse_catalog) {
        hub.set_catalog(catalog);
    }
    let alerts = alerts::Alerts::open(config);
    let hub = Arc::new(hub.keeping(persist.keeper(&name)).watched(alerts.watcher(&name)));
    let fleet = Fleet::keeping(config.heartbeat, Arc::clone(&persist));
    alerts.watch(&fleet);
    let agent_timing = Timing { history: config.agent_window, ..timing };
    for record in stored.iter().filter(|h| own.is_none_or(|own| own.id != h.id)) {
        fleet.restore(record, agent_timing);
    }
    if !config.no_local {
        fleet.add_local(name, Arc::clone(&hub));
    }
    AppState {
        hub,
        fleet,
        persist,
        alerts,
        agent_window: config.agent_window,
        access,
        session_ttl: config.session_ttl,
        secure_cookies: config.tls_cert.is_some()
            || config.public_url.as_ref().is_some_and(|u| u.origin.starts_with("https:")),
        origins: Arc::new(Origins::new(&own_and_allowed_origins(config))),
        hosts: Arc::new(Hosts::new(config.listen.ip(), &config.allow_hosts, config.public_url.as_ref())),
        connections: Arc::new(AtomicUsize::new(0)),
        max_connections: config.max_connections,
        retry: config.retry,
        dist: config.dist_dir().into(),
        redis: None,
    }
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> std::io::Result<()> {
    limits::raise_open_files();
    // Before binding: a hub that would serve without sign-in opens no socket.
    drop(access(&config, config.listen)?);
    let listener = listen_on(config.listen).map_err(|error| {
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
    let scheme = if config.tls_cert.is_some() { "https" } else { "http" };
    let _ = writeln!(stdout, "listening on {scheme}://{}/", listener.local_addr()?);
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
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(
            listen::tls::acceptor(cert, key).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
        ),
        _ => None,
    };
    if tls.is_none() && !address.ip().is_loopback() {
        tracing::warn!(
            %address,
            "serving plain HTTP on a non-loopback address: anyone on the path can read and change what is sent; \
             give --tls-cert and --tls-key, or put a TLS proxy in front"
        );
    }
    let caps = limits::caps(config.max_connections, limits::open_files());
    if caps.streams < config.max_connections {
        tracing::warn!(
            wanted = config.max_connections,
            cap = caps.streams,
            "the open-file limit holds fewer clients than --max-connections; raise `ulimit -Hn` for more"
        );
    }
    let access = access(&config, address)?;
    let mut state = state(&config, access);
    state.max_connections = caps.streams;
    let hub = state.hub.clone();
    if !config.no_local {
        let samples = sampler::spawn(hub.host().to_owned(), config.interval)?;
        tokio::spawn(hub::publisher::run(hub.clone(), samples));
        hub.first_frame(FIRST_FRAME_WAIT).await;
    }
    if let Some(url) = &config.redis.url {
        let agent_timing = Timing { history: config.agent_window, ..hub.timing() };
        let redis = redis::Redis::start(
            url,
            config.redis.redis_window,
            state.fleet.clone(),
            agent_timing,
            hub.shutdown_signal(),
            hub.host(),
        )
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        if !config.no_local {
            redis.share_own(hub.clone());
        }
        // A published hour outlives the longest wait for it (a non-owner stops
        // looking GRACE_MS + wait after the edge; the owner publishes after GRACE_MS).
        let wait = config.redis.seal_wait;
        let ttl = wait + Duration::from_millis(persist::share::GRACE_MS as u64) + Duration::from_secs(60);
        state.persist.share_seals(redis.seals(ttl), wait);
        let mirror = redis.share_access(state.access.clone());
        // A loopback hub without users is open only once it knows the fleet has
        // none either (`access::open`): read the fleet's copy before serving, so a
        // hub whose Redis answers starts as it will stay.
        if !mirror.first_read(FLEET_FIRST_READ).await && !state.access.has_users() {
            tracing::warn!(
                "access: redis did not answer within {} s; until it does, this hub (no users of its own) refuses \
                 what needs sign-in and says it waits for redis",
                FLEET_FIRST_READ.as_secs()
            );
        }
        state.redis = Some(redis);
    }
    let fleet = state.fleet.clone();
    fleet::summary::spawn(fleet.clone());
    let shared =
        state.redis.as_ref().filter(|_| config.alerts.is_some()).map(|redis| redis.alerts(state.alerts.local_rules()));
    state.alerts.spawn(fleet.clone(), shared);
    let persist = Arc::clone(&state.persist);
    persist.spawn(hub.shutdown_signal());
    if !state.dist.join("index.html").is_file() {
        tracing::warn!(dist = %state.dist.display(), "the web app is not built; / explains how to build it");
    }
    let shared_with = state.redis.clone();
    let app = routes::router(state);
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!("Pulse is live at {scheme}://{address}/");

    let shutdown_hub = hub.clone();
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down: telling clients to come back");
        fleet.begin_shutdown();
        shutdown_hub.begin_shutdown();
    });
    let settings = Arc::new(listen::Settings {
        header_timeout: config.header_timeout,
        write_stall: listen::conn::WRITE_STALL,
        clients: listen::clients::Clients::new(caps.total, config.max_per_address),
        proxies: listen::forwarded::TrustedProxies::new(&config.trusted_proxies),
        tls,
        watchdog: listen::watchdog::Watchdog::spawn(),
    });
    // Stops accepting on the shutdown signal and asks every connection to finish;
    // streams end with `bye` (the hub's signal). One grace period, counted from the
    // signal, bounds the wait for the last of them.
    listen::serve(listener, app, Arc::clone(&settings), hub.shutdown_signal()).await;
    let drained = listen::drained(&settings.clients, GOODBYE_GRACE).await;
    // What agents sent in the last moments is written before the process ends.
    let _ = tokio::task::spawn_blocking(move || persist.flush()).await;
    if let Some(redis) = shared_with {
        redis.finish().await;
    }
    drained
}

/// `--allow-origin`'s origins, and `--public-url`'s: the server's own origin even
/// when a proxy forwards neither the browser's `Host` nor `X-Forwarded-Host`.
fn own_and_allowed_origins(config: &Config) -> Vec<String> {
    config.allow_origins.iter().cloned().chain(config.public_url.as_ref().map(|url| url.origin.clone())).collect()
}

/// Binds `address` with a listen queue of [`LISTEN_BACKLOG`] (std's is 128, which a
/// burst of reconnecting clients or a connection flood overflows: each dropped
/// handshake then waits a second for its retry).
fn listen_on(address: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Connections the kernel may hold for the server before it accepts them (the
/// kernel caps it at `net.core.somaxconn`).
const LISTEN_BACKLOG: u32 = 4096;

/// This machine's name, as every series carries it.
fn hostname() -> String {
    sysinfo::System::host_name().unwrap_or_else(|| "localhost".to_owned())
}
