//! The built web app at `/`, and the answers for paths nothing else claims.

mod confine;
mod csp;
mod headers;

use std::path::Path;
use std::sync::Arc;

use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
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
/// browsers that accept gzip. Trunk's hashed asset names never change content, so
/// browsers keep them for a year; everything else (`index.html`, `config.json`) is
/// revalidated on every load, so a new build is picked up at once. Only files whose
/// real path is inside `dist` are served (`confine`), and every answer carries the
/// page's security headers (`headers`).
pub fn router(dist: &Path) -> Router<AppState> {
    let site_headers = Arc::new(headers::SiteHeaders::new(dist));
    files(dist)
        .layer(middleware::from_fn(read_only))
        .layer(middleware::from_fn(cache_control))
        .layer(middleware::from_fn_with_state(site_headers, headers::add))
}

/// Sets `Cache-Control` on successful answers by whether the file name is hashed.
async fn cache_control(request: Request, next: Next) -> Response {
    let immutable = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() {
        let value = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

/// Whether a path names a file Trunk hashed: `name-<hash>[_bg].ext`, the hash a
/// 64-bit number in hex without leading zeros (16 digits, 15 in one build of 16,
/// shorter ever more rarely: 12 and up are taken). The views' files of
/// `scripts/split-wasm.sh` carry the same hash.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn files(dist: &Path) -> Router<AppState> {
    if dist.join("index.html").is_file() {
        let files = ServeDir::new(dist).precompressed_gzip().not_found_service(not_found.into_service());
        let router = Router::new()
            .fallback_service(files)
            .layer(middleware::from_fn_with_state(Arc::<Path>::from(dist), confine::inside_dist));
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

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_trunk_s_hashed_names_are_immutable() {
        for hashed in [
            "/pulse-web-71f983c926a93f70_bg.wasm",
            "/main-fd40752a1465e40e.css",
            "/x/pulse-web-71f983c926a93f70.js",
            "/pulse-web-9cc160d3759f355.js",
            "/split_fleet-9cc160d3759f355.wasm",
            "/chunk_14-abaefdacf5123228.wasm",
            "/split-abaefdacf5123228.js",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/",
            "/index.html",
            "/config.json",
            "/main-fd40752a.css",
            "/pulse-web-71f983c926a93f7g.js",
            "/logo-2024.png",
        ] {
            assert!(!is_hashed(plain), "{plain}");
        }
    }
}
