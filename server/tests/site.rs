//! The static web app and what `/` says when it is not built.

#[path = "support/server.rs"]
mod support;

use support::*;

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// A fresh `dist/` (named after the test) with an index.html and these files.
fn dist_with(name: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let dist = std::env::temp_dir().join(format!("pulse-dist-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Pulse</title>").unwrap();
    for (file, bytes) in files {
        std::fs::write(dist.join(file), bytes).unwrap();
    }
    dist
}

#[tokio::test]
async fn the_built_site_is_served_with_the_right_mime_types() {
    let dist = dist_with("mime", &[("app_bg.wasm", b"\0asm\x01\0\0\0")]);
    let server = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;
    let wasm = client().get(server.url("/app_bg.wasm")).send().await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    let index = client().get(server.url("/")).send().await.unwrap();
    assert!(index.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let missing = client().get(server.url("/nope.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn a_precompressed_copy_goes_to_browsers_that_accept_gzip() {
    let raw = b"\0asm\x01\0\0\0".to_vec();
    // Not real gzip: the test checks that these exact bytes are what is sent.
    let precompressed = b"precompressed copy".to_vec();
    let dist = dist_with("gz", &[("app_bg.wasm", &raw), ("app_bg.wasm.gz", &precompressed)]);
    let server = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;

    let gzip = client().get(server.url("/app_bg.wasm")).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
    assert_eq!(gzip.headers()["content-type"], "application/wasm");
    assert_eq!(gzip.bytes().await.unwrap().to_vec(), precompressed);

    let plain = client().get(server.url("/app_bg.wasm")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().to_vec(), raw);
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn hashed_assets_are_cached_for_good_and_the_page_is_revalidated() {
    let dist = dist_with("cache", &[("pulse-web-0123456789abcdef_bg.wasm", b"\0asm\x01\0\0\0")]);
    let server = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;
    let cache = |path: &'static str| {
        let url = server.url(path);
        async move {
            let response = client().get(url).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            response.headers()["cache-control"].to_str().unwrap().to_owned()
        }
    };
    assert_eq!(cache("/pulse-web-0123456789abcdef_bg.wasm").await, "public, max-age=31536000, immutable");
    assert_eq!(cache("/").await, "no-cache");
    assert_eq!(cache("/index.html").await, "no-cache");
    assert_eq!(cache("/config.json").await, "no-cache");
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn without_a_built_app_the_root_says_how_to_build_it() {
    let server = TestServer::start(&["--dist", "/nonexistent-pulse-dist"]).await;
    let page = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("./pulse run"));
    for (method, path) in [(reqwest::Method::GET, "/nope"), (reqwest::Method::POST, "/api/v2/whatever")] {
        let response = client().request(method, server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        let body: pulse_protocol::ApiError = response.json().await.expect("JSON 404");
        assert_eq!(body.error, "not_found");
    }
    let response = client().post(server.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 405);
    let body: pulse_protocol::ApiError = response.json().await.expect("JSON 405");
    assert_eq!(body.error, "method_not_allowed");
}
