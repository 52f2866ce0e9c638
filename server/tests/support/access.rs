//! A hub with an admin, signing in and sharing, for the access tests.
#![allow(dead_code)]

use pulse_protocol::access::{Created, Session, ShareInfo};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{TempDir, TestServer};

/// The test admin's password.
pub const PASSWORD: &str = "correct horse battery";

/// A hub named `host` with its own data directory and one admin, `ann`, made
/// through the API while the hub was still open (loopback, no users).
pub async fn hub_with_admin(host: &str, extra: &[&str]) -> (TestServer, TempDir) {
    let dir = TempDir::new("access");
    let mut args = vec!["--interval", "100ms", "--name", host, "--data", dir.path()];
    args.extend_from_slice(extra);
    let server = TestServer::start(&args).await;
    let made = Client::new()
        .post(server.url("/api/v1/users"))
        .json(&json!({"name": "ann", "role": "admin", "password": PASSWORD}))
        .send()
        .await
        .expect("add the first user");
    assert_eq!(made.status(), StatusCode::CREATED, "an open loopback hub lets its first user be made");
    (server, dir)
}

/// Signs in; the session's secret (a client without `Origin` is given it).
pub async fn sign_in(server: &TestServer, user: &str, password: &str) -> String {
    let response = Client::new()
        .post(server.url("/api/v1/session"))
        .json(&json!({"user": user, "password": password}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    let session: Session = response.json().await.expect("a session");
    session.token.expect("a client without Origin gets the secret")
}

/// A share link for `host` lasting `seconds`, made with the admin bearer `admin`.
pub async fn share(server: &TestServer, admin: &str, host: &str, seconds: u64) -> Created<ShareInfo> {
    let response = Client::new()
        .post(server.url("/api/v1/shares"))
        .bearer_auth(admin)
        .json(&json!({"host": host, "expires_in": seconds}))
        .send()
        .await
        .expect("share");
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("a created share link")
}

/// `method` on `base` + `path`, with a bearer and a JSON body if given: the status
/// and the JSON answer (`null` when it is not JSON).
pub async fn call_at(
    base: &str,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Client::new().request(method, format!("{base}{path}"));
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("response");
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
