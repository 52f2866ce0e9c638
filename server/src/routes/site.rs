//! The built web app at `/`, and the answers for paths nothing else claims.

use std::path::Path;

use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

use crate::error::AppError;
use crate::state::AppState;

/// Serves `dist` (MIME types from file names, `application/wasm` included), or a
/// page saying how to build it when it is missing. A file's precompressed `.gz` copy
/// (the release build writes one, compressed harder than on the fly) goes to
/// browsers that accept gzip.
pub fn router(dist: &Path) -> Router<AppState> {
    files(dist).layer(middleware::from_fn(read_only))
}

fn files(dist: &Path) -> Router<AppState> {
    if dist.join("index.html").is_file() {
        let files = ServeDir::new(dist).precompressed_gzip().not_found_service(not_found.into_service());
        let router = Router::new().fallback_service(files);
        if dist.join("config.json").is_file() {
            router
        } else {
            // The web app asks for config.json first; served by this server, the
            // answer is "use this origin", which `{}` says without a 404 in the console.
            router.route("/config.json", get(|| async { axum::Json(serde_json::json!({})) }))
        }
    } else {
        Router::new().route("/", get(not_built)).fallback(not_found)
    }
}

/// 404 with a JSON body naming the path.
pub async fn not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_owned())
}

/// The site is read-only: anything but GET and HEAD gets a JSON 405.
async fn read_only(request: Request, next: Next) -> Response {
    if request.method() == Method::GET || request.method() == Method::HEAD {
        next.run(request).await
    } else {
        AppError::MethodNotAllowed.into_response()
    }
}

/// 405 with a JSON body.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

async fn not_built() -> Response {
    let page = "<!doctype html><meta charset=utf-8><title>Pulse</title>\
        <body style=\"font:16px system-ui;margin:3em\"><h1>Pulse's server is running</h1>\
        <p>The web app is not built yet. Run <code>./pulse run</code> from the repository \
        (or <code>trunk build --release</code>, then start the server with <code>--dist dist</code>).</p>\
        <p>The API is live: <a href=\"/api/v1/series\">/api/v1/series</a>, <a href=\"/healthz\">/healthz</a>.</p>";
    (StatusCode::OK, Html(page)).into_response()
}
