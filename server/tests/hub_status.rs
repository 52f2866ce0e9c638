//! The hub status message (`hub=REV`) over real sockets, on a hub without Redis:
//! every stream that asks gets one after `hello` (nothing to show: Redis is not in
//! use), without an SSE `id` and never again while it holds it; a stream that does
//! not ask gets none; a bad revision is a 400. (A hub whose Redis goes down and comes
//! back is `redis.rs`'s.)

#[path = "support/server.rs"]
mod support;

use pulse_protocol::{HubStatus, ServerMessage};
use support::*;

/// What a hub without `--redis` says of itself, ever.
const NOTHING: HubStatus = HubStatus { rev: 1, redis_down_since: None };

#[tokio::test]
async fn a_stream_that_asks_is_told_once_after_hello_and_one_that_does_not_is_never_told() {
    let server = TestServer::start(&["--interval", "100ms"]).await;
    let mut ws = ws_connect(&server.ws_url("?hub=0")).await;
    assert!(matches!(ws_next(&mut ws).await, ServerMessage::Hello(_)));
    assert_eq!(ws_next(&mut ws).await, ServerMessage::Hub(NOTHING));
    for _ in 0..5 {
        assert!(matches!(ws_next(&mut ws).await, ServerMessage::Frame(_)), "told once, then frames");
    }

    let response = reqwest::get(server.url("/api/v1/sse?hub=0")).await.expect("sse");
    let mut events = SseReader::new(response);
    assert!(matches!(events.next().await, (_, ServerMessage::Hello(_))));
    assert_eq!(events.next().await, (None, ServerMessage::Hub(NOTHING)), "no id: the cursor does not move");

    let mut quiet = ws_connect(&server.ws_url("")).await;
    for _ in 0..10 {
        assert!(!matches!(ws_next(&mut quiet).await, ServerMessage::Hub(_)), "an older page is told nothing");
    }

    let polled = |rev: &str| {
        let url = server.url(&format!("/api/v1/poll?hub={rev}"));
        async move {
            let body: pulse_protocol::PollResponse<ServerMessage> =
                reqwest::get(url).await.expect("poll").json().await.expect("json");
            body.messages.into_iter().filter(|m| matches!(m, ServerMessage::Hub(_))).collect::<Vec<_>>()
        }
    };
    assert_eq!(polled("0").await, [ServerMessage::Hub(NOTHING)]);
    assert_eq!(polled("1").await, [], "a poll that holds it is not told again");

    for path in ["/api/v1/poll?hub=x", "/api/v1/sse?hub=-1", "/api/v1/ws?hub=1.5"] {
        let response = reqwest::get(server.url(path)).await.expect("answer");
        assert_eq!(response.status(), 400, "{path}");
        let body: serde_json::Value = response.json().await.expect("a JSON error");
        assert!(body["detail"].as_str().unwrap_or("").contains("hub"), "{body}");
    }
}
