//! Seals once per fleet: the hub that holds a host's claim publishes each hour it
//! seals of it (`pulse:host:{ID}:sealed:{EDGE}`, the encoded [`SealedHour`], kept
//! [`Seals::ttl`]), and the other hubs read it rather than seal the hour again
//! (`persist::share`, which decides; this is only the Redis side).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use pulse_store::codec::{decode_sealed, encode_sealed};
use pulse_store::SealedHour;

use super::{keys, Shared};
use crate::persist::share::SealShare;

/// The longest a look for published hours waits for Redis (the store's thread
/// waits meanwhile).
const ANSWER: Duration = Duration::from_secs(2);

/// The most keys one `MGET` names.
const SLICE: usize = 256;

/// This hub's side of the fleet's seals.
pub struct Seals {
    shared: Arc<Shared>,
    /// The runtime the hub's Redis connection lives on (the store's thread is
    /// not one of its threads, and waits on it for answers).
    runtime: tokio::runtime::Handle,
    /// How long a published hour stays in Redis.
    ttl: Duration,
}

impl Seals {
    /// The fleet's seals over `shared`'s connection; published hours live `ttl`.
    pub fn new(shared: Arc<Shared>, runtime: tokio::runtime::Handle, ttl: Duration) -> Seals {
        Seals { shared, runtime, ttl }
    }

    /// How long a published hour stays in Redis: past the longest wait for it.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }
}

impl SealShare for Seals {
    fn owns(&self, id: &str) -> bool {
        // The hosts whose claim this hub holds: its agents' and its own.
        self.shared.lock_linked().contains_key(id)
    }

    fn published(&self, wanted: &[(String, i64)]) -> HashMap<String, SealedHour> {
        let Some(mut conn) = self.shared.connection() else { return HashMap::new() };
        let read = async move {
            let mut found = HashMap::new();
            for slice in wanted.chunks(SLICE) {
                let names: Vec<String> = slice.iter().map(|(id, before)| keys::sealed(id, *before)).collect();
                let values: Vec<Option<Vec<u8>>> = ::redis::cmd("MGET").arg(&names).query_async(&mut conn).await?;
                for ((id, _), bytes) in slice.iter().zip(values) {
                    match bytes.map(|bytes| decode_sealed(&bytes)) {
                        Some(Ok(sealed)) => {
                            found.insert(id.clone(), sealed);
                        }
                        Some(Err(error)) => tracing::debug!(host = %id, "a published hour could not be read: {error}"),
                        None => {}
                    }
                }
            }
            Ok::<_, ::redis::RedisError>(found)
        };
        match self.runtime.block_on(async { tokio::time::timeout(ANSWER, read).await }) {
            Ok(Ok(found)) => found,
            Ok(Err(error)) => {
                self.shared.health.down(&error.to_string());
                HashMap::new()
            }
            Err(_) => HashMap::new(),
        }
    }

    fn publish(&self, id: &str, sealed: SealedHour) {
        let Some(mut conn) = self.shared.connection() else { return };
        let key = keys::sealed(id, sealed.before);
        let ttl = self.ttl.as_millis() as u64;
        let shared = Arc::clone(&self.shared);
        self.runtime.spawn(async move {
            let bytes = encode_sealed(&sealed);
            let set: Result<(), _> =
                ::redis::cmd("SET").arg(&key).arg(bytes).arg("PX").arg(ttl).query_async(&mut conn).await;
            if let Err(error) = set {
                shared.health.down(&error.to_string());
            }
        });
    }
}
