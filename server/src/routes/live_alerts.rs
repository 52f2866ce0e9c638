//! `alerts=REV` on a stream (`/ws`, `/sse`, `/poll`): the client wants the live
//! alerts (`{"type":"alerts",…}`) and holds revision `REV` (0: none yet). It is
//! sent the current set when that is another revision, then every new one. A share
//! link for one host is sent that host's alerts only. The message carries no seq:
//! no stream's cursor moves with it. A client that does not ask (an older page, an
//! agent) is never sent one.

use std::sync::Arc;

use tokio::sync::watch;

use super::params::Params;
use crate::access::grant::Grant;
use crate::alerts::live::Snapshot;
use crate::error::AppError;
use crate::state::AppState;

/// One stream's view of the live alerts.
pub struct AlertsFeed {
    /// The published sets; none when the client did not ask.
    sets: Option<watch::Receiver<Arc<Snapshot>>>,
    /// The revision the client holds.
    have: u64,
    /// A share link's one host.
    only_host: Option<String>,
}

impl AlertsFeed {
    /// The feed a request asks for with `alerts=` (none without it).
    pub fn new(state: &AppState, params: &Params, grant: Option<&Grant>) -> Result<AlertsFeed, AppError> {
        let Some(have) = params.revision("alerts", "the alerts")? else {
            return Ok(AlertsFeed { sets: None, have: 0, only_host: None });
        };
        let only_host = grant.and_then(Grant::only_host).map(str::to_owned);
        Ok(AlertsFeed { sets: Some(state.alerts.live()), have, only_host })
    }

    /// The message to send now, when the client holds another revision than the
    /// current one (it holds the current one afterwards).
    pub fn due(&mut self) -> Option<String> {
        let sets = self.sets.as_mut()?;
        let set = Arc::clone(&sets.borrow_and_update());
        if set.rev == self.have {
            return None;
        }
        self.have = set.rev;
        Some(set.message_for(self.only_host.as_deref()).into_owned())
    }

    /// Resolves when a new set is published (then [`AlertsFeed::due`] has it);
    /// never for a client that did not ask. Cancel-safe.
    pub async fn changed(&mut self) {
        let changed = match self.sets.as_mut() {
            Some(sets) => sets.changed().await.is_ok(),
            None => false,
        };
        if !changed {
            std::future::pending::<()>().await;
        }
    }
}
