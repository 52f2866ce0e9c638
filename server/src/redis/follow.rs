//! The follower: one task reading every host's stream (`XREAD BLOCK` from the last
//! id it saw of each, never `$`, which would skip what arrived in between) and
//! ingesting each frame into that host's hub in the fleet, as an agent's link
//! would. A new hub starts each stream at its oldest entry, so it holds the
//! retained window at once. It learns of hosts from `pulse:hosts` and of their
//! agents' claims (connected somewhere, or down) once a [`LIST_EVERY`]; a host whose
//! agent is linked to this hub is not read until the agent leaves.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{AsyncCommands, RedisError, Value};
use pulse_protocol::{Catalog, Epoch, ServerMessage};
use tokio::time::Instant;

use super::keys::{self, Entry, HostMeta};
use super::{claim, Shared};
use crate::fleet::remote::Remote;
use crate::fleet::Fleet;
use crate::hub::{Hub, Timing};

/// How long one read waits for new entries.
const BLOCK: Duration = Duration::from_secs(1);
/// The most entries one read takes from each stream.
const COUNT: usize = 1024;
/// How often the host list and the claims are read again.
const LIST_EVERY: Duration = Duration::from_secs(1);
/// The least time between two reads. Each read names every followed stream, and a
/// blocked read is woken by the first frame of any of them: without this pause a
/// thousand hosts at 1 Hz made a thousand reads a second of a thousand keys each
/// (Redis spent 590 µs a frame). It adds at most this much to a frame's way to a
/// browser on another hub.
const READ_GAP: Duration = Duration::from_millis(25);
/// The wait before trying a Redis that failed again.
const RETRY: Duration = Duration::from_secs(1);

/// A host being followed.
struct Followed {
    /// The last entry read of its stream.
    last_id: String,
    /// What `pulse:hosts` says of it.
    meta: HostMeta,
    /// Its catalogue, and the digest it was read for.
    catalog: Option<(String, Catalog)>,
    /// The hub the catalogue was last given to (by address).
    applied: usize,
    /// The hub its frames went to last, while it is the host's (asked of the fleet
    /// again only when it was replaced or the epoch changed).
    hub: Option<Arc<Hub>>,
    /// Its agent is linked to this hub: its frames reach the hub first, so its
    /// stream is not read meanwhile (and is read from where it was left after).
    ours: bool,
}

/// Follows every host's stream until the hub shuts down.
pub async fn run(shared: Arc<Shared>, fleet: Arc<Fleet>, timing: Timing) {
    let mut known: BTreeMap<String, Followed> = BTreeMap::new();
    while !shared.stopping() {
        match shared.connect(BLOCK + Duration::from_secs(5)).await {
            Ok(mut conn) => {
                if let Err(error) = follow(&shared, &mut conn, &fleet, timing, &mut known).await {
                    shared.health.down(&error.to_string());
                }
            }
            Err(error) => shared.health.down(&error.to_string()),
        }
        shared.pause(RETRY).await;
    }
}

/// Reads until Redis fails or the hub shuts down.
async fn follow(
    shared: &Shared,
    conn: &mut MultiplexedConnection,
    fleet: &Fleet,
    timing: Timing,
    known: &mut BTreeMap<String, Followed>,
) -> Result<(), RedisError> {
    let mut listed: Option<Instant> = None;
    let mut read_at = Instant::now();
    while !shared.stopping() {
        if listed.is_none_or(|at| at.elapsed() >= LIST_EVERY) {
            list(conn, fleet, known, &shared.hub_id).await?;
            shared.health.ok();
            listed = Some(Instant::now());
        }
        if known.values().all(|followed| followed.ours) {
            shared.pause(LIST_EVERY).await;
            continue;
        }
        tokio::time::sleep_until(read_at + READ_GAP).await;
        read_at = Instant::now();
        let mut read = ::redis::cmd("XREAD");
        read.arg("COUNT").arg(COUNT).arg("BLOCK").arg(BLOCK.as_millis() as u64).arg("STREAMS");
        let followed = || known.iter().filter(|(_, followed)| !followed.ours);
        for (id, _) in followed() {
            read.arg(keys::frames(id));
        }
        for (_, followed) in followed() {
            read.arg(&followed.last_id);
        }
        let reply: Value = read.query_async(conn).await?;
        for (key, entries) in keys::read_reply(reply) {
            let Some(id) = keys::host_of(&key) else { continue };
            let Some(followed) = known.get_mut(id) else { continue };
            for entry in entries {
                ingest(fleet, id, followed, entry, timing).await;
            }
        }
    }
    Ok(())
}

/// Reads the host list, new catalogues and every host's claim.
async fn list(
    conn: &mut MultiplexedConnection,
    fleet: &Fleet,
    known: &mut BTreeMap<String, Followed>,
    hub_id: &str,
) -> Result<(), RedisError> {
    let hosts: HashMap<String, String> = conn.hgetall(keys::HOSTS).await?;
    for (id, json) in hosts {
        let Ok(meta) = serde_json::from_str::<HostMeta>(&json) else { continue };
        let followed = known.entry(id.clone()).or_insert_with(|| Followed {
            last_id: "0-0".into(),
            meta: meta.clone(),
            catalog: None,
            applied: 0,
            hub: None,
            ours: false,
        });
        if followed.catalog.as_ref().is_none_or(|(digest, _)| *digest != meta.catalog) {
            let text: Option<String> = conn.get(keys::catalog(&id)).await?;
            if let Some(catalog) = text.and_then(|text| serde_json::from_str::<Catalog>(&text).ok()) {
                followed.catalog = Some((meta.catalog.clone(), catalog));
                followed.applied = 0;
            }
        }
        followed.meta = meta;
    }
    if !known.is_empty() {
        let claims: Vec<String> = known.keys().map(|id| keys::claim(id)).collect();
        let held: Vec<Option<String>> = ::redis::cmd("MGET").arg(&claims).query_async(conn).await?;
        for ((id, followed), holder) in known.iter_mut().zip(held) {
            followed.ours = holder.as_deref().is_some_and(|holder| claim::is_ours(holder, hub_id));
            fleet.set_held_elsewhere(id, holder.is_some());
        }
    }
    Ok(())
}

/// Ingests one entry of host `id`'s stream into its hub (a duplicate is dropped by
/// the hub, which compares seqs).
async fn ingest(fleet: &Fleet, id: &str, followed: &mut Followed, entry: Entry, timing: Timing) {
    followed.last_id = entry.id;
    let Some(json) = entry.frame else { return };
    let epoch = Epoch(entry.epoch);
    let current = followed.hub.take().filter(|hub| hub.epoch() == &epoch && !*hub.shutdown_signal().borrow());
    let hub = match current {
        Some(hub) => hub,
        None => {
            let remote = Remote {
                name: &followed.meta.name,
                tags: &followed.meta.tags,
                epoch: &epoch,
                interval: Duration::from_millis(followed.meta.interval_ms.max(1)),
            };
            let Some(hub) = fleet.followed(id, &remote, timing) else { return };
            hub
        }
    };
    followed.hub = Some(Arc::clone(&hub));
    apply_catalog(&hub, followed, &epoch);
    // Frames this hub has (its own agents', back from Redis) are not even parsed.
    if entry.seq <= hub.newest_seq() {
        return;
    }
    let Ok(ServerMessage::Frame(frame)) = serde_json::from_str::<ServerMessage>(&json) else { return };
    if let Some(shared) = hub.ingest(frame) {
        hub.fanout().deliver_frame(shared.frame.seq, &shared.ws).await;
    }
}

/// Gives `hub` the host's catalogue, once per hub, when it describes this epoch.
fn apply_catalog(hub: &Arc<Hub>, followed: &mut Followed, epoch: &Epoch) {
    let address = Arc::as_ptr(hub) as usize;
    if followed.applied == address || followed.meta.epoch != epoch.0 {
        return;
    }
    if let Some((_, catalog)) = &followed.catalog {
        hub.set_catalog(catalog.clone());
        followed.applied = address;
    }
}
