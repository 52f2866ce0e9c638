//! The HTTP surface: one file per endpoint, assembled here.

mod feed;
mod history;
mod info;
pub mod params;
mod poll;
mod site;
mod sse;
mod ws;

use std::path::Path;
use std::time::Duration;

use axum::http::StatusCode;
use axum::middleware;
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

use crate::origin;
use crate::state::AppState;

/// The longest a plain (non-streaming) request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Every route. Streams (WebSocket, SSE, long-poll) are neither compressed nor
/// timed out; plain answers are both.
pub fn router(state: AppState, dist: &Path) -> Router {
    let streams = Router::new()
        .route("/api/v1/ws", get(ws::handler))
        .route("/api/v1/sse", get(sse::handler))
        .route("/api/v1/poll", get(poll::handler));
    let plain = Router::new()
        .route("/api/v1/series", get(info::series))
        .route("/api/v1/history", get(history::handler))
        .route("/healthz", get(info::health))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT));
    let api = streams
        .merge(plain)
        .route("/api/{*rest}", get(site::not_found))
        .method_not_allowed_fallback(site::method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), origin::cors));
    let site = site::router(dist).layer(CompressionLayer::new());
    api.merge(site).with_state(state)
}
