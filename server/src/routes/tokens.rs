//! `/api/v1/tokens` (admins): list, create (the secret is shown once), revoke.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use pulse_protocol::access::{NewToken, TokensResponse};

use super::body;
use crate::error::AppError;
use crate::state::AppState;

/// `{"tokens":[…]}`, never a secret.
pub async fn list(State(state): State<AppState>) -> Result<Json<TokensResponse>, AppError> {
    Ok(Json(TokensResponse { tokens: state.access.tokens()? }))
}

/// Makes a token: 201 with its secret, this once.
pub async fn create(State(state): State<AppState>, bytes: Bytes) -> Result<Response, AppError> {
    let NewToken { role, label } = body::json(&bytes, r#"{"role": "admin"|"viewer"|"agent", "label": "…"}"#)?;
    let created = state.access.create_token(role, &label)?;
    state.access.reach_fleet().await;
    tracing::info!(id = %created.info.id, role = role_name(role), "token created");
    Ok(secret_answer(Json(created).into_response()))
}

/// Revokes a token (its open streams are cut): 204, or 404.
pub async fn revoke(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    state.access.revoke_token(&id)?;
    state.access.reach_fleet().await;
    tracing::info!(id = %crate::quote::shown(&id), "token revoked");
    Ok(StatusCode::NO_CONTENT)
}

fn role_name(role: pulse_protocol::access::Role) -> &'static str {
    pulse_protocol::WireName::as_str(role)
}

/// A 201 that no cache may keep (it carries a secret).
pub fn secret_answer(mut response: Response) -> Response {
    *response.status_mut() = StatusCode::CREATED;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
