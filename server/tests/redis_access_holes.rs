//! The holes the review of shared sign-in (`--redis`) found, each closed and shown
//! with real hub processes and a real `redis-server` on 127.0.0.1:
//! - a session made with the old password on a hub not yet told of a reset (cut
//!   off from Redis) is ended when the hubs meet again, though it was made after
//!   the reset by the clock (it keeps the stamp of the user's record it was made
//!   under);
//! - a loopback hub open because the fleet had no users closes (503, sign-in
//!   waits for Redis) once Redis has been away for longer than `access::open::FRESH`;
//! - a `--no-store` hub does not take a Redis without a revision for a fleet
//!   without users; a hub with an access file (even an empty one) writes the
//!   revision, and once that has stood unchanged for the grace, it does;
//! - a record in Redis that parses but that no hub writes so is skipped and
//!   counted: the hub's rounds stop writing its file, and sign-in goes on;
//! - a Redis rolled back to a lower revision, without a record, is given it again;
//! - two hubs that each remove a different admin while apart leave the fleet
//!   without one: `/healthz` says so.

#[path = "redis/call.rs"]
mod call;
#[path = "agent/procs.rs"]
mod procs;
#[path = "redis/server.rs"]
mod server;

use call::{call, eventually, shared_access, sign_in, user_add};
use procs::{DataDir, Hub};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::Redis;

const OLD: &str = "the old long password";
const NEW: &str = "the new long password";
const RECORDS: &str = "pulse:access:records";
const REV: &str = "pulse:access:rev";

/// A hub on loopback sharing `redis`, with `data` as its data directory (none:
/// `--no-store`, so no access file).
async fn hub(redis: &Redis, data: Option<&DataDir>, name: &str) -> Hub {
    let url = redis.url();
    let mut args = vec!["--redis", &url, "--name", name];
    match data {
        Some(data) => args.extend(["--data", data.0.to_str().expect("utf-8 path")]),
        None => args.push("--no-store"),
    }
    Hub::start_with("127.0.0.1:0", &args).await
}

async fn redis_conn(redis: &Redis) -> ::redis::aio::MultiplexedConnection {
    let client = ::redis::Client::open(redis.url()).expect("a url");
    client.get_multiplexed_async_connection().await.expect("redis answers")
}

#[tokio::test]
async fn a_session_made_with_the_old_password_on_a_hub_cut_off_from_a_reset_ends_everywhere() {
    let mut redis = Redis::start().await;
    let (data_a, data_b) = (DataDir::new(), DataDir::new());
    user_add(&data_a, "ann", "admin", OLD).await;
    let a = hub(&redis, Some(&data_a), "hub-a").await;
    let b = hub(&redis, Some(&data_b), "hub-b").await;
    eventually("B has Ann", async || sign_in(&b, "ann", OLD).await.is_ok()).await;

    // Redis goes away; Ann's password is reset on B (the command writes B's file
    // while B runs); A, not told, takes the old one, after the reset by every clock.
    redis.kill().await;
    user_add(&data_b, "ann", "admin", NEW).await;
    eventually("B took the reset", async || sign_in(&b, "ann", NEW).await.is_ok()).await;
    let stale = sign_in(&a, "ann", OLD).await.expect("A does not know of the reset yet");
    assert_eq!(call(&a, Method::GET, "/api/v1/hosts", &stale, None).await.0, StatusCode::OK);

    // Redis returns (empty): the hubs give it their records, and the session A
    // made under Ann's old record ends on both.
    redis.restart().await;
    eventually("the session made with the old password is refused on A and on B", async || {
        call(&a, Method::GET, "/api/v1/hosts", &stale, None).await.0 == StatusCode::UNAUTHORIZED
            && call(&b, Method::GET, "/api/v1/hosts", &stale, None).await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    assert_eq!(sign_in(&a, "ann", OLD).await, Err(StatusCode::UNAUTHORIZED), "A took the reset");
    let fresh = sign_in(&a, "ann", NEW).await.expect("the new password works on A");
    eventually("a session made under the new record lives on B", async || {
        call(&b, Method::GET, "/api/v1/hosts", &fresh, None).await.0 == StatusCode::OK
    })
    .await;
}

#[tokio::test]
async fn an_open_loopback_hub_closes_once_redis_has_been_away_a_while() {
    let mut redis = Redis::start().await;
    let data = DataDir::new();
    let c = hub(&redis, Some(&data), "hub-c").await;
    assert_eq!(call(&c, Method::GET, "/api/v1/hosts", "", None).await.0, StatusCode::OK, "no user anywhere: open");
    redis.kill().await;
    let gone = std::time::Instant::now();
    eventually("C closes while Redis is away", async || {
        let (status, body) = call(&c, Method::GET, "/api/v1/hosts", "", None).await;
        status == StatusCode::SERVICE_UNAVAILABLE
            && body["detail"].as_str().is_some_and(|detail| detail.contains("waits for redis"))
    })
    .await;
    eprintln!("the open hub closed {:?} after Redis went away", gone.elapsed());
    redis.restart().await;
    eventually("C opens again once Redis says the fleet still has no users", async || {
        call(&c, Method::GET, "/api/v1/hosts", "", None).await.0 == StatusCode::OK
    })
    .await;
}

#[tokio::test]
async fn a_redis_without_a_revision_is_no_proof_of_a_fleet_without_users() {
    let redis = Redis::start_empty().await;
    // Only a hub without an access file: it reads, and finds no revision.
    let d = hub(&redis, None, "hub-d").await;
    for _ in 0..3 {
        let first = shared_access(&d).await["rounds"].as_u64().expect("rounds");
        eventually("D does two more rounds", async || {
            shared_access(&d).await["rounds"].as_u64().is_some_and(|rounds| rounds >= first + 2)
        })
        .await;
        let (status, body) = call(&d, Method::GET, "/api/v1/hosts", "", None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    }
    // A hub with an access file and no users writes the revision: a new fleet,
    // known to be empty once that refill has stood unchanged for the grace (every
    // hub holding users might have been away), so E and D open then.
    let data_e = DataDir::new();
    let e = hub(&redis, Some(&data_e), "hub-e").await;
    assert_eq!(call(&e, Method::GET, "/api/v1/hosts", "", None).await.0, StatusCode::SERVICE_UNAVAILABLE);
    for hub in [&e, &d] {
        eventually("the hub opens once the refill has stood a while", async || {
            call(hub, Method::GET, "/api/v1/hosts", "", None).await.0 == StatusCode::OK
        })
        .await;
    }
}

#[tokio::test]
async fn a_record_no_hub_writes_so_is_skipped_and_the_rounds_settle() {
    let redis = Redis::start().await;
    let (data_a, data_b) = (DataDir::new(), DataDir::new());
    user_add(&data_a, "ann", "admin", OLD).await;
    let a = hub(&redis, Some(&data_a), "hub-a").await;
    let b = hub(&redis, Some(&data_b), "hub-b").await;
    eventually("B has Ann", async || sign_in(&b, "ann", OLD).await.is_ok()).await;
    // The session B just made reaches A in one of A's rounds, which A counts as
    // applied: that must be behind us before A's count is taken as settled.
    let on_b = sign_in(&b, "ann", OLD).await.expect("signs in on B");
    eventually("A knows B's session", async || {
        call(&a, Method::GET, "/api/v1/hosts", &on_b, None).await.0 == StatusCode::OK
    })
    .await;

    let mut conn = redis_conn(&redis).await;
    let token = |digest: &str| json!({"kind": "token", "digest": digest, "role": "admin", "label": "", "created": 5});
    let secret_looking = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0$aGFzaA";
    let user_body = json!({"kind": "user", "role": "admin", "phc": secret_looking, "created": 5});
    let bad = [
        ("token:bad-digest", json!({"at": 5, "body": token("zz")})),
        ("user:mallory", json!({"at": 5, "body": token(&"ab".repeat(32))})),
        ("token:mallory", json!({"at": 5, "body": user_body})),
        (
            "session:orphan",
            json!({"at": 5, "until": 9_999_999_999_999u64, "body": {"kind": "session",
            "digest": "cd".repeat(32), "user": "nobody", "created": 5, "expires": 9_999_999_999_999u64}}),
        ),
    ];
    for (key, record) in &bad {
        let _: () =
            ::redis::cmd("HSET").arg(RECORDS).arg(key).arg(record.to_string()).query_async(&mut conn).await.unwrap();
    }
    let _: i64 = ::redis::cmd("INCR").arg(REV).query_async(&mut conn).await.expect("INCR");

    for hub in [&a, &b] {
        eventually("the hub counts the malformed records", async || {
            shared_access(hub).await["malformed"].as_u64() == Some(bad.len() as u64)
        })
        .await;
    }
    // Ten rounds later, neither hub has written its file again.
    let applied = |health: &Value| health["applied"].as_u64().expect("applied");
    let (before_a, before_b) = (shared_access(&a).await, shared_access(&b).await);
    let start = before_a["rounds"].as_u64().expect("rounds");
    eventually("ten more rounds", async || {
        shared_access(&a).await["rounds"].as_u64().is_some_and(|rounds| rounds >= start + 10)
    })
    .await;
    assert_eq!(applied(&shared_access(&a).await), applied(&before_a), "A settled");
    assert_eq!(applied(&shared_access(&b).await), applied(&before_b), "B settled");
    // Sign-in goes on, and the fleet shares it; mallory was never made.
    let session = sign_in(&a, "ann", OLD).await.expect("signs in on A");
    assert_eq!(call(&b, Method::GET, "/api/v1/hosts", &session, None).await.0, StatusCode::OK);
    let (status, users) = call(&a, Method::GET, "/api/v1/users", &session, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!users.to_string().contains("mallory"), "{users}");
    // Logged once per key, by key, never by content.
    let log = a.proc.log();
    for (key, _) in &bad {
        assert_eq!(log.matches(key).count(), 1, "{key} once in:\n{log}");
    }
    assert!(!log.contains(secret_looking) && !log.contains("argon2id$"), "{log}");
}

#[tokio::test]
async fn a_redis_rolled_back_to_a_lower_revision_is_given_what_it_lost() {
    let redis = Redis::start().await;
    let data_a = DataDir::new();
    user_add(&data_a, "ann", "admin", OLD).await;
    let a = hub(&redis, Some(&data_a), "hub-a").await;
    let mut conn = redis_conn(&redis).await;
    let rev = async |conn: &mut ::redis::aio::MultiplexedConnection| -> u64 {
        ::redis::cmd("GET").arg(REV).query_async::<Option<u64>>(conn).await.expect("GET").unwrap_or(0)
    };
    let before = rev(&mut conn).await;
    let admin = sign_in(&a, "ann", OLD).await.expect("signed in");
    let (status, made) = call(&a, Method::POST, "/api/v1/tokens", &admin, Some(json!({"role": "viewer"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let key = format!("token:{}", made["id"].as_str().expect("an id"));
    let later = rev(&mut conn).await;
    assert!(later > before, "{before} {later}");
    // Let A read the revision its writes made (two rounds), then roll Redis back:
    // the revision before them, and neither the session nor the token.
    let start = shared_access(&a).await["rounds"].as_u64().expect("rounds");
    eventually("two more rounds", async || {
        shared_access(&a).await["rounds"].as_u64().is_some_and(|rounds| rounds >= start + 2)
    })
    .await;
    let session_keys: Vec<String> = ::redis::cmd("HKEYS").arg(RECORDS).query_async(&mut conn).await.expect("HKEYS");
    let lost: Vec<&String> = session_keys.iter().filter(|k| k.starts_with("session:") || **k == key).collect();
    assert_eq!(lost.len(), 2, "{session_keys:?}");
    let _: () = ::redis::pipe()
        .cmd("HDEL")
        .arg(RECORDS)
        .arg(&lost)
        .ignore()
        .cmd("SET")
        .arg(REV)
        .arg(before)
        .ignore()
        .query_async(&mut conn)
        .await
        .expect("roll back");
    eventually("A gives the rolled-back Redis the token and the session again", async || {
        let keys: Vec<String> = ::redis::cmd("HKEYS").arg(RECORDS).query_async(&mut conn).await.expect("HKEYS");
        lost.iter().all(|k| keys.contains(k))
    })
    .await;
}

#[tokio::test]
async fn two_hubs_that_each_remove_an_admin_while_apart_leave_none_and_healthz_says_so() {
    let mut redis = Redis::start().await;
    let (data_a, data_b) = (DataDir::new(), DataDir::new());
    user_add(&data_a, "ann", "admin", OLD).await;
    user_add(&data_a, "bob", "admin", OLD).await;
    user_add(&data_a, "cat", "viewer", OLD).await;
    let a = hub(&redis, Some(&data_a), "hub-a").await;
    let b = hub(&redis, Some(&data_b), "hub-b").await;
    let on_a = sign_in(&a, "ann", OLD).await.expect("Ann on A");
    // B learns the users from Redis on one of its rounds, after A gave them (a
    // wait that costs no sign-in attempt: those are rate-limited).
    eventually("B knows the fleet's users", async || shared_access(&b).await["users"] == true).await;
    let on_b = sign_in(&b, "bob", OLD).await.expect("Bob on B");
    assert_eq!(shared_access(&a).await["admins"], true);
    redis.kill().await;
    // Each hub still sees another admin, so each allows its removal.
    assert_eq!(call(&a, Method::DELETE, "/api/v1/users/bob", &on_a, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(call(&b, Method::DELETE, "/api/v1/users/ann", &on_b, None).await.0, StatusCode::NO_CONTENT);
    redis.restart().await;
    for hub in [&a, &b] {
        eventually("the hub says the fleet has users and no admin", async || {
            let access = shared_access(hub).await;
            access["users"] == true && access["admins"] == false
        })
        .await;
    }
    assert!(a.proc.log().contains("the fleet has users but no admin"), "{}", a.proc.log());
}
