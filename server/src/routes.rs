//! The HTTP surface: one file per endpoint, assembled here.

mod agent;
mod alert_rules;
mod alerts;
mod body;
pub(crate) mod feed;
mod health;
mod history;
mod hosts;
mod hub_status;
mod live_alerts;
mod notices;
pub mod params;
mod plain_rejections;
mod poll;
mod series;
mod session;
mod shares;
mod site;
mod sse;
mod timeout;
mod tokens;
mod users;
mod ws;

use std::collections::BTreeMap;

use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::routing::{any, delete, get, post, put, MethodRouter};
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::access::grant::Need;
use crate::gate::{self, Gate};
use crate::state::AppState;
use crate::{host, origin};

/// One route: its method and path, what it needs (see `crate::access::grant`),
/// and whether it is a stream. [`table`] lists them all; [`router`] is built from
/// it, so a route cannot be added without stating what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Its method.
    pub method: &'static str,
    /// Its path, as axum writes it (`{id}` for a parameter).
    pub path: &'static str,
    /// What a caller needs.
    pub need: Need,
    /// Whether it streams (neither compressed nor timed out; kept under its
    /// credential, to be cut when that ends).
    pub stream: bool,
}

/// Every API route and `/healthz` (the site's files are public: the page must
/// load to show its sign-in form).
pub fn table() -> Vec<Route> {
    entries().into_iter().map(|(route, _)| route).collect()
}

fn entries() -> Vec<(Route, MethodRouter<AppState>)> {
    use Need::*;
    let route = |method, path, need, stream| Route { method, path, need, stream };
    vec![
        (route("GET", "/api/v1/ws", ReadHost, true), get(ws::handler)),
        (route("GET", "/api/v1/sse", ReadHost, true), get(sse::handler)),
        (route("GET", "/api/v1/poll", ReadHost, true), get(poll::handler)),
        (route("GET", "/api/v1/agent", Agent, true), get(agent::handler)),
        (route("GET", "/api/v1/series", ReadHost, false), get(series::handler)),
        (route("GET", "/api/v1/history", ReadHistory, false), get(history::handler)),
        (route("GET", "/api/v1/hosts", Read, false), get(hosts::handler)),
        (route("DELETE", "/api/v1/hosts/{id}", Admin, false), delete(hosts::remove)),
        (route("GET", "/api/v1/alerts", Read, false), get(alerts::list)),
        (route("GET", "/api/v1/alerts/deliveries", Admin, false), get(alerts::deliveries)),
        (route("GET", "/api/v1/alerts/rules", Read, false), get(alert_rules::list)),
        (route("POST", "/api/v1/alerts/rules", Admin, false), post(alert_rules::create)),
        (route("PUT", "/api/v1/alerts/rules/{name}", Admin, false), put(alert_rules::edit)),
        (route("DELETE", "/api/v1/alerts/rules/{name}", Admin, false), delete(alert_rules::remove)),
        (route("POST", "/api/v1/alerts/rules/{name}/mute", Admin, false), post(alert_rules::mute)),
        (route("DELETE", "/api/v1/alerts/rules/{name}/mute", Admin, false), delete(alert_rules::unmute)),
        (route("POST", "/api/v1/alerts/webhooks/{name}/test", Admin, false), post(alert_rules::test)),
        (route("GET", "/api/v1/session", Public, false), get(session::current)),
        (route("POST", "/api/v1/session", Public, false), post(session::sign_in)),
        (route("DELETE", "/api/v1/session", Public, false), delete(session::sign_out)),
        (route("GET", "/api/v1/tokens", Admin, false), get(tokens::list)),
        (route("POST", "/api/v1/tokens", Admin, false), post(tokens::create)),
        (route("DELETE", "/api/v1/tokens/{id}", Admin, false), delete(tokens::revoke)),
        (route("GET", "/api/v1/shares", Admin, false), get(shares::list)),
        (route("POST", "/api/v1/shares", Admin, false), post(shares::create)),
        (route("DELETE", "/api/v1/shares/{id}", Admin, false), delete(shares::revoke)),
        (route("GET", "/api/v1/users", Admin, false), get(users::list)),
        (route("POST", "/api/v1/users", Admin, false), post(users::add)),
        (route("DELETE", "/api/v1/users/{name}", Admin, false), delete(users::remove)),
        (route("GET", "/healthz", Public, false), get(health::handler)),
    ]
}

/// Every route, each behind its access check (`crate::gate`). Streams (WebSocket,
/// SSE, long-poll) are neither compressed nor timed out (long-polls cap their own
/// wait); plain answers are both. Every request, whatever its path, must name a
/// host the server answers to (`host::allow`), and every answer says
/// `X-Content-Type-Options: nosniff`, so no JSON (which may quote what a client
/// sent) is ever taken for a page or a script.
pub fn router(state: AppState) -> Router {
    let mut streams: BTreeMap<&str, MethodRouter<AppState>> = BTreeMap::new();
    let mut plain: BTreeMap<&str, MethodRouter<AppState>> = BTreeMap::new();
    for (route, handler) in entries() {
        debug_assert!(route.method.parse::<Method>().is_ok());
        let gate = Gate {
            access: state.access.clone(),
            need: route.need,
            stream: route.stream,
            origins: state.origins.clone(),
        };
        let handler = handler.route_layer(middleware::from_fn_with_state(gate, gate::check));
        let group = if route.stream { &mut streams } else { &mut plain };
        let merged = match group.remove(route.path) {
            Some(existing) => existing.merge(handler),
            None => handler,
        };
        group.insert(route.path, merged);
    }
    let streams = streams.into_iter().fold(Router::new(), |router, (path, handler)| router.route(path, handler));
    let plain = plain
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| router.route(path, handler))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(timeout::limit))
        // A body is read whole before its handler sees it, and sign-in needs no
        // credential: without this cap every connection could make the hub hold
        // axum's default 2 MB (400 connections held 860 MB).
        .layer(DefaultBodyLimit::max(body::MAX_BODY));
    let api = streams
        .merge(plain)
        .route("/api", any(site::not_found))
        .route("/api/", any(site::not_found))
        .route("/api/{*rest}", any(site::not_found))
        .method_not_allowed_fallback(site::method_not_allowed)
        .layer(middleware::from_fn(plain_rejections::as_json))
        .layer(middleware::from_fn_with_state(state.origins.clone(), origin::cors));
    let site = site::router(&state.dist).layer(CompressionLayer::new());
    api.merge(site)
        .layer(middleware::from_fn_with_state(state.hosts.clone(), host::allow))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .with_state(state)
}
