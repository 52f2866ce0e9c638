//! One live agent per host across the fleet: an agent's link holds
//! `pulse:host:{ID}:claim` (`SET NX PX`, the hub's id and a random token) for
//! [`TTL`], renewed every [`RENEW`] while the link is open and deleted when it
//! ends. A hub renews all its claims in one round a second, a script call for
//! each chunk of them ([`renew`]), from the [`book`] of the claims it holds. When
//! the hub dies, the claim runs out within [`TTL`] and the agent, which moves to
//! another hub, is accepted there.

pub mod book;
pub mod renew;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::{keys, Shared};

/// How long a claim outlives its hub.
pub const TTL: Duration = Duration::from_secs(3);
/// How often a held claim is renewed.
pub const RENEW: Duration = Duration::from_secs(1);

/// A held claim; dropping it releases the claim (the renewer deletes it at once).
pub struct Hold {
    shared: Arc<Shared>,
    /// Its number in the book.
    slot: u64,
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

impl Drop for Hold {
    fn drop(&mut self) {
        self.shared.lock_claims().release(self.slot);
        self.shared.claims_wake.notify_one();
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
    let (slot, held) = shared.lock_claims().add(key, token);
    Some(Hold { shared: Arc::clone(shared), slot, held })
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
