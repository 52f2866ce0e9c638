//! What a stream sends beside its frames, and only to a client that asked: the live
//! alerts (`alerts=REV`, [`AlertsFeed`]) and the hub status (`hub=REV`,
//! [`HubFeed`]). Neither carries a seq or moves a cursor.

use super::hub_status::HubFeed;
use super::live_alerts::AlertsFeed;
use super::params::Params;
use crate::access::grant::Grant;
use crate::error::AppError;
use crate::state::AppState;

/// One stream's notices.
pub struct Notices {
    alerts: AlertsFeed,
    hub: HubFeed,
}

impl Notices {
    /// The notices a request asks for (`alerts=`, `hub=`); a malformed revision is a 400.
    pub fn new(state: &AppState, params: &Params, grant: Option<&Grant>) -> Result<Notices, AppError> {
        Ok(Notices { alerts: AlertsFeed::new(state, params, grant)?, hub: HubFeed::new(state, params)? })
    }

    /// The next message to send now, if any: call until `None`.
    pub fn due(&mut self) -> Option<String> {
        self.alerts.due().or_else(|| self.hub.due())
    }

    /// Resolves when either changed (then [`Notices::due`] has it). Cancel-safe.
    pub async fn changed(&mut self) {
        tokio::select! {
            () = self.alerts.changed() => {}
            () = self.hub.changed() => {}
        }
    }
}
