//! Malformed requests get a 4xx with a JSON body naming the problem, and the
//! server keeps serving.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::ApiError;
use support::*;

async fn error(server: &TestServer, method: reqwest::Method, path: &str, headers: &[(&str, &str)]) -> (u16, ApiError) {
    let mut request = reqwest::Client::new().request(method, server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("response");
    let status = response.status().as_u16();
    assert_eq!(response.headers()["content-type"], "application/json", "{path}");
    (status, response.json().await.expect("a JSON error body"))
}

/// (path, extra headers, status, words the detail must contain)
type Case = (&'static str, &'static [(&'static str, &'static str)], u16, &'static str);

#[tokio::test]
async fn every_bad_input_gets_its_own_4xx_with_a_named_problem() {
    let server = TestServer::start(&["--interval", "100ms"]).await;
    let get = reqwest::Method::GET;
    let cases: &[Case] = &[
        ("/api/v1/poll?since=abc&epoch=e1", &[], 400, "since must be an unsigned integer"),
        ("/api/v1/poll?since=1&epoch=e1&wait=-1", &[], 400, "wait must be"),
        ("/api/v1/poll?since=1&epoch=e1&wait=abc", &[], 400, "wait must be"),
        ("/api/v1/poll?since=1&epoch=BAD!", &[], 400, "epoch must be"),
        ("/api/v1/poll?since=1", &[], 400, "since needs epoch"),
        ("/api/v1/sse?since=x&epoch=e1", &[], 400, "since must be"),
        ("/api/v1/sse", &[("last-event-id", "garbage")], 400, "Last-Event-ID"),
        ("/api/v1/ws?since=x&epoch=e1", &[], 400, "since must be"),
        ("/api/v1/history?series=cpu.total,nope", &[], 400, "unknown series \"nope\""),
        ("/api/v1/history?from=yesterday", &[], 400, "from must be"),
        ("/api/v1/sse", &[("origin", "http://evil.example")], 403, "not allowed"),
        ("/api/v1/nothing-here", &[], 404, "/api/v1/nothing-here"),
    ];
    server.wait_for_seq(1).await;
    for (path, headers, status, detail) in cases {
        let (got, body) = error(&server, get.clone(), path, headers).await;
        assert_eq!(got, *status, "{path}: {body:?}");
        assert!(body.detail.contains(detail), "{path}: {:?} lacks {detail:?}", body.detail);
    }
    let (status, body) = error(&server, reqwest::Method::POST, "/api/v1/series", &[]).await;
    assert_eq!((status, body.error.as_str()), (405, "method_not_allowed"));
    let health = reqwest::get(server.url("/healthz")).await.expect("still serving");
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn what_axum_refuses_before_a_handler_is_a_json_4xx_too() {
    let server = TestServer::start(&["--interval", "100ms"]).await;
    let (delete, post) = (reqwest::Method::DELETE, reqwest::Method::POST);
    let cases = [
        // method, path: a segment that is not UTF-8 (axum's `Path<String>` refuses it)
        (delete.clone(), "/api/v1/hosts/%FF"),
        (delete.clone(), "/api/v1/tokens/%FF"),
        (delete.clone(), "/api/v1/users/%C3%28"),
        (delete.clone(), "/api/v1/alerts/rules/%FF"),
        (post.clone(), "/api/v1/alerts/rules/%FF/mute"),
    ];
    for (method, path) in cases {
        let (status, body) = error(&server, method, path, &[]).await;
        assert_eq!((status, body.error.as_str()), (400, "bad_request"), "{path}: {body:?}");
        assert!(body.detail.contains("UTF-8"), "{path}: {body:?}");
    }
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/session"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"user":"a","password":"{}"}}"#, "x".repeat(20_000)))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status().as_u16(), 413);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: ApiError = response.json().await.expect("a JSON error body");
    assert_eq!(body.error, "too_large", "{body:?}");
    assert!(body.detail.contains("16384 bytes") && !body.detail.contains("xxx"), "{body:?}");
}
