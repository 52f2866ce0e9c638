//! `GET /api/v1/hosts`: every host the hub knows, with its status (a share link
//! for one host sees that host only); and `DELETE /api/v1/hosts/{id}` (admins):
//! forget a host that is gone for good.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use pulse_protocol::HostsResponse;

use crate::access::grant::Grant;
use crate::error::AppError;
use crate::hub::now_ms;
use crate::state::AppState;

/// `{"hosts":[{"id","name","status","last_seen","tags",…}]}`.
pub async fn handler(State(state): State<AppState>, grant: Option<Extension<Grant>>) -> Json<HostsResponse> {
    let mut hosts = state.fleet.list(now_ms());
    if let Some(shared) = grant.as_ref().and_then(|Extension(grant)| grant.only_host()) {
        hosts.retain(|host| host.id == shared);
    }
    Json(HostsResponse { hosts })
}

/// Forgets a host and its history: 204; 404 for an unknown host; 409 while it is
/// connected (stop its agent first) or for the hub's own host.
pub async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    state.fleet.remove(&id)?;
    tracing::info!(host = %crate::quote::shown(&id), "host removed with its history");
    Ok(StatusCode::NO_CONTENT)
}
