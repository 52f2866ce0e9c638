//! Issue 18's holes in shared sign-in (`--redis`), each closed and shown with real
//! hub processes and a real `redis-server` on 127.0.0.1:
//! - a revision that comes back with other records behind it (Redis restarted
//!   empty and refilled as `last + 1` by a hub that missed a sign-out) is read:
//!   the sign-out holds on every hub, well before the 30 s full read;
//! - a loopback hub with an empty access file does not open on its own refill of
//!   a Redis restarted empty while the hub holding the fleet's users is away, and
//!   closes for good when that hub returns (no admin can be made meanwhile);
//! - a record with a stamp past `i64::MAX` (a tombstone's too) is skipped: the
//!   rounds settle instead of applying it forever, and a push Redis refuses
//!   (it holds such a "newer" copy) does not make every round read.

#[path = "redis/call.rs"]
mod call;
#[path = "agent/procs.rs"]
mod procs;
#[path = "redis/server.rs"]
mod server;

use std::time::Duration;

use call::{call, eventually, shared_access, sign_in, user_add, within};
use procs::{command, DataDir, Hub};
use reqwest::{Method, StatusCode};
use serde_json::json;
use server::Redis;

const PASSWORD: &str = "a long password here";
const RECORDS: &str = "pulse:access:records";
const REV: &str = "pulse:access:rev";

/// A hub on loopback sharing `redis`, with `data` as its data directory, without
/// its own host (so the only scripts it runs in Redis are shared sign-in's).
async fn hub(redis: &Redis, data: &DataDir, name: &str) -> Hub {
    let url = redis.url();
    let dir = data.0.to_str().expect("utf-8 path");
    Hub::start_with("127.0.0.1:0", &["--redis", &url, "--name", name, "--data", dir, "--no-local"]).await
}

/// Waits until `hub` has finished `more` rounds past now.
async fn rounds(hub: &Hub, more: u64) {
    let start = shared_access(hub).await["rounds"].as_u64().expect("rounds");
    eventually("more rounds", async || {
        shared_access(hub).await["rounds"].as_u64().is_some_and(|rounds| rounds >= start + more)
    })
    .await;
}

async fn redis_conn(redis: &Redis) -> ::redis::aio::MultiplexedConnection {
    let client = ::redis::Client::open(redis.url()).expect("a url");
    client.get_multiplexed_async_connection().await.expect("redis answers")
}

/// Stops (`STOP`) or resumes (`CONT`) `hub`'s process.
fn signal(hub: &Hub, which: &str) {
    let pid = hub.proc.child.id().expect("running").to_string();
    let status = std::process::Command::new("kill").args([&format!("-{which}"), &pid]).status().expect("kill runs");
    assert!(status.success());
}

#[tokio::test]
async fn a_sign_out_holds_when_redis_is_refilled_to_a_revision_a_hub_already_read() {
    let mut redis = Redis::start().await;
    let (data_a, data_c) = (DataDir::new(), DataDir::new());
    user_add(&data_a, "ann", "admin", PASSWORD).await;
    let a = hub(&redis, &data_a, "hub-a").await;
    let c = hub(&redis, &data_c, "hub-c").await;
    let session = sign_in(&a, "ann", PASSWORD).await.expect("signed in on A");
    eventually("C takes the session", async || {
        call(&c, Method::GET, "/api/v1/hosts", &session, None).await.0 == StatusCode::OK
    })
    .await;
    rounds(&a, 3).await;

    // A misses a round (slow, or cut off); the session is signed out on C.
    signal(&a, "STOP");
    let (status, body) = call(&c, Method::DELETE, "/api/v1/session", &session, None).await;
    assert!(status.is_success(), "{status} {body}");
    rounds(&c, 3).await;
    let mut conn = redis_conn(&redis).await;
    let signed_out: u64 = ::redis::cmd("GET").arg(REV).query_async(&mut conn).await.expect("GET");

    // Redis restarts empty, and A (which still holds the session) refills it as
    // the revision after the last it read: the one C read, with the session live.
    signal(&c, "STOP");
    redis.kill().await;
    redis.restart().await;
    signal(&a, "CONT");
    let mut conn = redis_conn(&redis).await;
    eventually("A refills Redis", async || {
        ::redis::cmd("GET").arg(REV).query_async::<Option<u64>>(&mut conn).await.expect("GET").is_some()
    })
    .await;
    let refilled: u64 = ::redis::cmd("GET").arg(REV).query_async(&mut conn).await.expect("GET");
    assert_eq!(refilled, signed_out, "the revision repeats, with other records behind it");
    signal(&c, "CONT");

    // Well within the 30 s full read: C reads the refill, and the sign-out holds.
    within(Duration::from_secs(10), "the session is refused on C and on A", async || {
        call(&c, Method::GET, "/api/v1/hosts", &session, None).await.0 == StatusCode::UNAUTHORIZED
            && call(&a, Method::GET, "/api/v1/hosts", &session, None).await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
}

#[tokio::test]
async fn an_empty_hub_does_not_open_on_its_own_refill_while_the_users_hub_is_away() {
    a_hub_without_users_stays_shut_on_its_refill(false).await;
}

#[tokio::test]
async fn a_hub_with_only_an_agent_token_does_not_open_on_its_refill_either() {
    a_hub_without_users_stays_shut_on_its_refill(true).await;
}

/// Hub B holds the fleet's user and is away when Redis restarts empty; a new
/// loopback hub A (its file empty, or holding only an agent token when
/// `agent_token`: records, but no user) refills Redis and must not open.
async fn a_hub_without_users_stays_shut_on_its_refill(agent_token: bool) {
    let mut redis = Redis::start().await;
    let (data_a, data_b) = (DataDir::new(), DataDir::new());
    user_add(&data_b, "ann", "admin", PASSWORD).await;
    if agent_token {
        let dir = data_a.0.to_str().expect("utf-8 path");
        command(&["token", "create", "--role", "agent", "--data", dir], "").await;
    }
    let b = hub(&redis, &data_b, "hub-b").await;
    rounds(&b, 2).await;
    drop(b);
    redis.kill().await;
    redis.restart().await;

    // A new loopback hub with an empty file refills Redis with nothing.
    let a = hub(&redis, &data_a, "hub-a").await;
    rounds(&a, 4).await;
    let (status, body) = call(&a, Method::GET, "/api/v1/users", "", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let mallory = json!({"name": "mallory", "role": "admin", "password": "mallory password 1"});
    let (status, body) = call(&a, Method::POST, "/api/v1/users", "", Some(mallory)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");

    // The hub holding the fleet's users returns within the grace: A closes.
    let b = hub(&redis, &data_b, "hub-b").await;
    eventually("A learns the fleet has users", async || shared_access(&a).await["users"] == true).await;
    assert_eq!(call(&a, Method::GET, "/api/v1/users", "", None).await.0, StatusCode::UNAUTHORIZED);
    let admin = sign_in(&b, "ann", PASSWORD).await.expect("signed in on B");
    let (status, users) = call(&b, Method::GET, "/api/v1/users", &admin, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!users.to_string().contains("mallory"), "{users}");
}

#[tokio::test]
async fn a_new_fleet_opens_once_the_empty_refill_has_stood_a_while() {
    let redis = Redis::start_empty().await;
    let data = DataDir::new();
    let a = hub(&redis, &data, "hub-a").await;
    let started = std::time::Instant::now();
    assert_eq!(call(&a, Method::GET, "/api/v1/hosts", "", None).await.0, StatusCode::SERVICE_UNAVAILABLE);
    eventually("a hub of a new fleet opens", async || {
        call(&a, Method::GET, "/api/v1/hosts", "", None).await.0 == StatusCode::OK
    })
    .await;
    assert!(started.elapsed() >= Duration::from_secs(8), "opened after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_stamp_past_what_the_file_holds_is_skipped_and_the_rounds_settle() {
    let redis = Redis::start().await;
    let data = DataDir::new();
    user_add(&data, "ann", "admin", PASSWORD).await;
    let a = hub(&redis, &data, "hub-a").await;
    rounds(&a, 2).await;
    let mut conn = redis_conn(&redis).await;
    let big = i64::MAX as u64 + 2;
    let digest = "ab".repeat(32);
    let token =
        json!({"at": big, "body": {"kind": "token", "digest": digest, "role": "viewer", "label": "", "created": big}});
    let tomb = json!({"at": big, "gone": true});
    // "Newer" than the file's Ann: the hub's push of its own is refused by Redis.
    let ann = json!({"at": big, "body": {"kind": "user", "role": "admin", "phc": "$x", "created": 5}});
    for (key, record) in [("token:big", token), ("share:big", tomb), ("user:ann", ann)] {
        let _: () =
            ::redis::cmd("HSET").arg(RECORDS).arg(key).arg(record.to_string()).query_async(&mut conn).await.unwrap();
    }
    let _: i64 = ::redis::cmd("INCR").arg(REV).query_async(&mut conn).await.expect("INCR");
    eventually("A skips all three", async || shared_access(&a).await["malformed"].as_u64() == Some(3)).await;
    rounds(&a, 2).await;
    let before = shared_access(&a).await["applied"].as_u64().expect("applied");
    let scripts_before = scripts(&mut conn).await;
    rounds(&a, 10).await;
    assert_eq!(shared_access(&a).await["applied"].as_u64(), Some(before), "the rounds settled");
    // Nor does a push Redis refuses make every round read: at most a prune.
    let scripts = scripts(&mut conn).await - scripts_before;
    assert!(scripts <= 1, "{scripts} scripts in 10 rounds");
}

/// How many scripts Redis has run.
async fn scripts(conn: &mut ::redis::aio::MultiplexedConnection) -> u64 {
    let info: String = ::redis::cmd("INFO").arg("commandstats").query_async(conn).await.expect("INFO");
    info.lines()
        .filter(|line| line.starts_with("cmdstat_evalsha:") || line.starts_with("cmdstat_eval:"))
        .filter_map(|line| line.split_once("calls=")?.1.split(',').next()?.parse::<u64>().ok())
        .sum()
}
