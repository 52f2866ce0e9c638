//! `--redis` and `--redis-window`: whether this hub is one of several sharing Redis
//! Streams (see `crate::redis`), and how long each host's stream keeps its frames.

use std::time::Duration;

/// The scale-out flags (flattened into [`super::Config`]).
#[derive(Debug, Clone, clap::Args)]
pub struct RedisFlags {
    /// Share hosts with other hubs through Redis Streams, e.g. `redis://127.0.0.1:6379/0`:
    /// every hub serves every host, live and from history, and one agent per host is
    /// accepted across them all. Without it the hub stands alone and needs no Redis.
    #[arg(long = "redis", env = "PULSE_REDIS", value_parser = redis_url, hide_env_values = true)]
    pub url: Option<RedisUrl>,

    /// How long each host's Redis stream keeps its frames (trimmed by age), e.g. `10m`:
    /// a hub that starts, or a browser that moves to another hub, resumes within it.
    #[arg(long, env = "PULSE_REDIS_WINDOW", default_value = "10m", value_parser = super::duration)]
    pub redis_window: Duration,

    /// How long past an hour's end (and `persist::share::GRACE_MS`) a hub waits for
    /// the hub that holds a host's claim to seal the hour, before it seals it by
    /// itself. Hidden: tests shorten it (with `--test-block`); 10 minutes otherwise.
    #[arg(long = "test-seal-wait", hide = true, default_value = "10m", value_parser = super::duration)]
    pub seal_wait: Duration,
}

/// A `redis://` URL; shown without its password.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(pub String);

impl std::fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = match self.0.split_once('@') {
            Some((_, rest)) => format!("redis://…@{rest}"),
            None => self.0.clone(),
        };
        f.write_str(&shown)
    }
}

/// Reads `redis://HOST:PORT[/DB]` (also `rediss://` and `redis+unix://`), checked
/// the way the client will read it.
pub fn redis_url(text: &str) -> Result<RedisUrl, String> {
    let text = text.trim();
    match ::redis::Client::open(text) {
        Ok(_) => Ok(RedisUrl(text.to_owned())),
        Err(error) => Err(format!("{error}; write e.g. redis://127.0.0.1:6379/0")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_shown_without_a_password() {
        assert!(redis_url("redis://127.0.0.1:6379/0").is_ok());
        assert!(redis_url("redis://127.0.0.1").is_ok());
        assert!(redis_url("127.0.0.1:6379").is_err());
        assert!(redis_url("http://127.0.0.1:6379").is_err());
        let url = redis_url("redis://:hunter2@10.0.0.5:6379").expect("a url");
        assert!(!format!("{url:?}").contains("hunter2"));
    }
}
