//! The shared sign-in tests' steps against a hub: one HTTP request (`bearer`,
//! empty for none, and an optional JSON body; the status and the JSON body
//! answered), a user made on the command line, a sign-in, `/healthz`'s shared
//! access figures, and a bounded wait for a condition.
#![allow(dead_code)]

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use super::procs::{command, DataDir, Hub};

/// A request with `bearer` (empty: none); the status and JSON body.
pub async fn call(hub: &Hub, method: Method, path: &str, bearer: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = Client::new().request(method, format!("{}{path}", hub.url()));
    if !bearer.is_empty() {
        request = request.bearer_auth(bearer);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("response");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Adds `name` (`role`) with `password` to `data`'s access file (the command line).
pub async fn user_add(data: &DataDir, name: &str, role: &str, password: &str) {
    let dir = data.0.to_str().expect("utf-8 path");
    command(&["user", "add", name, "--role", role, "--data", dir], &format!("{password}\n")).await;
}

/// Signs `user` in on `hub` (no Origin, so the answer carries the secret); the
/// session's secret, or the status of the refusal.
pub async fn sign_in(hub: &Hub, user: &str, password: &str) -> Result<String, StatusCode> {
    let (status, body) =
        call(hub, Method::POST, "/api/v1/session", "", Some(json!({"user": user, "password": password}))).await;
    if status != StatusCode::OK {
        return Err(status);
    }
    Ok(body["token"].as_str().expect("a client without Origin gets the secret").to_owned())
}

/// `/healthz`'s `redis.access`.
pub async fn shared_access(hub: &Hub) -> Value {
    call(hub, Method::GET, "/healthz", "", None).await.1["redis"]["access"].clone()
}

/// Polls (every 100 ms, at most `limit`) until `what` holds.
pub async fn within(limit: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let polls = limit.as_millis() / 100;
    for _ in 0..polls {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not within {limit:?}: {what}");
}

/// [`within`] 20 s.
pub async fn eventually(what: &str, check: impl AsyncFnMut() -> bool) {
    within(Duration::from_secs(20), what, check).await;
}
