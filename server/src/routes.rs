//! The HTTP surface: one file per endpoint, assembled here.

mod feed;
mod health;
mod history;
pub mod params;
mod poll;
mod series;
mod site;
mod sse;
mod timeout;
mod ws;

use axum::middleware;
use axum::routing::{any, get};
use axum::Router;
use tower_http::compression::CompressionLayer;

use crate::origin;
use crate::state::AppState;

/// Every route. Streams (WebSocket, SSE, long-poll) are neither compressed nor
/// timed out (long-polls cap their own wait); plain answers are both.
pub fn router(state: AppState) -> Router {
    let streams = Router::new()
        .route("/api/v1/ws", get(ws::handler))
        .route("/api/v1/sse", get(sse::handler))
        .route("/api/v1/poll", get(poll::handler));
    let plain = Router::new()
        .route("/api/v1/series", get(series::handler))
        .route("/api/v1/history", get(history::handler))
        .route("/healthz", get(health::handler))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(timeout::limit));
    let api = streams
        .merge(plain)
        .route("/api", any(site::not_found))
        .route("/api/", any(site::not_found))
        .route("/api/{*rest}", any(site::not_found))
        .method_not_allowed_fallback(site::method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), origin::cors));
    let site = site::router(&state.dist).layer(CompressionLayer::new());
    api.merge(site).with_state(state)
}
