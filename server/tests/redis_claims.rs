//! A hub's claims against a real `redis-server`: every claim it holds is renewed by
//! one round a second in a few script calls (not one call each), a claim another
//! hub took (here: written over by hand) turns its link's `held` false within two
//! rounds and true again once the round can take it back, and a released claim is
//! deleted at once rather than left to run out.

#[path = "redis/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::time::Duration;

use pulse_server::config::redis::RedisUrl;
use pulse_server::fleet::Fleet;
use pulse_server::hub::Timing;
use pulse_server::redis::claim::renew::CHUNK;
use pulse_server::redis::claim::{RENEW, TTL};
use pulse_server::redis::{AgentLink, Redis as Hub};
use redis::aio::MultiplexedConnection;
use server::Redis;
use tokio::sync::watch;

/// Claims held by the hub: more than two chunks' worth.
const CLAIMS: usize = 2 * CHUNK + 176;
/// The longest any wait here may take.
const DEADLINE: Duration = Duration::from_secs(15);

/// `INFO commandstats`' call count of `command` (0 before its first call).
async fn calls(conn: &mut MultiplexedConnection, command: &str) -> u64 {
    let info: String = redis::cmd("INFO").arg("commandstats").query_async(conn).await.expect("info");
    let prefix = format!("cmdstat_{command}:calls=");
    info.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Polls `done` every 20 ms until it is true; panics naming `what` after [`DEADLINE`].
async fn until<F: std::future::Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    let waited = tokio::time::timeout(DEADLINE, async {
        while !done().await {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(waited.await.is_ok(), "{what} within {DEADLINE:?}");
}

#[tokio::test]
async fn one_round_renews_every_claim_and_a_claim_taken_by_hand_is_lost_then_regained() {
    let redis = Redis::start().await;
    let (_stop, stop) = watch::channel(false);
    let timing = Timing {
        interval: Duration::from_secs(1),
        heartbeat: Duration::from_secs(15),
        history: Duration::from_secs(60),
    };
    let hub = Hub::start(
        &RedisUrl(redis.url()),
        Duration::from_secs(600),
        Fleet::new(Duration::from_secs(15)),
        timing,
        stop,
        "hub-a",
    )
    .expect("hub");
    until("the hub connects to redis", || async { hub.health()["status"] == "ok" }).await;
    let client = redis::Client::open(redis.url()).expect("client");
    let mut conn = client.get_multiplexed_async_connection().await.expect("connection");

    let mut links: Vec<AgentLink> = Vec::new();
    for i in 0..CLAIMS {
        links.push(hub.claim(&format!("h{i}"), &format!("h{i}"), &BTreeMap::new()).await.expect("claimed"));
    }
    // A second link for a host held by this hub is refused too.
    assert!(hub.claim("h0", "h0", &BTreeMap::new()).await.is_err());

    // Four whole rounds (each renews every claim: a PEXPIRE inside the script)
    // span more than the TTL, so a claim still there was renewed, not just taken.
    let scripts_before = calls(&mut conn, "evalsha").await + calls(&mut conn, "eval").await;
    let renewed_before = calls(&mut conn, "pexpire").await;
    until("four rounds renew every claim", || {
        let mut conn = conn.clone();
        async move { calls(&mut conn, "pexpire").await >= renewed_before + 4 * CLAIMS as u64 }
    })
    .await;
    let scripts = calls(&mut conn, "evalsha").await + calls(&mut conn, "eval").await - scripts_before;
    let chunks = CLAIMS.div_ceil(CHUNK) as u64;
    assert!(scripts <= 5 * chunks + 2, "{scripts} script calls for about four rounds of {CLAIMS} claims");
    let keys: Vec<String> = (0..CLAIMS).map(|i| format!("pulse:host:{{h{i}}}:claim")).collect();
    let held: Vec<Option<String>> = redis::cmd("MGET").arg(&keys).query_async(&mut conn).await.expect("mget");
    assert!(held.iter().all(|holder| holder.as_deref().is_some_and(|h| h.starts_with("hub-a:"))), "every claim held");
    assert!(TTL > RENEW);

    // Another hub's claim written over ours: `held` turns false within two rounds.
    let mut watched = links[7].held();
    assert!(*watched.borrow());
    let _: () = redis::cmd("SET")
        .arg(&keys[7])
        .arg("hub-b:00000000:0000000000000001")
        .arg("PX")
        .arg(60_000)
        .query_async(&mut conn)
        .await
        .expect("set");
    let lost = tokio::time::timeout(2 * RENEW + RENEW / 2, watched.wait_for(|held| !*held)).await.is_ok();
    assert!(lost, "held turns false within two renewals");
    // The other hub lets go: the next round takes it back.
    let _: () = redis::cmd("DEL").arg(&keys[7]).query_async(&mut conn).await.expect("del");
    let regained = tokio::time::timeout(2 * RENEW + RENEW / 2, watched.wait_for(|held| *held)).await.is_ok();
    assert!(regained, "held turns true again once the claim is free");
    let holder: Option<String> = redis::cmd("GET").arg(&keys[7]).query_async(&mut conn).await.expect("get");
    assert!(holder.is_some_and(|h| h.starts_with("hub-a:")));
    assert!(*links[8].held().borrow(), "the other claims were not touched");

    // A released claim is deleted at once, long before it would run out, and no
    // longer renewed; the others are.
    drop(links.swap_remove(3));
    let released = tokio::time::timeout(RENEW, async {
        loop {
            let there: bool = redis::cmd("EXISTS").arg(&keys[3]).query_async(&mut conn.clone()).await.expect("exists");
            if !there {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    assert!(released.await.is_ok(), "a released claim is deleted within a renewal");
    links.clear();
    until("every released claim is deleted", || {
        let mut conn = conn.clone();
        let keys = keys.clone();
        async move {
            let there: u64 = redis::cmd("EXISTS").arg(&keys).query_async(&mut conn).await.expect("exists");
            there == 0
        }
    })
    .await;
}
