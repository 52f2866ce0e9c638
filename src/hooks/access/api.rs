//! The access endpoints, as calls: who am I, sign in and out, and the admin
//! lists (tokens, share links, users). Bodies are written with
//! `pulse_protocol::json::object` and read with `from_json`.

use pulse_protocol::access::{
    Created, Session, ShareInfo, SharesResponse, TokenInfo, TokensResponse, UsersResponse,
};
use pulse_protocol::json::{object, Decode};
use pulse_protocol::from_json;

use crate::transport::{fetch_json, send, HttpError, ServerUrl};

/// `GET /api/v1/session`.
pub async fn session(server: &ServerUrl) -> Result<Session, HttpError> {
    fetch_json(&server.http_as_is("/api/v1/session"), None).await
}

/// `POST /api/v1/session`.
pub async fn sign_in(server: &ServerUrl, user: &str, password: &str) -> Result<Session, HttpError> {
    post(server, "/api/v1/session", &object(&[("user", user), ("password", password)])).await
}

/// `DELETE /api/v1/session`.
pub async fn sign_out(server: &ServerUrl) -> Result<(), HttpError> {
    delete(server, "/api/v1/session").await
}

/// `GET /api/v1/tokens`.
pub async fn tokens(server: &ServerUrl) -> Result<Vec<TokenInfo>, HttpError> {
    fetch_json::<TokensResponse>(&server.http_as_is("/api/v1/tokens"), None).await.map(|r| r.tokens)
}

/// `POST /api/v1/tokens`: the new token with its secret.
pub async fn create_token(server: &ServerUrl, role: &str, label: &str) -> Result<Created<TokenInfo>, HttpError> {
    post(server, "/api/v1/tokens", &object(&[("role", role), ("label", label)])).await
}

/// `GET /api/v1/shares`.
pub async fn shares(server: &ServerUrl) -> Result<Vec<ShareInfo>, HttpError> {
    fetch_json::<SharesResponse>(&server.http_as_is("/api/v1/shares"), None).await.map(|r| r.shares)
}

/// `POST /api/v1/shares`: the new share link with its secret.
pub async fn create_share(
    server: &ServerUrl,
    host: &str,
    expires_in_s: u64,
    label: &str,
) -> Result<Created<ShareInfo>, HttpError> {
    let body = object(&[("host", host), ("label", label)]);
    // One number among the strings: spliced in before the closing brace.
    let body = format!("{},\"expires_in\":{expires_in_s}}}", &body[..body.len() - 1]);
    post(server, "/api/v1/shares", &body).await
}

/// `GET /api/v1/users`.
pub async fn users(server: &ServerUrl) -> Result<UsersResponse, HttpError> {
    fetch_json(&server.http_as_is("/api/v1/users"), None).await
}

/// `POST /api/v1/users`.
pub async fn add_user(server: &ServerUrl, name: &str, role: &str, password: &str) -> Result<(), HttpError> {
    let body = object(&[("name", name), ("role", role), ("password", password)]);
    send("POST", &server.http_as_is("/api/v1/users"), Some(&body)).await.map(drop)
}

/// `DELETE` of one item, e.g. `/api/v1/tokens/ID` (ids and names are URL-safe).
pub async fn delete(server: &ServerUrl, path: &str) -> Result<(), HttpError> {
    send("DELETE", &server.http_as_is(path), None).await.map(drop)
}

async fn post<T: Decode>(server: &ServerUrl, path: &str, body: &str) -> Result<T, HttpError> {
    let text = send("POST", &server.http_as_is(path), Some(body)).await?;
    from_json(&text).map_err(|e| HttpError::Body(e.to_string()))
}
