//! One live agent per host across the fleet: an agent's link holds
//! `pulse:host:{ID}:claim` (`SET NX PX`, the hub's id and a random token) for
//! [`TTL`], renewed every [`RENEW`] while the link is open and deleted when it
//! ends. When the hub dies, the claim runs out within [`TTL`] and the agent, which
//! moves to another hub, is accepted there.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{oneshot, watch};

use super::{keys, scripts, Shared};

/// How long a claim outlives its hub.
pub const TTL: Duration = Duration::from_secs(3);
/// How often a held claim is renewed.
pub const RENEW: Duration = Duration::from_secs(1);

/// A held claim; dropping it releases the claim.
pub struct Hold {
    _release: oneshot::Sender<()>,
    /// Turns false when another hub took the claim (it ran out while Redis was out
    /// of reach), true again if this link gets it back.
    held: watch::Receiver<bool>,
}

impl Hold {
    /// Whether the claim is still this link's, as the last renewal found it.
    pub fn held(&self) -> watch::Receiver<bool> {
        self.held.clone()
    }
}

/// Whether a claim's `holder` (its value) is a link of the hub `hub_id`.
pub fn is_ours(holder: &str, hub_id: &str) -> bool {
    holder.strip_prefix(hub_id).is_some_and(|rest| rest.starts_with(':'))
}

/// Takes host `id`'s claim: `None` when another hub's agent holds it. While Redis
/// is down the claim is granted here and taken in Redis once it answers.
pub async fn take(shared: &Arc<Shared>, id: &str) -> Option<Hold> {
    let key = keys::claim(id);
    let token = format!("{}:{:016x}", shared.hub_id, rand::random::<u64>());
    if let Some(mut conn) = shared.connection() {
        let set: Result<Option<String>, _> = ::redis::cmd("SET")
            .arg(&key)
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(TTL.as_millis() as u64)
            .query_async(&mut conn)
            .await;
        match set {
            Ok(Some(_)) => {}
            Ok(None) => return None,
            Err(error) => shared.health.down(&error.to_string()),
        }
    }
    let (release, released) = oneshot::channel();
    let (held, watched) = watch::channel(true);
    tokio::spawn(hold(Arc::clone(shared), key, token, released, held));
    Some(Hold { _release: release, held: watched })
}

/// Renews the claim until the link ends, then releases it.
async fn hold(
    shared: Arc<Shared>,
    key: String,
    token: String,
    mut released: oneshot::Receiver<()>,
    ours: watch::Sender<bool>,
) {
    let refresh = scripts::refresh();
    let mut lost = false;
    loop {
        tokio::select! {
            _ = &mut released => break,
            () = tokio::time::sleep(RENEW) => {}
        }
        let Some(mut conn) = shared.connection() else { continue };
        let held: Result<i64, _> =
            refresh.key(&key).arg(&token).arg(TTL.as_millis() as u64).invoke_async(&mut conn).await;
        match held {
            Ok(1) => {
                lost = false;
                ours.send_replace(true);
            }
            Ok(_) if !lost => {
                lost = true;
                ours.send_replace(false);
                tracing::warn!(claim = %key, "another hub took this host's claim while redis was out of reach");
            }
            Ok(_) => {}
            Err(error) => shared.health.down(&error.to_string()),
        }
    }
    if let Some(mut conn) = shared.connection() {
        let _: Result<i64, _> = scripts::release().key(&key).arg(&token).invoke_async(&mut conn).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_is_ours_only_with_our_whole_hub_id() {
        let cases = [
            ("hub:0a1b2c3d:00000000000000ff", "hub:0a1b2c3d", true),
            ("hub:0a1b2c3d:00000000000000ff", "hub:0a1b2c3e", false),
            ("hub:0a1b2c3d0:00000000000000ff", "hub:0a1b2c3d", false),
            ("", "hub:0a1b2c3d", false),
        ];
        for (holder, hub, ours) in cases {
            assert_eq!(is_ours(holder, hub), ours, "{holder} / {hub}");
        }
    }
}
