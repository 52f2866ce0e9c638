//! Whether Redis answers, as `/healthz` reports it: ok, or down with the error.
//! One log line per change (the first answer or failure included), never one per
//! failed attempt.

use std::sync::Mutex;

use serde_json::{json, Value};

/// The link to Redis as last seen (shared by the appender and the follower).
pub struct Health {
    link: Mutex<Link>,
}

enum Link {
    /// Nothing tried yet.
    Connecting,
    /// The last command succeeded.
    Ok,
    /// The last command failed with this error.
    Down(String),
}

impl Health {
    /// Not connected yet.
    pub fn new() -> Self {
        Health { link: Mutex::new(Link::Connecting) }
    }

    /// A command succeeded.
    pub fn ok(&self) {
        let mut link = self.lock();
        if !matches!(*link, Link::Ok) {
            tracing::info!("redis answers: sharing hosts with the other hubs");
        }
        *link = Link::Ok;
    }

    /// A command failed with `error`.
    pub fn down(&self, error: &str) {
        let mut link = self.lock();
        if !matches!(*link, Link::Down(_)) {
            tracing::warn!(
                "redis is unreachable ({error}): serving this hub's own agents' hosts and queueing their frames"
            );
        }
        *link = Link::Down(error.to_owned());
    }

    /// `{"status":"ok"}` or `{"status":"down","error":…}`.
    pub fn json(&self) -> Value {
        match &*self.lock() {
            Link::Ok => json!({ "status": "ok" }),
            Link::Connecting => json!({ "status": "down", "error": "not connected yet" }),
            Link::Down(error) => json!({ "status": "down", "error": error }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Link> {
        self.link.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for Health {
    fn default() -> Self {
        Health::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthz_says_down_until_redis_answers_and_keeps_the_last_error() {
        let health = Health::new();
        assert_eq!(health.json(), json!({ "status": "down", "error": "not connected yet" }));
        health.down("refused");
        health.down("timed out");
        assert_eq!(health.json(), json!({ "status": "down", "error": "timed out" }));
        health.ok();
        assert_eq!(health.json(), json!({ "status": "ok" }));
    }
}
