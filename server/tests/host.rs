//! The host allowlist (DNS rebinding): every route refuses a request naming a host
//! the server does not answer to with a 421 and a JSON body, and serves its own names.

#[path = "support/server.rs"]
mod support;

#[path = "support/raw.rs"]
mod raw;

use pulse_protocol::ApiError;
use support::*;

/// A built site with a page and one file, named after the test.
fn dist(name: &str) -> std::path::PathBuf {
    let dist = std::env::temp_dir().join(format!("pulse-host-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Pulse</title>").unwrap();
    std::fs::write(dist.join("app.js"), "export {}").unwrap();
    dist
}

/// Every kind of route: the API (plain and streaming), health, the page, a file, a 404.
const ROUTES: [&str; 9] = [
    "/api/v1/poll",
    "/api/v1/sse",
    "/api/v1/history",
    "/api/v1/series",
    "/healthz",
    "/",
    "/app.js",
    "/no-such-file",
    "/api/v1/no-such-endpoint",
];

async fn get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    tokio::time::timeout(DEADLINE, request.send()).await.expect("an answer in time").expect("response")
}

async fn assert_refused(response: reqwest::Response, what: &str) {
    assert_eq!(response.status(), 421, "{what}");
    assert_eq!(response.headers()["content-type"], "application/json", "{what}");
    let body: ApiError = response.json().await.expect("a JSON body");
    assert_eq!(body.error, "unknown_host", "{what}");
    assert!(body.detail.contains("\"evil.example"), "{what}: {}", body.detail);
    assert!(body.detail.contains("--allow-host evil.example") && body.detail.contains("--public-url"), "{what}");
}

#[tokio::test]
async fn a_foreign_host_is_refused_on_every_route() {
    let dist = dist("refused");
    let server = TestServer::start(&["--interval", "50ms", "--dist", dist.to_str().unwrap()]).await;
    let evil = format!("evil.example:{}", server.addr.port());
    let origin = format!("http://{evil}");
    for path in ROUTES {
        assert_refused(get(&server, path, &[("host", &evil), ("origin", &origin)]).await, path).await;
        assert_refused(get(&server, path, &[("host", "evil.example")]).await, path).await;
    }
    let upgrade =
        raw::send(server.addr, &raw::upgrade(&evil, "dGhlIHNhbXBsZSBub25jZQ==", &format!("Origin: {origin}\r\n")))
            .await;
    assert_eq!(upgrade.status, 421, "the WebSocket upgrade: {upgrade:?}");
    assert!(upgrade.body.contains("\"unknown_host\""), "{upgrade:?}");
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn a_forwarded_foreign_host_is_refused_even_with_a_good_host() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let own = server.addr.to_string();
    for forwarded in [("x-forwarded-host", "evil.example"), ("forwarded", "for=10.0.0.1;host=evil.example")] {
        for path in ["/api/v1/poll", "/healthz", "/"] {
            assert_refused(get(&server, path, &[("host", &own), forwarded]).await, path).await;
        }
    }
    let upgrade =
        raw::send(server.addr, &raw::upgrade(&own, "dGhlIHNhbXBsZSBub25jZQ==", "X-Forwarded-Host: evil.example\r\n"))
            .await;
    assert_eq!(upgrade.status, 421, "{upgrade:?}");
}

#[tokio::test]
async fn the_servers_own_names_are_served() {
    let dist = dist("served");
    let server = TestServer::start(&[
        "--interval",
        "50ms",
        "--dist",
        dist.to_str().unwrap(),
        "--allow-host",
        "pulse.test",
        "--allow-host",
        "*.dash.test",
        "--public-url",
        "https://public.test/pulse/",
        // Requests by a public name come from beyond the machine: without users they
        // are served only to a hub told it is public and read-only.
        "--public-read-only",
    ])
    .await;
    let port = server.addr.port();
    let hosts = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "[::1]".to_owned(),
        format!("127.0.0.2:{port}"),
        format!("pulse.test:{port}"),
        "PULSE.TEST".to_owned(),
        "a.dash.test".to_owned(),
        "public.test".to_owned(),
    ];
    for host in &hosts {
        for path in ["/api/v1/poll", "/api/v1/series", "/healthz", "/", "/app.js"] {
            let response = get(&server, path, &[("host", host)]).await;
            assert_eq!(response.status(), 200, "{host} {path}");
        }
        let sse = get(&server, "/api/v1/sse", &[("host", host)]).await;
        assert_eq!(sse.status(), 200, "{host} sse");
        let upgrade = raw::send(server.addr, &raw::upgrade(host, "dGhlIHNhbXBsZSBub25jZQ==", "")).await;
        assert_eq!(upgrade.status, 101, "{host} ws: {upgrade:?}");
    }
    let forwarded = get(&server, "/healthz", &[("host", "127.0.0.1"), ("x-forwarded-host", "pulse.test:443")]).await;
    assert_eq!(forwarded.status(), 200, "a proxy forwarding an allowed name");
    for refused in ["dash.test", "pulse.test.evil.example", "evil.example"] {
        assert_eq!(get(&server, "/healthz", &[("host", refused)]).await.status(), 421, "{refused}");
    }
    std::fs::remove_dir_all(dist).ok();
}

#[tokio::test]
async fn a_request_naming_no_host_is_served_over_http_1_0_only() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let old = raw::send(server.addr, "GET /healthz HTTP/1.0\r\n\r\n").await;
    assert_eq!(old.status, 200, "an HTTP/1.0 health check: {old:?}");
    let new = raw::send(server.addr, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(new.status, 400, "{new:?}");
    assert!(new.body.contains("Host"), "{new:?}");
    let absolute = raw::send(
        server.addr,
        "GET http://evil.example/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(absolute.status, 421, "the request line's host counts too: {absolute:?}");
}
