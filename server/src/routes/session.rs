//! `/api/v1/session`: `POST` signs in, `GET` says who the caller is, `DELETE` signs
//! out. See `pulse_protocol::access` for the shapes.

use std::net::{IpAddr, Ipv4Addr};

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use bytes::Bytes;
use pulse_protocol::access::{Session, SignIn, Via, SECURE_SESSION_COOKIE, SESSION_COOKIE};

use super::body;
use crate::access::grant::Grant;
use crate::error::AppError;
use crate::listen::conn::Peer;
use crate::state::AppState;

/// Signs in: 200 with the session and its cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, AppError> {
    let SignIn { user, password } = body::json(&bytes, r#"{"user": "…", "password": "…"}"#)?;
    let address = peer
        .map(|Extension(ConnectInfo(peer))| peer.link.client().unwrap_or(peer.remote.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let (secret, grant) = state.access.sign_in(&user, &password, address).await?;
    tracing::info!(user = %crate::quote::shown(&user), "signed in");
    // A page on its hub's own origin holds the session in the cookie alone (out of
    // reach of scripts); another origin's page and a script get it to send as a bearer.
    let own_origin = headers.contains_key(header::ORIGIN) && matches!(state.origins.check(&headers), Ok(None));
    let mut session = session(&grant, true);
    if !own_origin {
        session.token = Some(secret.clone());
    }
    let max_age = state.session_ttl.as_secs();
    let cookie = if state.secure_cookies || forwarded_https(&headers) {
        format!("{SECURE_SESSION_COOKIE}={secret}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}")
    } else {
        format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}")
    };
    let mut response = Json(session).into_response();
    let out = response.headers_mut();
    out.insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal("cookie"))?);
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Who the caller is: 200, or 401 when no one.
pub async fn current(
    State(state): State<AppState>,
    grant: Option<Extension<Grant>>,
) -> Result<Json<Session>, AppError> {
    let Some(Extension(grant)) = grant else {
        return Err(AppError::Unauthorized("not signed in: POST /api/v1/session with {\"user\",\"password\"}".into()));
    };
    Ok(Json(session(&grant, state.access.has_users())))
}

/// Signs out: ends the session (its streams are cut) and clears the cookie; 204.
pub async fn sign_out(State(state): State<AppState>, grant: Option<Extension<Grant>>) -> Result<Response, AppError> {
    if let Some(Extension(grant)) = grant {
        state.access.end_session(&grant)?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    for clear in [
        format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
        format!("{SECURE_SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"),
    ] {
        let value = HeaderValue::from_str(&clear).map_err(|_| AppError::Internal("cookie"))?;
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The wire form of a grant.
fn session(grant: &Grant, users: bool) -> Session {
    Session {
        user: grant.user.clone(),
        role: grant.role,
        via: grant.via,
        expires: grant.expires,
        host: grant.host.clone().filter(|_| grant.via == Via::Share),
        users,
        token: None,
    }
}

/// Whether a proxy says the browser used HTTPS (the cookie is then `Secure`).
fn forwarded_https(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    value("x-forwarded-proto").split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
        || value("forwarded").to_ascii_lowercase().split([';', ',']).any(|pair| pair.trim() == "proto=https")
}
