//! Command-line flags and environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

pub mod redis;
pub mod store;

/// Pulse's server: samples this host and streams it to browsers.
#[derive(Debug, Clone, Parser)]
#[command(name = "pulse-server", version, about)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, env = "PULSE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// How often to sample the host, e.g. `1s`, `250ms` (a bare number is milliseconds).
    #[arg(long, env = "PULSE_INTERVAL", default_value = "1s", value_parser = duration)]
    pub interval: Duration,

    /// How much history to keep for resuming clients and backfill, e.g. `1h`.
    #[arg(long, env = "PULSE_HISTORY", default_value = "1h", value_parser = duration)]
    pub history: Duration,

    /// How much history to keep of each host an agent pushes, e.g. `10m`: in memory,
    /// compact (about 14 KiB a minute at 1 Hz, beside about 40 KiB a host for its
    /// link and newest frames). A client resuming from further back gets an explicit gap.
    #[arg(long, env = "PULSE_AGENT_WINDOW", default_value = "3m", value_parser = duration)]
    pub agent_window: Duration,

    /// The longest silence on a stream before the server sends a heartbeat.
    #[arg(long, env = "PULSE_HEARTBEAT", default_value = "5s", value_parser = duration)]
    pub heartbeat: Duration,

    /// The built web app to serve at `/` (default: `./dist`, else the repository's `dist/`).
    #[arg(long, env = "PULSE_DIST")]
    pub dist: Option<PathBuf>,

    /// Another origin allowed to use the API from a browser (repeatable; `*` allows any),
    /// e.g. where a static copy of the web app is hosted.
    #[arg(long = "allow-origin", env = "PULSE_ALLOW_ORIGINS", value_delimiter = ',', value_parser = origin)]
    pub allow_origins: Vec<String>,

    /// A host name browsers may use for this server besides its IP addresses and
    /// `localhost` (repeatable; port ignored; `*.example.com` allows the names under it).
    /// Requests naming any other host get a 421: the defence against DNS rebinding.
    #[arg(long = "allow-host", env = "PULSE_ALLOW_HOSTS", value_delimiter = ',', value_parser = crate::host::flags::allowed_host)]
    pub allow_hosts: Vec<String>,

    /// The URL browsers use to reach this server, e.g. `https://pulse.example.com/dash/`:
    /// its host is allowed (see `--allow-host`) and its origin is the server's own.
    #[arg(long, env = "PULSE_PUBLIC_URL", value_parser = crate::host::flags::public_url)]
    pub public_url: Option<crate::host::flags::PublicUrl>,

    /// Runtime worker threads (default: one per core); 1 runs everything on one thread.
    #[arg(long, env = "PULSE_WORKERS", value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub workers: Option<usize>,

    /// Most streams (WebSocket, SSE, held long-polls) at once; all connections
    /// together at most 64 more, for plain requests. Both are lowered to fit the
    /// open-file limit, less what the server needs itself; more get a 503.
    #[arg(long, env = "PULSE_MAX_CONNECTIONS", default_value_t = 19_000)]
    pub max_connections: usize,

    /// Most connections one client address may hold (an IPv6 /64 counts as one
    /// address; behind a `--trusted-proxy`, the browser's address); 0 for no cap.
    #[arg(long, env = "PULSE_MAX_PER_ADDRESS", default_value_t = 128)]
    pub max_per_address: usize,

    /// A reverse proxy whose `Forwarded` / `X-Forwarded-For` / `X-Real-IP` name the
    /// browser's address, which its connections then count against (repeatable).
    #[arg(long = "trusted-proxy", env = "PULSE_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// How long a connection may take to send a request's headers, counted from
    /// when it opens or its previous answer ends (so also the idle keep-alive time).
    #[arg(long, env = "PULSE_HEADER_TIMEOUT", default_value = "5s", value_parser = duration)]
    pub header_timeout: Duration,

    /// A token agents may present to push their hosts here (repeatable); without
    /// any, agents are refused and the hub serves its own host only.
    #[arg(long = "agent-token", env = "PULSE_AGENT_TOKENS", value_delimiter = ',', hide_env_values = true)]
    pub agent_tokens: Vec<String>,

    /// Let everyone read every host without signing in (admins still sign in to
    /// manage). Needed to serve a non-loopback address before any user exists.
    #[arg(long, env = "PULSE_PUBLIC_READ_ONLY")]
    pub public_read_only: bool,

    /// How long a sign-in lasts, e.g. `12h`, `7d`.
    #[arg(long, env = "PULSE_SESSION_TTL", default_value = "7d", value_parser = duration)]
    pub session_ttl: Duration,

    /// The hub's own host's name (default: the machine's hostname); also its id.
    #[arg(long, env = "PULSE_NAME", value_parser = host_name)]
    pub name: Option<String>,

    /// Do not sample this machine: serve only the hosts agents push.
    #[arg(long, env = "PULSE_NO_LOCAL")]
    pub no_local: bool,

    /// PEM certificate chain: serve HTTPS and WSS (with `--tls-key`).
    #[arg(long, env = "PULSE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "PULSE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// What clients are told to wait before reconnecting after a restart.
    #[arg(long, env = "PULSE_RETRY", default_value = "1s", value_parser = duration)]
    pub retry: Duration,

    /// Where every host's history is kept, for months (made on first start).
    /// Default: $XDG_DATA_HOME/pulse, else ~/.local/share/pulse.
    #[arg(long, env = "PULSE_DATA")]
    pub data: Option<PathBuf>,

    /// Keep history in memory only: nothing is written to disk (wins over --data).
    #[arg(long, env = "PULSE_NO_STORE")]
    pub no_store: bool,

    /// How long a tier keeps history, TIER=DURATION (repeatable, or comma-separated).
    /// Defaults: raw=14d (every sample), 1m=365d, 1h=5y.
    #[arg(long, env = "PULSE_RETENTION", value_delimiter = ',', value_parser = store::retention)]
    pub retention: Vec<(String, Duration)>,

    /// How much a tier may hold on disk, TIER=SIZE; its oldest chunks go beyond it.
    /// Defaults: raw=64GiB, 1m=16GiB, 1h=4GiB.
    #[arg(long, env = "PULSE_CAP", value_delimiter = ',', value_parser = store::cap)]
    pub cap: Vec<(String, u64)>,

    /// The raw tier's block (an hour): how often a host's samples are sealed into a
    /// chunk with their rollups. Hidden, for tests only: they make hours end in
    /// seconds (`server/tests/redis_seal.rs`).
    #[arg(long = "test-block", hide = true, value_parser = duration)]
    pub test_block: Option<Duration>,

    /// The alert rules and webhooks (TOML; see README's "Alerts"). Read again when it
    /// changes and on SIGHUP; a file with problems is logged line by line and the
    /// rules before it are kept.
    #[arg(long, env = "PULSE_ALERTS")]
    pub alerts: Option<PathBuf>,

    /// Let webhooks reach loopback, private, link-local and unique-local addresses
    /// (refused by default, against SSRF).
    #[arg(long, env = "PULSE_WEBHOOK_ALLOW_PRIVATE")]
    pub webhook_allow_private: bool,

    /// How long a webhook delivery is retried before it is given up, e.g. `1d`, `3d`.
    #[arg(long, env = "PULSE_WEBHOOK_HORIZON", default_value = "1d", value_parser = duration)]
    pub webhook_horizon: Duration,

    /// `--redis` and `--redis-window`: scale-out over Redis Streams.
    #[command(flatten)]
    pub redis: redis::RedisFlags,
}

impl Config {
    /// The history store's directory, unless history is kept in memory only.
    pub fn data_dir(&self) -> Option<PathBuf> {
        (!self.no_store).then(|| self.data.clone().unwrap_or_else(store::default_dir))
    }

    /// Where users, tokens and share links are kept: `--data` (also with
    /// `--no-store`, when given), else the default data directory unless `--no-store`.
    pub fn access_dir(&self) -> Option<PathBuf> {
        match (&self.data, self.no_store) {
            (Some(dir), _) => Some(dir.clone()),
            (None, false) => Some(store::default_dir()),
            (None, true) => None,
        }
    }

    /// The store's tiers, with `--retention` and `--cap` applied (and `--test-block`).
    pub fn tiers(&self) -> pulse_store::Tiers {
        let mut tiers = store::tiers(&self.retention, &self.cap);
        if let Some(block) = self.test_block {
            tiers.0[pulse_store::tier::RAW].block_ms = i64::try_from(block.as_millis()).unwrap_or(i64::MAX).max(1);
        }
        tiers
    }

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

/// An origin as browsers send it, `scheme://host[:port]` (a trailing `/` is
/// dropped), or `*` for any: anything else could never match, so it is refused.
pub fn origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text == "*" {
        return Ok(text.to_owned());
    }
    let origin = text.trim_end_matches('/');
    let ok = origin.split_once("://").is_some_and(|(scheme, authority)| {
        !scheme.is_empty()
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            && !authority.is_empty()
            && !authority.contains(['/', '?', '#', '@', ' '])
    });
    if ok {
        Ok(origin.to_owned())
    } else {
        Err(format!(
            "{text:?} is not an origin: write it as the browser's address bar shows it, scheme and host \
             (and port), e.g. https://dash.example or http://127.0.0.1:8081; or * for any"
        ))
    }
}

/// The hub's own host's name, which is also its id in URLs (`host=`), in the fleet
/// summary's series (`{id}/{metric}`) and in Redis keys: 1 to 128 bytes of text,
/// without `/`, and not starting with `@` (`@fleet` is the summary's own stream).
pub fn host_name(text: &str) -> Result<String, String> {
    if pulse_protocol::fleet::is_host_id(text) {
        Ok(text.to_owned())
    } else {
        Err("a host name is 1 to 128 bytes of text, without `/` and not starting with `@` (the fleet summary's)".into())
    }
}

/// A positive duration: `250ms`, `1s`, `1h 30m`, or a bare number of milliseconds.
pub fn duration(text: &str) -> Result<Duration, String> {
    let parsed = match text.trim().parse::<u64>() {
        Ok(ms) => Duration::from_millis(ms),
        Err(_) => humantime::parse_duration(text).map_err(|e| format!("{e}; write e.g. 250ms, 1s, 1h"))?,
    };
    if parsed.is_zero() {
        return Err("must be longer than zero".into());
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_or_bare_milliseconds() {
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(duration("1500"), Ok(Duration::from_millis(1500)));
        assert_eq!(duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(duration("0").is_err());
        assert!(duration("0s").is_err());
        assert!(duration("soon").is_err());
    }

    #[test]
    fn the_hubs_own_host_name_cannot_pass_for_the_fleet_or_a_path() {
        for good in ["hub-1", "web 1", "ü 名 {odd}: x", &"n".repeat(128)] {
            assert_eq!(host_name(good).as_deref(), Ok(good), "{good}");
        }
        for bad in ["", "@fleet", "@x", "a/b", "tab\there", &"n".repeat(129)] {
            assert!(host_name(bad).is_err(), "{bad:?}");
        }
        let error = Config::try_parse_from(["pulse-server", "--name", "@fleet"]).unwrap_err();
        assert!(error.to_string().contains("not starting with `@`"), "{error}");
    }

    #[test]
    fn origins_must_be_scheme_and_host() {
        assert_eq!(origin("https://a.example/").as_deref(), Ok("https://a.example"));
        assert_eq!(origin(" http://127.0.0.1:8081 ").as_deref(), Ok("http://127.0.0.1:8081"));
        assert_eq!(origin("*").as_deref(), Ok("*"));
        for bad in ["a.example", "https://", "https://a.example/dash", "//a.example", "https://a.example?x"] {
            assert!(origin(bad).is_err(), "{bad}");
        }
        let error = Config::try_parse_from(["pulse-server", "--allow-origin", "dash.example"]).unwrap_err();
        assert!(error.to_string().contains("is not an origin"), "{error}");
    }

    #[test]
    fn defaults_and_repeated_origins() {
        let config = Config::parse_from(["pulse-server", "--allow-origin", "https://a.example,https://b.example"]);
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.interval, Duration::from_secs(1));
        assert_eq!(config.max_connections, 19_000);
        assert_eq!(config.agent_window, Duration::from_secs(180));
        assert_eq!(config.allow_origins, ["https://a.example", "https://b.example"]);
    }
}
