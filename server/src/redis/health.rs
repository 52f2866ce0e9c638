//! Whether Redis answers, as `/healthz` reports it (ok, or down with the error and
//! since when) and as pages are told it (the `{"type":"hub",…}` message, published
//! on a `watch` channel that every stream asking with `hub=REV` listens to). One log
//! line per change (the first answer or failure included), never one per failed
//! attempt.

use std::sync::{Arc, Mutex};

use pulse_protocol::{HubStatus, ServerMessage};
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::hub::{now_ms, to_json};

/// The link to Redis as last seen (shared by the appender and the follower).
pub struct Health {
    link: Mutex<Link>,
    /// What pages are told, once per change.
    told: watch::Sender<Arc<Told>>,
}

enum Link {
    /// Nothing tried yet.
    Connecting,
    /// The last command succeeded.
    Ok,
    /// The last command failed with `error`; the first failure was at `since` (ms).
    Down { error: String, since: i64 },
}

/// One published hub status and its message, serialised once.
#[derive(Debug)]
pub struct Told {
    /// The status's revision: the time of the change in ms, always growing (never 0,
    /// which a page sends when it holds none).
    pub rev: u64,
    /// `{"type":"hub",…}`.
    pub json: String,
}

impl Told {
    /// `status` as its message.
    pub fn new(status: HubStatus) -> Told {
        Told { rev: status.rev, json: to_json(&ServerMessage::Hub(status)) }
    }
}

impl Health {
    /// Not connected yet.
    pub fn new() -> Self {
        let first = HubStatus { rev: now_ms().max(1) as u64, redis_down_since: None };
        Health { link: Mutex::new(Link::Connecting), told: watch::channel(Arc::new(Told::new(first))).0 }
    }

    /// A command succeeded.
    pub fn ok(&self) {
        let mut link = self.lock();
        if !matches!(*link, Link::Ok) {
            tracing::info!("redis answers: sharing hosts with the other hubs");
            self.tell(None);
        }
        *link = Link::Ok;
    }

    /// Whether the last command succeeded.
    pub fn is_ok(&self) -> bool {
        matches!(*self.lock(), Link::Ok)
    }

    /// A command failed with `error`.
    pub fn down(&self, error: &str) {
        let mut link = self.lock();
        let since = match &*link {
            Link::Down { since, .. } => *since,
            _ => {
                tracing::warn!(
                    "redis is unreachable ({error}): serving this hub's own agents' hosts and queueing their frames"
                );
                let since = now_ms();
                self.tell(Some(since));
                since
            }
        };
        *link = Link::Down { error: error.to_owned(), since };
    }

    /// `{"status":"ok"}` or `{"status":"down","error":…,"since":ms}`.
    pub fn json(&self) -> Value {
        match &*self.lock() {
            Link::Ok => json!({ "status": "ok" }),
            Link::Connecting => json!({ "status": "down", "error": "not connected yet" }),
            Link::Down { error, since } => json!({ "status": "down", "error": error, "since": since }),
        }
    }

    /// What pages are told, as it changes.
    pub fn told(&self) -> watch::Receiver<Arc<Told>> {
        self.told.subscribe()
    }

    /// Publishes a new status: Redis down since `down_since`, or answering.
    fn tell(&self, down_since: Option<i64>) {
        self.told.send_modify(|told| {
            let rev = (now_ms().max(0) as u64).max(told.rev + 1);
            *told = Arc::new(Told::new(HubStatus { rev, redis_down_since: down_since }));
        });
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
    fn healthz_says_down_until_redis_answers_and_keeps_the_last_error_and_the_first_failure() {
        let health = Health::new();
        assert_eq!(health.json(), json!({ "status": "down", "error": "not connected yet" }));
        health.down("refused");
        let since = health.json()["since"].as_i64().expect("since");
        health.down("timed out");
        assert_eq!(health.json(), json!({ "status": "down", "error": "timed out", "since": since }));
        health.ok();
        assert_eq!(health.json(), json!({ "status": "ok" }));
    }

    #[test]
    fn pages_are_told_once_per_change_with_a_growing_revision() {
        let health = Health::new();
        let mut told = health.told();
        let first = Arc::clone(&told.borrow_and_update());
        assert!(first.rev > 0 && first.json.contains(r#""redis_down_since":null"#), "nothing to show yet: {first:?}");
        health.down("refused");
        assert!(told.has_changed().expect("open"));
        let down = Arc::clone(&told.borrow_and_update());
        assert!(down.json.starts_with(r#"{"type":"hub","rev":"#), "{}", down.json);
        assert!(down.json.contains(r#""redis_down_since":"#) && !down.json.contains("null"), "{}", down.json);
        health.down("timed out");
        assert!(!told.has_changed().expect("open"), "still down: nothing new");
        health.ok();
        let up = Arc::clone(&told.borrow_and_update());
        assert!(up.rev > down.rev);
        assert!(up.json.contains(r#""redis_down_since":null"#), "{}", up.json);
        health.ok();
        assert!(!told.has_changed().expect("open"), "still answering: nothing new");
    }
}
