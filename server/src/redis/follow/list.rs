//! The follower's view of the host list: `pulse:hosts` and `pulse:hosts:removed`,
//! read again only when `pulse:hosts:rev` moved; new catalogues; and every host's
//! claim (who holds its agent), read each time.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ::redis::aio::MultiplexedConnection;
use ::redis::{pipe, AsyncCommands, RedisError};
use pulse_protocol::Catalog;

use super::Followed;
use crate::fleet::Fleet;
use crate::redis::claim;
use crate::redis::keys::{self, HostMeta};

/// The most keys one `MGET` names.
const SLICE: usize = 1024;

/// What the follower last read of the host list.
#[derive(Default)]
pub struct Listed {
    /// `pulse:hosts:rev` when the list was last read (`None`: not read yet, or no
    /// hub wrote the counter, so it is read each time).
    rev: Option<i64>,
}

impl Listed {
    /// Reads the host list if it changed (hosts new to `known` are returned, to be
    /// read at once; hosts removed by an admin are dropped from `known` and the
    /// fleet), then every host's claim.
    pub async fn refresh(
        &mut self,
        conn: &mut MultiplexedConnection,
        fleet: &Fleet,
        known: &mut BTreeMap<String, Followed>,
        hub_id: &str,
    ) -> Result<BTreeSet<String>, RedisError> {
        let rev: Option<i64> = conn.get(keys::HOSTS_REV).await?;
        let mut added = BTreeSet::new();
        if rev.is_none() || rev != self.rev {
            added = hosts(conn, fleet, known).await?;
            self.rev = rev;
        }
        claims(conn, fleet, known, hub_id).await?;
        Ok(added)
    }
}

/// Reads `pulse:hosts` and `pulse:hosts:removed`, and the catalogues that changed.
async fn hosts(
    conn: &mut MultiplexedConnection,
    fleet: &Fleet,
    known: &mut BTreeMap<String, Followed>,
) -> Result<BTreeSet<String>, RedisError> {
    let (hosts, removed): (HashMap<String, String>, HashMap<String, String>) =
        pipe().hgetall(keys::HOSTS).hgetall(keys::HOSTS_REMOVED).query_async(conn).await?;
    for id in removed.keys().filter(|id| !hosts.contains_key(*id)) {
        known.remove(id);
        if fleet.forget_followed(id) {
            tracing::info!(host = %crate::quote::shown(id), "host removed on another hub: removed here too");
        }
    }
    let mut added = BTreeSet::new();
    for (id, json) in hosts {
        let Ok(meta) = serde_json::from_str::<HostMeta>(&json) else { continue };
        match known.get_mut(&id) {
            Some(followed) => followed.meta = meta,
            None => {
                known.insert(id.clone(), Followed::new(&id, meta));
                added.insert(id);
            }
        }
    }
    let stale: Vec<&String> = known
        .iter()
        .filter(|(_, followed)| followed.catalog.as_ref().is_none_or(|(digest, _)| *digest != followed.meta.catalog))
        .map(|(id, _)| id)
        .collect();
    let mut fetched = Vec::new();
    for slice in stale.chunks(SLICE) {
        let names: Vec<String> = slice.iter().map(|id| keys::catalog(id)).collect();
        let texts: Vec<Option<String>> = ::redis::cmd("MGET").arg(&names).query_async(conn).await?;
        fetched.extend(slice.iter().map(|id| (*id).clone()).zip(texts));
    }
    for (id, text) in fetched {
        let Some(followed) = known.get_mut(&id) else { continue };
        if let Some(catalog) = text.and_then(|text| serde_json::from_str::<Catalog>(&text).ok()) {
            followed.catalog = Some((followed.meta.catalog.clone(), catalog));
            followed.applied = 0;
        }
    }
    Ok(added)
}

/// Reads every host's claim: whether its agent is linked here (its stream is then
/// not read) or anywhere (its status); the fleet is told only of changes.
async fn claims(
    conn: &mut MultiplexedConnection,
    fleet: &Fleet,
    known: &mut BTreeMap<String, Followed>,
    hub_id: &str,
) -> Result<(), RedisError> {
    let ids: Vec<String> = known.keys().cloned().collect();
    for slice in ids.chunks(SLICE) {
        let held: Vec<Option<String>> = {
            // Every id is one of `known`'s, taken from it above.
            let names: Vec<&str> = slice.iter().filter_map(|id| known.get(id)).map(|f| f.claim.as_str()).collect();
            ::redis::cmd("MGET").arg(&names).query_async(conn).await?
        };
        for (id, holder) in slice.iter().zip(held) {
            let Some(followed) = known.get_mut(id) else { continue };
            followed.ours = holder.as_deref().is_some_and(|holder| claim::is_ours(holder, hub_id));
            if followed.held != Some(holder.is_some()) {
                fleet.set_held_elsewhere(id, holder.is_some());
                followed.held = Some(holder.is_some());
            }
        }
    }
    Ok(())
}
