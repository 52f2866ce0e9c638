//! The Origin check on every API route, and CORS for allowed foreign origins.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::ApiError;
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const ALLOWED: &str = "https://static.example";

async fn sse_with(server: &TestServer, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.url("/api/v1/sse"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("response")
}

#[tokio::test]
async fn origins_other_than_the_servers_own_are_refused() {
    let server = TestServer::start(&["--interval", "50ms", "--allow-origin", "https://static.example"]).await;
    let with_origin = |origin: &str| {
        let mut request = server.ws_url("").into_client_request().expect("request");
        request.headers_mut().insert("origin", origin.parse().expect("header"));
        request
    };
    let own = format!("http://{}", server.addr);
    for allowed in [own.as_str(), "https://static.example"] {
        let result = tokio_tungstenite::connect_async(with_origin(allowed)).await;
        assert!(result.is_ok(), "{allowed} must be allowed");
    }
    let refused = tokio_tungstenite::connect_async(with_origin("http://evil.example")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!("expected a 403, got {other:?}"),
    }
}

#[tokio::test]
async fn sse_accepts_its_own_origin_and_allowed_ones_and_refuses_others() {
    // Reached by a public name through a proxy, a hub without users serves only when
    // it is public and read-only.
    let args = ["--interval", "50ms", "--allow-origin", ALLOWED, "--allow-host", "pulse.example", "--public-read-only"];
    let server = TestServer::start(&args).await;
    let own = format!("http://{}", server.addr);
    let response = sse_with(&server, &[("origin", &own)]).await;
    assert_eq!(response.status(), 200, "same origin");
    assert!(response.headers().get("access-control-allow-origin").is_none(), "no CORS needed for itself");

    // Behind a reverse proxy the browser's origin matches the Host it used (which the
    // server must be told to answer to), not --listen.
    let proxied = sse_with(&server, &[("origin", "https://pulse.example"), ("host", "pulse.example")]).await;
    assert_eq!(proxied.status(), 200, "Origin matching Host passes");

    let allowed = sse_with(&server, &[("origin", ALLOWED)]).await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(allowed.headers()["access-control-allow-origin"], ALLOWED);

    let refused = sse_with(&server, &[("origin", "http://evil.example")]).await;
    assert_eq!(refused.status(), 403);
    let body: ApiError = refused.json().await.expect("JSON body");
    assert_eq!(body.error, "forbidden_origin");
}

#[tokio::test]
async fn any_origin_may_be_allowed_with_a_star() {
    let server = TestServer::start(&["--interval", "50ms", "--allow-origin", "*"]).await;
    let response = sse_with(&server, &[("origin", "http://anywhere.example")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "http://anywhere.example");
}

#[tokio::test]
async fn allowed_foreign_origins_get_cors_headers_and_preflights_work() {
    let server = TestServer::start(&["--interval", "50ms", "--allow-origin", ALLOWED]).await;
    let client = reqwest::Client::new();
    for path in ["/api/v1/series", "/api/v1/history", "/api/v1/poll"] {
        let response = client.get(server.url(path)).header("origin", ALLOWED).send().await.expect("response");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["access-control-allow-origin"], ALLOWED, "{path}");
        let vary: Vec<_> = response.headers().get_all("vary").iter().filter_map(|v| v.to_str().ok()).collect();
        assert!(vary.iter().any(|v| v.to_ascii_lowercase().contains("origin")), "{path}: Vary {vary:?}");
    }
    let preflight = client
        .request(reqwest::Method::OPTIONS, server.url("/api/v1/sse"))
        .header("origin", ALLOWED)
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "last-event-id")
        .send()
        .await
        .expect("preflight");
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(preflight.headers()["access-control-allow-origin"], ALLOWED);
    let allow_headers = preflight.headers()["access-control-allow-headers"].to_str().unwrap_or("");
    assert!(allow_headers.contains("last-event-id"), "{allow_headers}");
    let unknown = client
        .request(reqwest::Method::OPTIONS, server.url("/api/v1/nope"))
        .header("origin", ALLOWED)
        .header("access-control-request-method", "GET")
        .send()
        .await
        .expect("preflight of an unknown path");
    assert_eq!(unknown.status(), 404, "a preflight grants only routes that exist");
    let body: ApiError = unknown.json().await.expect("JSON body");
    assert_eq!(body.error, "not_found");
}

#[tokio::test]
async fn a_refused_page_gets_a_403_it_can_read_on_every_api_route_and_no_data() {
    let server = TestServer::start(&["--interval", "50ms", "--allow-origin", ALLOWED]).await;
    let client = reqwest::Client::new();
    for path in ["/api/v1/series", "/api/v1/history", "/api/v1/poll", "/api/v1/sse"] {
        let response =
            client.get(server.url(path)).header("origin", "http://evil.example").send().await.expect("response");
        assert_eq!(response.status(), 403, "{path}");
        assert_eq!(response.headers()["access-control-allow-origin"], "http://evil.example", "{path}: readable");
        let body: ApiError = response.json().await.expect("JSON body");
        assert_eq!(body.error, "forbidden_origin", "{path}");
        assert!(body.detail.contains("--allow-origin http://evil.example"), "{path}: {}", body.detail);
    }
    let health = client.get(server.url("/healthz")).send().await.expect("response");
    assert_eq!(health.status(), 200, "clients that are not browsers send no Origin and pass");
}

#[tokio::test]
async fn the_public_urls_origin_is_the_servers_own_behind_a_proxy_that_forwards_no_host() {
    let server = TestServer::start(&["--interval", "50ms", "--public-url", "https://pulse.example/dash/"]).await;
    // The proxy sends its upstream as Host and forwards nothing: only --public-url
    // tells the server which origin is its own.
    let response = sse_with(&server, &[("origin", "https://pulse.example")]).await;
    assert_eq!(response.status(), 200);
    let other = sse_with(&server, &[("origin", "https://other.example")]).await;
    assert_eq!(other.status(), 403);
}
