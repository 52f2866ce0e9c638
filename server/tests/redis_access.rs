//! Users, sessions, API tokens and share links are the fleet's (`--redis`): two hub
//! processes, each with its own data directory, share one real `redis-server`, all
//! on 127.0.0.1. A session made on hub A works on hub B at once (a request and a
//! stream); signing out on B makes A refuse it and cuts A's open stream; a token
//! the command line made in A's data directory works on B; a share link made on A
//! opens its host on B; a user added on A signs in on B, and removed on B is
//! signed out on A; a Redis restarted empty
//! is given the records back, and a revocation made while it was away holds.
//!
//! A token made on a hub while that hub is applying another hub's change reaches
//! the fleet all the same. A loopback hub without users is open only once it has
//! read the fleet's copy and found no users there: until Redis answers it says
//! sign-in waits for it, and once any hub has a user it is closed.

#[path = "redis/call.rs"]
mod call;
#[path = "agent/procs.rs"]
mod procs;
#[path = "redis/server.rs"]
mod server;

use std::time::Duration;

use call::{call, eventually, sign_in};
use futures_util::StreamExt;
use procs::{command, DataDir, Hub, DEADLINE};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use server::Redis;

const PASSWORD: &str = "a long password";

async fn hub(redis: &Redis, data: &DataDir, name: &str) -> Hub {
    let dir = data.0.to_str().expect("utf-8 path");
    Hub::start_with("127.0.0.1:0", &["--redis", &redis.url(), "--data", dir, "--name", name]).await
}

/// Reads an SSE body until the hub ends it (bounded).
async fn sse_ends(response: reqwest::Response) {
    let mut body = response.bytes_stream();
    for _ in 0..10_000 {
        match tokio::time::timeout(DEADLINE, body.next()).await.expect("the stream is cut in time") {
            None | Some(Err(_)) => return,
            Some(Ok(_)) => continue,
        }
    }
    panic!("the stream went on");
}

async fn sse(hub: &Hub, bearer: &str) -> reqwest::Response {
    let response =
        Client::new().get(format!("{}/api/v1/sse", hub.url())).bearer_auth(bearer).send().await.expect("sse");
    assert_eq!(response.status(), StatusCode::OK);
    response
}

#[tokio::test]
async fn sessions_tokens_share_links_and_users_are_the_fleets() {
    let mut redis = Redis::start().await;
    let (data_a, data_b) = (DataDir::new(), DataDir::new());
    let dir_a = data_a.0.to_str().expect("utf-8 path");
    command(&["user", "add", "ann", "--role", "admin", "--data", dir_a], &format!("{PASSWORD}\n")).await;
    let a = hub(&redis, &data_a, "hub-a").await;
    let b = hub(&redis, &data_b, "hub-b").await;

    // A session made on A works on B at once: a request and a stream.
    let session = sign_in(&a, "ann", PASSWORD).await.expect("signed in on A");
    let (status, me) = call(&b, Method::GET, "/api/v1/session", &session, None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"], "ann", "{me}");
    let on_b = sse(&b, &session).await;
    let on_a = sse(&a, &session).await;

    // Signing out on B: A refuses the session and cuts its stream; so does B.
    let out = Client::new()
        .delete(format!("{}/api/v1/session", b.url()))
        .bearer_auth(&session)
        .send()
        .await
        .expect("sign out");
    assert!(out.status().is_success(), "{}", out.status());
    let signed_out = std::time::Instant::now();
    tokio::time::timeout(DEADLINE, sse_ends(on_a)).await.expect("A's stream is cut");
    eprintln!("a sign-out on hub B cut hub A's stream after {:?}", signed_out.elapsed());
    tokio::time::timeout(DEADLINE, sse_ends(on_b)).await.expect("B's stream is cut");
    let (status, _) = call(&a, Method::GET, "/api/v1/hosts", &session, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "A refuses the session B ended");

    // A token the command line made in A's data directory works on B.
    let out = command(&["token", "create", "--role", "viewer", "--data", dir_a], "").await;
    let token = out.lines().last().expect("the token").to_owned();
    eventually("B takes the token made on A's command line", async || {
        call(&b, Method::GET, "/api/v1/hosts", &token, None).await.0 == StatusCode::OK
    })
    .await;

    // A share link made on A opens its host on B.
    let admin = sign_in(&a, "ann", PASSWORD).await.expect("signed in again");
    let (status, link) =
        call(&a, Method::POST, "/api/v1/shares", &admin, Some(json!({"host": "hub-a", "expires_in": 600}))).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let link_secret = link["secret"].as_str().expect("the link's secret").to_owned();
    let (status, body) = call(&b, Method::GET, "/api/v1/history?host=hub-a&last=10s", &link_secret, None).await;
    assert_ne!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_ne!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = call(&b, Method::GET, "/api/v1/history?host=hub-b&last=10s", &link_secret, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the link opens its own host only");

    // A user added on A signs in on B.
    let (status, body) = call(
        &a,
        Method::POST,
        "/api/v1/users",
        &admin,
        Some(json!({"name": "vic", "role": "viewer", "password": PASSWORD})),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    // At once: B reads the fleet's copy before checking a password.
    sign_in(&b, "vic", PASSWORD).await.expect("vic signs in on B the moment A made vic");

    // A user removed on B: their session made on A ends there too.
    let vic = sign_in(&a, "vic", PASSWORD).await.expect("vic signs in on A");
    let (status, body) = call(&b, Method::DELETE, "/api/v1/users/vic", &admin, None).await;
    assert!(status.is_success(), "{status} {body}");
    eventually("A refuses the session of a user removed on B", async || {
        call(&a, Method::GET, "/api/v1/hosts", &vic, None).await.0 == StatusCode::UNAUTHORIZED
    })
    .await;

    // Redis restarted empty is given the records back, and a token revoked on B
    // while it was away stays revoked once it returns.
    redis.kill().await;
    let token_id = out.lines().find_map(|line| line.split_whitespace().nth(1)).expect("the token's id").to_owned();
    let (status, body) = call(&b, Method::DELETE, &format!("/api/v1/tokens/{token_id}"), &admin, None).await;
    assert!(status.is_success(), "revoking works without Redis: {status} {body}");
    redis.restart().await;
    let c_data = DataDir::new();
    let c = hub(&redis, &c_data, "hub-c").await;
    eventually("a new hub C takes the admin's session", async || {
        call(&c, Method::GET, "/api/v1/session", &admin, None).await.0 == StatusCode::OK
    })
    .await;
    eventually("the token revoked on B is refused on A", async || {
        call(&a, Method::GET, "/api/v1/hosts", &token, None).await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    let (status, _) = call(&c, Method::GET, "/api/v1/hosts", &token, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "nor brought back on C");
    for hub in [&a, &b, &c] {
        let log = hub.proc.log();
        for secret in [&session, &token, &admin, &link_secret, &vic] {
            assert!(!log.contains(secret.as_str()), "a secret in a log");
        }
    }
}

async fn anonymous(hub: &Hub, path: &str) -> (StatusCode, Value) {
    let response = Client::new().get(format!("{}{path}", hub.url())).send().await.expect("response");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_token_made_while_the_hub_applies_another_hubs_change_reaches_the_fleet() {
    let redis = Redis::start().await;
    let (data_a, data_b) = (DataDir::new(), DataDir::new());
    let dir_a = data_a.0.to_str().expect("utf-8 path");
    command(&["user", "add", "ann", "--role", "admin", "--data", dir_a], &format!("{PASSWORD}\n")).await;
    let a = hub(&redis, &data_a, "hub-a").await;
    let b = hub(&redis, &data_b, "hub-b").await;
    let admin = sign_in(&a, "ann", PASSWORD).await.expect("signed in on A");
    let create = |hub: &Hub| {
        let request = Client::new().post(format!("{}/api/v1/tokens", hub.url())).bearer_auth(&admin);
        async move {
            let response = request.json(&json!({"role": "viewer"})).send().await.expect("a token");
            assert_eq!(response.status(), StatusCode::CREATED);
            let made: Value = response.json().await.expect("json");
            let field = |name: &str| made[name].as_str().expect("a field").to_owned();
            (field("id"), field("secret"))
        }
    };
    let mut redis_conn = ::redis::Client::open(redis.url())
        .expect("a url")
        .get_multiplexed_async_connection()
        .await
        .expect("redis answers");
    // Each time: B makes tokens (and they reach Redis); A is shown the last (so A
    // reads the fleet's copy and applies them at once) and, a few ms into that
    // round, makes one of its own. Then the fleet is left alone: A's token must
    // reach B without anything else moving Redis.
    for round in 0..30u64 {
        let mut from_b = (String::new(), String::new());
        for _ in 0..20 {
            from_b = create(&b).await;
        }
        let key = format!("token:{}", from_b.0);
        eventually("B's tokens reach Redis", async || {
            ::redis::cmd("HEXISTS")
                .arg("pulse:access:records")
                .arg(&key)
                .query_async::<bool>(&mut redis_conn)
                .await
                .expect("HEXISTS")
        })
        .await;
        let (shown, (_, from_a)) = tokio::join!(call(&a, Method::GET, "/api/v1/hosts", &from_b.1, None), async {
            tokio::time::sleep(Duration::from_micros(700 * (round % 12))).await;
            create(&a).await
        });
        assert_eq!(shown.0, StatusCode::OK, "round {round}: A takes B's new token");
        eventually(&format!("round {round}: B takes the token A made meanwhile"), async || {
            call(&b, Method::GET, "/api/v1/hosts", &from_a, None).await.0 == StatusCode::OK
        })
        .await;
    }
}

#[tokio::test]
async fn a_loopback_hub_without_users_is_open_only_once_it_knows_the_fleet_has_none() {
    let mut redis = Redis::start().await;
    // Redis away at start: a hub without users is closed and says why.
    redis.kill().await;
    let data_c = DataDir::new();
    let c = hub(&redis, &data_c, "hub-c").await;
    let (status, body) = anonymous(&c, "/api/v1/hosts").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body["detail"].as_str().is_some_and(|e| e.contains("waits for redis")), "{body}");
    // Redis back, and empty: no user anywhere, so C opens.
    redis.restart().await;
    eventually("C opens once it has read an empty fleet", async || {
        anonymous(&c, "/api/v1/hosts").await.0 == StatusCode::OK
    })
    .await;

    // A hub with a user joins: the fleet has one now, so C closes, and a new hub
    // without users of its own is never open (it reads the fleet before serving).
    let data_a = DataDir::new();
    let dir_a = data_a.0.to_str().expect("utf-8 path");
    command(&["user", "add", "ann", "--role", "admin", "--data", dir_a], &format!("{PASSWORD}\n")).await;
    let a = hub(&redis, &data_a, "hub-a").await;
    let data_b = DataDir::new();
    let b = hub(&redis, &data_b, "hub-b").await;
    let (status, body) = anonymous(&b, "/api/v1/hosts").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "B is closed from its first request: {body}");
    eventually("C closes once the fleet has a user", async || {
        anonymous(&c, "/api/v1/hosts").await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    let session = sign_in(&b, "ann", PASSWORD).await.expect("A's user signs in on B");
    let (status, _) = call(&c, Method::GET, "/api/v1/hosts", &session, None).await;
    assert_eq!(status, StatusCode::OK);
    drop(a);
}
