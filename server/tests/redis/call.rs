//! One HTTP request to a hub for the shared sign-in tests: `bearer` (empty: none)
//! and an optional JSON body; the status and the JSON body answered.
#![allow(dead_code)]

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

use super::procs::Hub;

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
