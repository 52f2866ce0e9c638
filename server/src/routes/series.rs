//! `GET /api/v1/series`: the catalogue of every series the server streams.

use axum::extract::State;
use axum::Json;
use pulse_protocol::Catalog;

use crate::state::AppState;

/// Every series the host has right now, in display order.
pub async fn handler(State(state): State<AppState>) -> Json<Catalog> {
    Json((*state.hub.catalog()).clone())
}
