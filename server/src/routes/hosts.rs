//! `GET /api/v1/hosts`: every host the hub knows, with its status.

use axum::extract::State;
use axum::Json;
use pulse_protocol::HostsResponse;

use crate::hub::now_ms;
use crate::state::AppState;

/// `{"hosts":[{"id","name","status","last_seen","tags",…}]}`.
pub async fn handler(State(state): State<AppState>) -> Json<HostsResponse> {
    Json(HostsResponse { hosts: state.fleet.list(now_ms()) })
}
