//! The appender: one task writing the [`Outbox`](super::outbox::Outbox) to Redis,
//! hosts' descriptions first, then frames through the append script, pipelined (up
//! to [`BATCH`] a round trip). A failed round goes back in front of the queue and is
//! tried again each second until Redis answers.

use std::sync::Arc;
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{pipe, RedisError, Script};
use pulse_protocol::PROTOCOL_VERSION;

use super::outbox::Batch;
use super::{keys, news, scripts, Shared};

/// Frames written per round trip.
pub const BATCH: usize = 512;
/// How long a round may take before Redis counts as down.
const ROUND_LIMIT: Duration = Duration::from_secs(5);
/// The wait before trying a Redis that failed again.
const RETRY: Duration = Duration::from_secs(1);

/// Writes what is queued until the hub shuts down.
pub async fn run(shared: Arc<Shared>) {
    let script = scripts::append();
    while !shared.stopping() {
        let Some(mut conn) = connected(&shared, &script).await else {
            shared.pause(RETRY).await;
            continue;
        };
        loop {
            let notified = shared.wake.notified();
            let batch = shared.lock_outbox().take(BATCH);
            if batch == Batch::default() {
                let mut stop = shared.stop.clone();
                tokio::select! {
                    () = notified => continue,
                    _ = stop.wait_for(|stopping| *stopping) => return,
                }
            }
            let dropped = shared.lock_outbox().dropped();
            if dropped > 0 {
                tracing::warn!(dropped, "redis was out of reach for too long: the oldest queued frames were dropped");
            }
            match write(&mut conn, &script, &batch, shared.window_ms).await {
                Ok(()) => shared.health.ok(),
                Err(error) => {
                    shared.lock_outbox().put_back(batch);
                    shared.health.down(&error.to_string());
                    shared.set_connection(None);
                    break;
                }
            }
        }
        shared.pause(RETRY).await;
    }
}

/// A connection with the append script loaded (shared with the claims), or `None`
/// after saying why.
async fn connected(shared: &Shared, script: &Script) -> Option<MultiplexedConnection> {
    let made = async {
        let mut conn = shared.connect(ROUND_LIMIT).await?;
        script.prepare_invoke().load_async(&mut conn).await?;
        Ok::<_, RedisError>(conn)
    };
    match made.await {
        Ok(conn) => {
            shared.health.ok();
            shared.describe_linked();
            shared.set_connection(Some(conn.clone()));
            Some(conn)
        }
        Err(error) => {
            shared.health.down(&error.to_string());
            None
        }
    }
}

/// One round trip: descriptions (raising the host list's counter), then frames
/// (the script drops duplicates), then the news entry naming their hosts.
async fn write(
    conn: &mut MultiplexedConnection,
    script: &Script,
    batch: &Batch,
    window_ms: u64,
) -> Result<(), RedisError> {
    let mut round = pipe();
    for (id, described) in &batch.described {
        round.hset(keys::HOSTS, id, &described.meta).ignore();
        round.set(keys::catalog(id), &described.catalog).ignore();
        round.hdel(keys::HOSTS_REMOVED, id).ignore();
    }
    if !batch.described.is_empty() {
        round.incr(keys::HOSTS_REV, 1).ignore();
    }
    for frame in &batch.frames {
        let mut invocation = script.prepare_invoke();
        invocation
            .key(keys::frames(&frame.host))
            .arg(&frame.epoch)
            .arg(frame.seq)
            .arg(frame.ts)
            .arg(frame.json.as_str())
            .arg(window_ms)
            .arg(PROTOCOL_VERSION);
        round.invoke_script(&invocation).ignore();
    }
    let named = news::fields(batch.frames.iter().map(|frame| frame.host.as_str()));
    if !named.is_empty() {
        round.cmd("XADD").arg(keys::NEWS).arg("MAXLEN").arg("~").arg(news::LEN).arg("*").arg(&named).ignore();
    }
    round.query_async::<()>(conn).await
}
