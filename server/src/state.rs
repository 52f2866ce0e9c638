//! The state every handler shares.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::access::Access;
use crate::error::AppError;
use crate::fleet::Fleet;
use crate::host::Hosts;
use crate::hub::Hub;
use crate::origin::Origins;
use crate::persist::Persist;

/// Shared by every handler (cheap to clone: all `Arc`s).
#[derive(Clone)]
pub struct AppState {
    /// The hub's own host (frames, history, epoch), and the server's shutdown
    /// signal (also with `--no-local`, when it samples nothing).
    pub hub: Arc<Hub>,
    /// Every host, the hub's own and those agents push.
    pub fleet: Arc<Fleet>,
    /// The history store (memory only when it could not be opened).
    pub persist: Arc<Persist>,
    /// Alert rules, their states and the webhook outbox (off without `--alerts`).
    pub alerts: Arc<crate::alerts::Alerts>,
    /// How much history each agent host keeps (`--agent-window`).
    pub agent_window: Duration,
    /// Who may see what: users, sessions, tokens, share links, agents' tokens.
    pub access: Arc<Access>,
    /// How long a session lasts (`--session-ttl`).
    pub session_ttl: Duration,
    /// Whether session cookies are `Secure` (the hub serves TLS, or its public URL
    /// is https).
    pub secure_cookies: bool,
    /// Which browser origins may use the API.
    pub origins: Arc<Origins>,
    /// Which host names requests may carry (against DNS rebinding).
    pub hosts: Arc<Hosts>,
    /// Streaming connections open now.
    pub connections: Arc<AtomicUsize>,
    /// The most streaming connections allowed at once.
    pub max_connections: usize,
    /// What clients are told to wait before reconnecting after a restart.
    pub retry: Duration,
    /// The built web app served at `/` (may not exist: `/` then says how to build it).
    pub dist: Arc<Path>,
    /// The hosts shared with other hubs through Redis (`--redis`), when this hub is one of several.
    pub redis: Option<Arc<crate::redis::Redis>>,
}

/// A counted streaming connection; dropping it frees the slot.
pub struct Slot(Arc<AtomicUsize>);

impl AppState {
    /// Takes a connection slot, or says to come back later.
    pub fn slot(&self) -> Result<Slot, AppError> {
        if *self.hub.shutdown_signal().borrow() {
            return Err(AppError::Unavailable { reason: "the server is restarting", retry_after: self.retry_secs() });
        }
        let previous = self.connections.fetch_add(1, Ordering::AcqRel);
        let slot = Slot(Arc::clone(&self.connections));
        if previous >= self.max_connections {
            return Err(AppError::Unavailable { reason: "too many connections", retry_after: 5 });
        }
        Ok(slot)
    }

    /// The hub of host `id` (a request's `host=`; none: the hub's own, or the only one).
    pub fn hub_for(&self, id: Option<&str>) -> Result<Arc<Hub>, AppError> {
        Ok(self.fleet.hub(id)?)
    }

    /// Host `id`'s id and hub, resolved as [`AppState::hub_for`] does: the id a
    /// stream's `hello` names (no `id`: the hub's own host's, as `/api/v1/hosts`
    /// lists it).
    pub fn host_and_hub(&self, id: Option<&str>) -> Result<(String, Arc<Hub>), AppError> {
        Ok(self.fleet.host_and_hub(id)?)
    }

    /// The id and hub of the stream a request's `host=` names, in the shape its
    /// `columns=` asks for (the `@fleet` summary in columns, or keyed).
    pub fn stream_hub(&self, params: &crate::routes::params::Params) -> Result<(String, Arc<Hub>), AppError> {
        Ok(self.fleet.stream_hub(params.get("host"), params.columns()?)?)
    }

    /// `retry` in whole seconds, at least 1.
    pub fn retry_secs(&self) -> u64 {
        self.retry.as_secs().max(1)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
