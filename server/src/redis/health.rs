//! Whether Redis answers, as `/healthz` reports it: ok, or down with the error.
//! One log line per change, never one per failed attempt.

use std::sync::Mutex;

use serde_json::{json, Value};

/// The link to Redis as last seen (shared by the appender and the follower).
pub struct Health {
    /// `None`: ok; otherwise the last error.
    down: Mutex<Option<String>>,
}

impl Health {
    /// Not connected yet.
    pub fn new() -> Self {
        Health { down: Mutex::new(Some("not connected yet".into())) }
    }

    /// A command succeeded.
    pub fn ok(&self) {
        let was = self.lock().take();
        if was.is_some() {
            tracing::info!("redis answers: sharing hosts with the other hubs");
        }
    }

    /// A command failed with `error`.
    pub fn down(&self, error: &str) {
        let mut down = self.lock();
        if down.is_none() {
            tracing::warn!(
                "redis is unreachable ({error}): serving this hub's own agents' hosts and queueing their frames"
            );
        }
        *down = Some(error.to_owned());
    }

    /// Whether the last command succeeded.
    pub fn is_ok(&self) -> bool {
        self.lock().is_none()
    }

    /// `{"status":"ok"}` or `{"status":"down","error":…}`.
    pub fn json(&self) -> Value {
        match self.lock().as_ref() {
            None => json!({ "status": "ok" }),
            Some(error) => json!({ "status": "down", "error": error }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.down.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for Health {
    fn default() -> Self {
        Health::new()
    }
}
