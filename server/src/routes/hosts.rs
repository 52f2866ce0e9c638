//! `GET /api/v1/hosts`: every host the hub knows, with its status; and
//! `DELETE /api/v1/hosts/{id}`: forget a host that is gone for good.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use pulse_protocol::HostsResponse;

use super::agent::identity::check_token;
use crate::error::AppError;
use crate::hub::now_ms;
use crate::state::AppState;

/// `{"hosts":[{"id","name","status","last_seen","tags",…}]}`.
pub async fn handler(State(state): State<AppState>) -> Json<HostsResponse> {
    Json(HostsResponse { hosts: state.fleet.list(now_ms()) })
}

/// Forgets a host and its history: 204; 401 without an agent token (the hub's only
/// credential until it has users); 404 for an unknown host; 409 while it is
/// connected (stop its agent first) or for the hub's own host.
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    check_token(&headers, &state.agent_tokens)?;
    state.fleet.remove(&id)?;
    tracing::info!(host = %crate::quote::shown(&id), "host removed with its history");
    Ok(StatusCode::NO_CONTENT)
}
