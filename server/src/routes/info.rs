//! `GET /api/v1/series` (the catalogue) and `GET /healthz`.

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::Json;
use pulse_protocol::Catalog;
use serde_json::{json, Value};

use crate::state::AppState;

/// Every series the server streams.
pub async fn series(State(state): State<AppState>) -> Json<Catalog> {
    Json((*state.hub.catalog()).clone())
}

/// Liveness, with the epoch, newest seq and open streaming connections.
pub async fn health(State(state): State<AppState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "epoch": state.hub.epoch(),
        "seq": state.hub.newest_seq(),
        "connections": state.connections.load(Ordering::Relaxed),
    }))
}
