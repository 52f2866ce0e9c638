//! `GET /api/v1/series`: the catalogue of every series the server streams.

use axum::extract::State;
use axum::Json;
use pulse_protocol::Catalog;

use super::params::Params;
use crate::error::AppError;
use crate::state::AppState;

/// Every series the host (`host=`, default the hub's own) has right now, in
/// display order.
pub async fn handler(State(state): State<AppState>, params: Params) -> Result<Json<Catalog>, AppError> {
    Ok(Json((*state.hub_for(params.get("host"))?.catalog()).clone()))
}
