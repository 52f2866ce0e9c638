//! `hub=REV` on a stream (`/ws`, `/sse`, `/poll`): the client wants the hub status
//! (`{"type":"hub",…}`: whether this hub's link to Redis is down, and since when)
//! and holds revision `REV` (0: none). It is sent the current status when that is
//! another revision, so every stream opened with `hub=0` gets one (a hub without
//! `--redis` has only [`NOTHING`], so a page that moved from a hub whose Redis was
//! down is told there is nothing to show), then every change. The message carries no seq: no stream's cursor moves with it. A
//! client that does not ask (an older page, an agent) is never sent one.

use std::sync::Arc;

use pulse_protocol::{HubStatus, ServerMessage};
use tokio::sync::watch;

use super::params::Params;
use crate::error::AppError;
use crate::hub::to_json;
use crate::redis::health::Told;
use crate::state::AppState;

/// The revision of a hub without `--redis`: nothing to show, ever.
pub const NOTHING: u64 = 1;

/// One stream's view of the hub status.
pub struct HubFeed {
    /// Whether the client asked.
    asked: bool,
    /// The published statuses (none without `--redis`).
    statuses: Option<watch::Receiver<Arc<Told>>>,
    /// The revision the client holds.
    have: u64,
}

impl HubFeed {
    /// The feed a request asks for with `hub=` (none without it).
    pub fn new(state: &AppState, params: &Params) -> Result<HubFeed, AppError> {
        let Some(have) = params.revision("hub", "the hub status")? else {
            return Ok(HubFeed { asked: false, statuses: None, have: 0 });
        };
        Ok(HubFeed { asked: true, statuses: state.redis.as_ref().map(|redis| redis.told()), have })
    }

    /// The message to send now, when the client holds another revision than the
    /// current one (it holds the current one afterwards).
    pub fn due(&mut self) -> Option<String> {
        if !self.asked {
            return None;
        }
        let (rev, json) = match self.statuses.as_mut() {
            Some(statuses) => {
                let told = Arc::clone(&statuses.borrow_and_update());
                (told.rev, told.json.clone())
            }
            None => (NOTHING, to_json(&ServerMessage::Hub(HubStatus { rev: NOTHING, redis_down_since: None }))),
        };
        if rev == self.have {
            return None;
        }
        self.have = rev;
        Some(json)
    }

    /// Resolves when the status changes (then [`HubFeed::due`] has it); never for a
    /// client that did not ask, or on a hub without `--redis`. Cancel-safe.
    pub async fn changed(&mut self) {
        let changed = match self.statuses.as_mut().filter(|_| self.asked) {
            Some(statuses) => statuses.changed().await.is_ok(),
            None => false,
        };
        if !changed {
            std::future::pending::<()>().await;
        }
    }
}
