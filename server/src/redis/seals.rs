//! Seals once per fleet: the hub that holds a host's claim publishes each hour it
//! seals of it (`pulse:host:{ID}:sealed:{EDGE}`, the encoded [`SealedHour`], kept
//! a TTL past the longest wait for it), and the other hubs read it rather than
//! seal the hour again (`persist::share`, which decides; this is only the Redis
//! side). Lookups run on the hub's runtime, never on the store's thread: a round
//! is answered from what earlier lookups found. What they found is kept until a
//! round takes it or for [`KEEP`], whichever comes first, since a host waiting
//! for its owner is asked for only every other round or so, and a lookup answers
//! the round after the one that asked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pulse_store::codec::{decode_sealed, encode_sealed};
use pulse_store::SealedHour;

use super::{keys, Shared};
use crate::persist::share::SealShare;

/// The longest a look for published hours waits for Redis (on the hub's runtime:
/// the store's thread never waits for it).
const ANSWER: Duration = Duration::from_millis(500);

/// The most keys one `MGET` names.
const SLICE: usize = 256;

/// How long a published hour a lookup found is kept for a round to take.
const KEEP: Duration = Duration::from_secs(30);

/// The most published hours kept at once (about 70 KB each).
const MOST_KEPT: usize = 1_024;

/// This hub's side of the fleet's seals.
pub struct Seals {
    shared: Arc<Shared>,
    /// The runtime the hub's Redis connection lives on (the store's thread is
    /// not one of its threads; it hands lookups to it and never waits).
    runtime: tokio::runtime::Handle,
    /// How long a published hour stays in Redis.
    ttl: Duration,
    /// What the last lookup found, by host and edge, and whether one is under
    /// way: a round is answered from the lookup before it.
    looked: Arc<Mutex<Looked>>,
}

/// The published hours lookups found and no round took yet, each with when it
/// was found, and whether a lookup is under way.
#[derive(Default)]
struct Looked {
    found: HashMap<(String, i64), (SealedHour, Instant)>,
    busy: bool,
}

impl Seals {
    /// The fleet's seals over `shared`'s connection; published hours live `ttl`.
    pub fn new(shared: Arc<Shared>, runtime: tokio::runtime::Handle, ttl: Duration) -> Seals {
        Seals { shared, runtime, ttl, looked: Arc::default() }
    }
}

impl SealShare for Seals {
    fn owns(&self, id: &str) -> bool {
        // The hosts whose claim this hub holds: its agents' and its own.
        self.shared.lock_linked().contains_key(id)
    }

    fn published(&self, wanted: &[(String, i64)]) -> HashMap<String, SealedHour> {
        let answer: HashMap<String, SealedHour> = {
            let mut looked = lock(&self.looked);
            let answer = wanted
                .iter()
                .filter_map(|(id, before)| looked.found.remove(&(id.clone(), *before)).map(|(s, _)| (id.clone(), s)))
                .collect();
            looked.found.retain(|_, (_, at)| at.elapsed() < KEEP);
            answer
        };
        // Looks again for the next round, unless a look is under way or Redis
        // is down (its link's own task finds out when it is back).
        let Some(mut conn) = self.shared.connection().filter(|_| self.shared.health.is_ok()) else { return answer };
        if std::mem::replace(&mut lock(&self.looked).busy, true) {
            return answer;
        }
        let wanted = wanted.to_vec();
        let looked = Arc::clone(&self.looked);
        self.runtime.spawn(async move {
            let read = async {
                let mut found = HashMap::new();
                for slice in wanted.chunks(SLICE) {
                    let names: Vec<String> = slice.iter().map(|(id, before)| keys::sealed(id, *before)).collect();
                    let values: Vec<Option<Vec<u8>>> = ::redis::cmd("MGET").arg(&names).query_async(&mut conn).await?;
                    for ((id, before), bytes) in slice.iter().zip(values) {
                        match bytes.map(|bytes| decode_sealed(&bytes)) {
                            Some(Ok(sealed)) => {
                                found.insert((id.clone(), *before), sealed);
                            }
                            Some(Err(error)) => {
                                tracing::debug!(host = %id, "a published hour could not be read: {error}")
                            }
                            None => {}
                        }
                    }
                }
                Ok::<_, ::redis::RedisError>(found)
            };
            let found = match tokio::time::timeout(ANSWER, read).await {
                Ok(Ok(found)) => found,
                Ok(Err(error)) => {
                    tracing::debug!("the fleet's sealed hours could not be read: {error}");
                    HashMap::new()
                }
                Err(_) => HashMap::new(),
            };
            let mut looked = lock(&looked);
            let now = Instant::now();
            for (key, sealed) in found {
                if looked.found.len() < MOST_KEPT || looked.found.contains_key(&key) {
                    looked.found.insert(key, (sealed, now));
                }
            }
            looked.busy = false;
        });
        answer
    }

    fn publish(&self, id: &str, sealed: SealedHour, stored: Arc<AtomicU64>) {
        let Some(mut conn) = self.shared.connection() else { return };
        let key = keys::sealed(id, sealed.before);
        let ttl = self.ttl.as_millis() as u64;
        let id = id.to_owned();
        self.runtime.spawn(async move {
            let bytes = encode_sealed(&sealed);
            let set: Result<(), _> =
                ::redis::cmd("SET").arg(&key).arg(bytes).arg("PX").arg(ttl).query_async(&mut conn).await;
            // One refused command (a full Redis refusing a large value) is not
            // Redis down: the link's own task says that. The others seal alone.
            match set {
                Ok(()) => {
                    stored.fetch_add(1, Ordering::Relaxed);
                }
                Err(error) => tracing::warn!(host = %id, "a sealed hour was not published: {error}"),
            }
        });
    }
}

fn lock(looked: &Mutex<Looked>) -> std::sync::MutexGuard<'_, Looked> {
    looked.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
