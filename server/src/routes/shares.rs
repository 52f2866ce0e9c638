//! `/api/v1/shares` (admins): read-only links to one host or the fleet overview;
//! list, create (the secret is shown once), revoke (pages using it are cut off).

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use bytes::Bytes;
use pulse_protocol::access::{NewShare, SharesResponse};
use pulse_protocol::fleet::FLEET_HOST;

use super::body;
use super::tokens::secret_answer;
use crate::error::AppError;
use crate::state::AppState;

/// How long a link works unless told.
const DEFAULT_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);
/// The longest a link may work.
const MAX_EXPIRY: Duration = Duration::from_secs(365 * 24 * 3600);

/// `{"shares":[…]}`, never a secret.
pub async fn list(State(state): State<AppState>) -> Result<Json<SharesResponse>, AppError> {
    Ok(Json(SharesResponse { shares: state.access.shares()? }))
}

/// Makes a link: 201 with its secret, this once; 404 for an unknown host.
pub async fn create(State(state): State<AppState>, bytes: Bytes) -> Result<Response, AppError> {
    let NewShare { host, expires_in, label } =
        body::json(&bytes, r#"{"host": "ID" or "@fleet", "expires_in": SECONDS, "label": "…"}"#)?;
    if host != FLEET_HOST {
        state.fleet.hub(Some(&host))?;
    }
    let expires_in = expires_in.map_or(DEFAULT_EXPIRY, Duration::from_secs);
    if expires_in.is_zero() || expires_in > MAX_EXPIRY {
        return Err(AppError::BadRequest(format!(
            "expires_in is in seconds, from 1 to {} (a year)",
            MAX_EXPIRY.as_secs()
        )));
    }
    let created = state.access.create_share(&host, expires_in, &label)?;
    state.access.reach_fleet().await;
    tracing::info!(id = %created.info.id, host = %crate::quote::shown(&host), "share link created");
    Ok(secret_answer(Json(created).into_response()))
}

/// Revokes a link: 204 (every page using it is cut off at once), or 404.
pub async fn revoke(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    state.access.revoke_share(&id)?;
    state.access.reach_fleet().await;
    tracing::info!(id = %crate::quote::shown(&id), "share link revoked");
    Ok(StatusCode::NO_CONTENT)
}
