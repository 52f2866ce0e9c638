//! The follower: one task reading the hosts' streams (`XREAD` from the last id it
//! saw of each, never `$`, which would skip what arrived in between) and ingesting
//! each frame into that host's hub in the fleet, as an agent's link would. A new hub
//! starts each stream at its oldest entry, so it holds the retained window at once.
//!
//! A round names only the streams that can have news: it waits on `pulse:news`
//! (`news`: which hosts the appenders just wrote), then reads those hosts' streams
//! (`plan`), so Redis's work follows the frames and not the size of the fleet. On
//! connecting, and every [`SWEEP`], it reads every stream once, which catches what
//! the news missed. The host list is read again only when `pulse:hosts:rev` moved,
//! and the claims (whose agent is where) each [`LIST_EVERY`] (`list`); a host whose
//! agent is linked to this hub is not read until the agent leaves, and a host an
//! admin removed is dropped.

mod list;
pub mod plan;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{RedisError, Value};
use pulse_protocol::{Catalog, Epoch, ServerMessage};
use tokio::time::Instant;

use super::keys::{self, Entry, HostMeta};
use super::{news, Shared};
use crate::fleet::remote::Remote;
use crate::fleet::Fleet;
use crate::hub::{Hub, Timing};
use list::Listed;

/// The longest one wait for news lasts.
const BLOCK: Duration = Duration::from_secs(1);
/// The most entries one read takes from each stream (a stream with more is read
/// again next round).
const COUNT: usize = 128;
/// The most news entries one read takes.
const NEWS_COUNT: usize = 1024;
/// How often the claims (and the host list's counter) are read again.
const LIST_EVERY: Duration = Duration::from_secs(1);
/// How often every followed stream is read whatever the news said.
const SWEEP: Duration = Duration::from_secs(5);
/// The least time between two rounds, so that a busy fleet's frames are read in
/// batches (it adds at most this much to a frame's way to a browser on another hub).
const READ_GAP: Duration = Duration::from_millis(10);
/// The wait before trying a Redis that failed again.
const RETRY: Duration = Duration::from_secs(1);

/// A host being followed.
struct Followed {
    /// Its stream's key and its claim's, made once (a read names the stream, and
    /// every [`LIST_EVERY`] each host's claim is read).
    stream: String,
    claim: String,
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
    /// Whether its claim was held, as last told to the fleet.
    held: Option<bool>,
}

impl Followed {
    fn new(id: &str, meta: HostMeta) -> Self {
        Followed {
            stream: keys::frames(id),
            claim: keys::claim(id),
            last_id: "0-0".into(),
            meta,
            catalog: None,
            applied: 0,
            hub: None,
            ours: false,
            held: None,
        }
    }
}

/// Follows every host's stream until the hub shuts down.
pub async fn run(shared: Arc<Shared>, fleet: Arc<Fleet>, timing: Timing) {
    let mut known: BTreeMap<String, Followed> = BTreeMap::new();
    while !shared.stopping() {
        match shared.connect(BLOCK + Duration::from_secs(5)).await {
            Ok(mut conn) => {
                let round = follow(&shared, &mut conn, &fleet, timing, &mut known).await;
                if let Err(error) = round {
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
    // The host list is read again on every connection: a Redis that lost its data
    // counts `pulse:hosts:rev` from the start, and could reach the revision read
    // before it without the list being the same.
    let mut listed = Listed::default();
    // Where the news stands before the first sweep: what is appended after the
    // sweep read a stream is named in the news read after it.
    let newest: Value =
        ::redis::cmd("XREVRANGE").arg(keys::NEWS).arg("+").arg("-").arg("COUNT").arg(1).query_async(conn).await?;
    let mut news_id = news::newest_id(newest).unwrap_or_else(|| "0-0".into());
    let mut listed_at: Option<Instant> = None;
    let mut swept_at: Option<Instant> = None;
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    let mut read_at = Instant::now();
    while !shared.stopping() {
        if listed_at.is_none_or(|at| at.elapsed() >= LIST_EVERY) {
            wanted.extend(listed.refresh(conn, fleet, known, &shared.hub_id).await?);
            shared.health.ok();
            listed_at = Some(Instant::now());
        }
        let sweep = swept_at.is_none_or(|at| at.elapsed() >= SWEEP);
        if sweep {
            swept_at = Some(Instant::now());
        } else {
            tokio::time::sleep_until(read_at + READ_GAP).await;
            let mut read = ::redis::cmd("XREAD");
            read.arg("COUNT").arg(NEWS_COUNT);
            if wanted.is_empty() {
                let until_list = listed_at.map_or(Duration::ZERO, |at| LIST_EVERY.saturating_sub(at.elapsed()));
                read.arg("BLOCK").arg(until_list.min(BLOCK).as_millis().max(1) as u64);
            }
            let reply: Value = read.arg("STREAMS").arg(keys::NEWS).arg(&news_id).query_async(conn).await?;
            let news = news::read_reply(reply);
            news_id = news.last_id.unwrap_or(news_id);
            wanted.extend(news.hosts);
        }
        read_at = Instant::now();
        let reads = plan::reads(known, |followed| followed.ours, &wanted, sweep);
        wanted.clear();
        for slice in reads {
            wanted.extend(read_streams(conn, fleet, timing, known, &slice).await?);
        }
    }
    Ok(())
}

/// Reads the streams of hosts `ids` from where each was left (without waiting) and
/// ingests their frames; the hosts whose stream may hold more are returned.
async fn read_streams(
    conn: &mut MultiplexedConnection,
    fleet: &Fleet,
    timing: Timing,
    known: &mut BTreeMap<String, Followed>,
    ids: &[String],
) -> Result<Vec<String>, RedisError> {
    let mut read = ::redis::cmd("XREAD");
    read.arg("COUNT").arg(COUNT).arg("STREAMS");
    for id in ids {
        match known.get(id) {
            Some(followed) => read.arg(&followed.stream),
            None => read.arg(keys::frames(id)),
        };
    }
    for id in ids {
        read.arg(known.get(id).map_or("0-0", |followed| followed.last_id.as_str()));
    }
    let reply: Value = read.query_async(conn).await?;
    let mut more = Vec::new();
    for (key, entries) in keys::read_reply(reply) {
        let Some(id) = keys::host_of(&key) else { continue };
        let Some(followed) = known.get_mut(id) else { continue };
        if entries.len() >= COUNT {
            more.push(id.to_owned());
        }
        for entry in entries {
            ingest(fleet, id, followed, entry, timing).await;
        }
    }
    Ok(more)
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
            // The host may be new to the fleet: it learns where its agent is.
            if let Some(held) = followed.held {
                fleet.set_held_elsewhere(id, held);
            }
            hub
        }
    };
    followed.hub = Some(Arc::clone(&hub));
    apply_catalog(&hub, followed, &epoch);
    // Frames this hub has (its own agents', back from Redis) are not even parsed.
    if entry.seq <= hub.newest_seq() {
        return;
    }
    let Ok(ServerMessage::Frame(frame)) = hub.read(&json) else { return };
    // The text as stored, when it is what this hub would write: not serialised again.
    let ingested = match keys::as_written(entry.wire, &json) {
        Some(text) => hub.ingest_text(frame, text),
        None => hub.ingest(frame),
    };
    if let Some(shared) = ingested {
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
