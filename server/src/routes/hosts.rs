//! `GET /api/v1/hosts`: every host the hub knows, with its status (a share link
//! for one host sees that host only); and `DELETE /api/v1/hosts/{id}` (admins):
//! forget a host that is gone for good (with `--redis`, on every hub).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use pulse_protocol::HostsResponse;

use crate::access::grant::Grant;
use crate::error::AppError;
use crate::hub::now_ms;
use crate::state::AppState;

/// `{"hosts":[{"id","name","status","last_seen","tags",…}]}`, in the order of
/// their ids (a script comparing two answers sees only what changed).
pub async fn handler(State(state): State<AppState>, grant: Option<Extension<Grant>>) -> Json<HostsResponse> {
    let mut hosts = state.fleet.list(now_ms());
    if let Some(shared) = grant.as_ref().and_then(|Extension(grant)| grant.only_host()) {
        hosts.retain(|host| host.id == shared);
    }
    hosts.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Json(HostsResponse { hosts })
}

/// Forgets a host and its history: 204; 404 for an unknown host; 409 while it is
/// connected (stop its agent first) or for the hub's own host. With `--redis` it is
/// removed from every hub (503 while Redis does not answer, and nothing is removed).
pub async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    state.fleet.removable(&id)?;
    if let Some(redis) = &state.redis {
        redis.forget(&id).await.map_err(|error| {
            tracing::warn!(host = %crate::quote::shown(&id), %error, "host not removed: redis did not answer");
            AppError::Unavailable {
                reason: "redis does not answer, so the other hubs would keep the host",
                retry_after: 1,
            }
        })?;
    }
    state.fleet.remove(&id)?;
    tracing::info!(host = %crate::quote::shown(&id), "host removed with its history");
    Ok(StatusCode::NO_CONTENT)
}
