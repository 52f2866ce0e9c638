//! The hub's own host, shared like an agent's: its sampler's frames go through the
//! same claim, description and outbox as an agent's link (`super::AgentLink`), to
//! its own stream `pulse:host:{ID}:frames`, so every other hub serves it live and
//! from history. Its id is the hub's `--name` (the machine's hostname by default).
//!
//! Two hubs with one name (two hubs on one machine, both named after it) would be
//! one host sampled twice: the first to claim it shares it, and the other logs once
//! that its own host stays on this hub only (give it its own `--name`), then asks
//! again every [`claim::TTL`], so it takes over if the first hub goes for good. A
//! hub that loses the claim (it ran out while Redis was out of reach) stops
//! appending and asks again the same way.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::RecvError;

use super::{claim, AgentLink, Shared};
use crate::hub::Hub;

/// The wait before asking for a claim again, or for a connection.
const RETRY: Duration = claim::TTL;

/// Shares `hub` (the hub's own host) until the hub shuts down.
pub async fn run(shared: Arc<Shared>, hub: Arc<Hub>) {
    let id = hub.host().to_owned();
    let mut refused = false;
    while !shared.stopping() {
        // A claim asked before Redis answers would be granted blindly (as for an
        // agent's link): the own host waits, as nothing else needs it at once.
        if shared.connection().is_none() {
            shared.pause(Duration::from_secs(1)).await;
            continue;
        }
        let Some(hold) = claim::take(&shared, &id).await else {
            if !refused {
                tracing::warn!(
                    host = %id,
                    "another hub shares a host with this hub's name: this hub's own host is served here only; \
                     give this hub its own --name to share it"
                );
                refused = true;
            }
            shared.pause(RETRY).await;
            continue;
        };
        if refused {
            tracing::info!(host = %id, "this hub's own host is shared with the other hubs now");
            refused = false;
        }
        let mut held = hold.held();
        let link = AgentLink {
            shared: Arc::clone(&shared),
            id: id.clone(),
            name: id.clone(),
            tags: Default::default(),
            _hold: hold,
        };
        let mut stop = shared.stop.clone();
        tokio::select! {
            () = append(&link, &hub) => return,
            _ = held.wait_for(|held| !*held) => {}
            _ = stop.wait_for(|stopping| *stopping) => return,
        }
        drop(link);
        shared.pause(RETRY).await;
    }
}

/// Hands every frame of `hub` to `link`, and its catalogue whenever it changes,
/// until the hub's sampler ends. The first round hands the frames in memory: the
/// append script keeps only those the stream lacks.
async fn append(link: &AgentLink, hub: &Hub) {
    let mut live = hub.subscribe(None).live;
    let mut sent = 0;
    let mut described = 0;
    loop {
        let revision = hub.catalog_revision();
        if revision != described {
            link.hello(hub.epoch(), hub.timing().interval, &hub.catalog());
            described = revision;
        }
        for frame in hub.frames_after(sent) {
            link.frame(hub.epoch(), &frame);
            sent = frame.frame.seq;
        }
        match live.recv().await {
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}
