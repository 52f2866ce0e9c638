//! Removing a host from every hub: an admin's `DELETE /api/v1/hosts/{id}` on one
//! hub takes it out of `pulse:hosts`, marks it in `pulse:hosts:removed`, deletes its
//! stream and catalogue and raises `pulse:hosts:rev`, so every follower reads the
//! list again within a second and drops the host with its history. An agent that
//! links again later describes the host anew, which clears the mark: it is back.

use ::redis::{pipe, RedisError};

use super::{keys, Shared};
use crate::hub::now_ms;

/// Takes host `id` out of the shared list and deletes its stream.
pub async fn forget(shared: &Shared, id: &str) -> Result<(), RedisError> {
    let mut conn = match shared.connection() {
        Some(conn) => conn,
        None => shared.connect(std::time::Duration::from_secs(5)).await?,
    };
    pipe()
        .hdel(keys::HOSTS, id)
        .ignore()
        .hset(keys::HOSTS_REMOVED, id, now_ms())
        .ignore()
        .del(keys::frames(id))
        .ignore()
        .del(keys::catalog(id))
        .ignore()
        .incr(keys::HOSTS_REV, 1)
        .ignore()
        .query_async::<()>(&mut conn)
        .await
}
