//! The HTTP surface: one file per endpoint, assembled here.

mod agent;
pub(crate) mod feed;
mod health;
mod history;
mod hosts;
pub mod params;
mod poll;
mod series;
mod site;
mod sse;
mod timeout;
mod ws;

use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::routing::{any, delete, get};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;
use crate::{host, origin};

/// Every route. Streams (WebSocket, SSE, long-poll) are neither compressed nor
/// timed out (long-polls cap their own wait); plain answers are both. Every request,
/// whatever its path, must name a host the server answers to (`host::allow`), and
/// every answer says `X-Content-Type-Options: nosniff`, so no JSON (which may quote
/// what a client sent) is ever taken for a page or a script.
pub fn router(state: AppState) -> Router {
    let streams = Router::new()
        .route("/api/v1/ws", get(ws::handler))
        .route("/api/v1/sse", get(sse::handler))
        .route("/api/v1/poll", get(poll::handler))
        .route("/api/v1/agent", get(agent::handler));
    let plain = Router::new()
        .route("/api/v1/series", get(series::handler))
        .route("/api/v1/history", get(history::handler))
        .route("/api/v1/hosts", get(hosts::handler))
        .route("/api/v1/hosts/{id}", delete(hosts::remove))
        .route("/healthz", get(health::handler))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(timeout::limit));
    let api = streams
        .merge(plain)
        .route("/api", any(site::not_found))
        .route("/api/", any(site::not_found))
        .route("/api/{*rest}", any(site::not_found))
        .method_not_allowed_fallback(site::method_not_allowed)
        .layer(middleware::from_fn_with_state(state.origins.clone(), origin::cors));
    let site = site::router(&state.dist).layer(CompressionLayer::new());
    api.merge(site)
        .layer(middleware::from_fn_with_state(state.hosts.clone(), host::allow))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .with_state(state)
}
