//! The cap on streaming connections: one more gets a JSON 503 with `Retry-After`.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::ApiError;
use support::*;

#[tokio::test]
async fn streams_beyond_the_cap_get_503_until_a_slot_frees() {
    let server = TestServer::start(&["--interval", "50ms", "--max-connections", "1"]).await;
    let first = reqwest::get(server.url("/api/v1/sse")).await.expect("first stream");
    assert_eq!(first.status(), 200);
    let second = reqwest::get(server.url("/api/v1/sse")).await.expect("response");
    assert_eq!(second.status(), 503);
    assert!(second.headers().contains_key("retry-after"));
    let body: ApiError = second.json().await.expect("JSON body");
    assert!(body.detail.contains("too many connections"), "{body:?}");
    let ws = tokio_tungstenite::connect_async(server.ws_url("")).await;
    assert!(ws.is_err(), "WebSocket counts against the same cap");

    drop(first);
    server.wait_for_connections_at_most(0).await;
    let again = reqwest::get(server.url("/api/v1/sse")).await.expect("response");
    assert_eq!(again.status(), 200, "the slot was freed");
}
