//! The session endpoint, as calls: who am I, sign in, sign out. Bodies are
//! written with `pulse_protocol::json::object` and read with `from_json`; the
//! admin lists are `crate::hooks::use_admin`'s.

use pulse_protocol::access::Session;
use pulse_protocol::from_json;
use pulse_protocol::json::object;

use crate::transport::{fetch_json, send, HttpError, ServerUrl};

/// `GET /api/v1/session`.
pub async fn session(server: &ServerUrl) -> Result<Session, HttpError> {
    fetch_json(&server.http_as_is("/api/v1/session"), None).await
}

/// `POST /api/v1/session`.
pub async fn sign_in(server: &ServerUrl, user: &str, password: &str) -> Result<Session, HttpError> {
    let body = object(&[("user", user), ("password", password)]);
    let text = send("POST", &server.http_as_is("/api/v1/session"), Some(&body)).await?;
    from_json(&text).map_err(|e| HttpError::Body(e.to_string()))
}

/// `DELETE /api/v1/session`.
pub async fn sign_out(server: &ServerUrl) -> Result<(), HttpError> {
    send("DELETE", &server.http_as_is("/api/v1/session"), None).await.map(drop)
}
