//! The renewer: one task per hub renews every claim the hub holds each
//! [`RENEW`](super::RENEW), [`CHUNK`] claims a script call (the chunks sent at once
//! on the appender's connection), tells each link whose claim another hub took, and
//! deletes a released claim as soon as it is released.
//!
//! A round that Redis does not answer within [`ROUND_LIMIT`] is given up and the
//! next one starts at once (so does one that took longer than a `RENEW`), with a
//! warning naming how late it is: a claim whose renewal did not land runs out 3 s
//! after its last one; if another hub takes it meanwhile, the next answered round
//! finds it so and its link's `held` turns false, and if nobody did, the round
//! takes it again (the script sets a claim nobody holds).

use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{RedisError, Script};
use futures_util::future::join_all;
use tokio::time::Instant;

use super::book::{Change, Due};
use super::{RENEW, TTL};
use crate::redis::{scripts, Shared};

/// Claims renewed (or released) per script call.
pub const CHUNK: usize = 512;
/// How long a round may wait for Redis: a claim renewed just before a round that
/// takes longer has less than a second left.
pub const ROUND_LIMIT: Duration = Duration::from_secs(2);

/// Renews and releases this hub's claims until the hub shuts down and holds none.
pub async fn run(shared: Arc<Shared>) {
    let renew = scripts::renew_many();
    let release = scripts::release_many();
    let mut next = Instant::now() + RENEW;
    let mut late = false;
    while !(shared.stopping() && shared.lock_claims().is_empty()) {
        let woken = shared.claims_wake.notified();
        released(&shared, &release).await;
        if Instant::now() >= next {
            let started = Instant::now();
            let due = shared.lock_claims().due();
            let answered = tokio::time::timeout(ROUND_LIMIT, round(&shared, &renew, &due)).await.is_ok();
            let took = started.elapsed();
            next = started + RENEW;
            let overran = !answered || took > RENEW;
            if overran && !late {
                tracing::warn!(
                    claims = due.len(),
                    took_ms = took.as_millis() as u64,
                    answered,
                    "claims: a renewal round took longer than a second (claims run out 3 s after their last renewal; \
                     one another hub takes meanwhile is reported lost at the next answered round)"
                );
            } else if !overran && late {
                tracing::info!(claims = due.len(), "claims: renewal rounds are on time again");
            }
            late = overran;
        }
        tokio::select! {
            () = woken => {}
            () = tokio::time::sleep_until(next) => {}
        }
    }
    released(&shared, &release).await;
}

/// One round: renews `due` and tells the book each answer.
async fn round(shared: &Shared, script: &Script, due: &[Due]) {
    let Some(conn) = shared.connection() else { return };
    let chunks: Vec<&[Due]> = due.chunks(CHUNK).collect();
    let answers = join_all(chunks.iter().map(|chunk| renew_chunk(conn.clone(), script, chunk))).await;
    for (chunk, answer) in chunks.into_iter().zip(answers) {
        match answer {
            Ok(held) => {
                let mut book = shared.lock_claims();
                for (claim, ours) in chunk.iter().zip(held) {
                    if book.answer(claim.slot, ours == 1) == Change::Lost {
                        tracing::warn!(claim = %claim.key, "another hub took this host's claim while redis was out of reach");
                    }
                }
            }
            Err(error) => shared.health.down(&error.to_string()),
        }
    }
}

/// One script call renewing `chunk`: 1 (ours) or 0 for each, in its order.
async fn renew_chunk(mut conn: MultiplexedConnection, script: &Script, chunk: &[Due]) -> Result<Vec<i64>, RedisError> {
    let mut invocation = script.prepare_invoke();
    invocation.arg(TTL.as_millis() as u64);
    for claim in chunk {
        invocation.key(&claim.key).arg(&claim.token);
    }
    let held: Vec<i64> = invocation.invoke_async(&mut conn).await?;
    if held.len() != chunk.len() {
        return Err(RedisError::from((
            ::redis::ErrorKind::UnexpectedReturnType,
            "claims: the renewal script answered for another number of claims",
        )));
    }
    Ok(held)
}

/// Deletes the claims released since the last turn (each only while still its
/// token's). Without a connection, or if Redis fails, they run out within the TTL.
async fn released(shared: &Shared, script: &Script) {
    let released = shared.lock_claims().take_released();
    if released.is_empty() {
        return;
    }
    let Some(conn) = shared.connection() else { return };
    let calls = released.chunks(CHUNK).map(|chunk| {
        let mut conn = conn.clone();
        let mut invocation = script.prepare_invoke();
        for (key, token) in chunk {
            invocation.key(key).arg(token);
        }
        async move { invocation.invoke_async::<i64>(&mut conn).await }
    });
    let _ = tokio::time::timeout(ROUND_LIMIT, join_all(calls)).await;
}
