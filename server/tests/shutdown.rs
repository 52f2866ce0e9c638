//! Graceful shutdown: every transport is told the server is restarting.

#[path = "support/server.rs"]
mod support;

use futures_util::StreamExt;
use pulse_protocol::{ApiError, ServerMessage};
use support::*;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn a_graceful_shutdown_says_bye_and_closes_with_1012() {
    let mut server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    assert!(matches!(ws_next(&mut ws).await, ServerMessage::Hello(_)));
    let stop = tokio::spawn(async move { server.shutdown().await });
    let mut saw_bye = false;
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, ws.next()).await.expect("in time") {
            Some(Ok(Message::Text(text))) => {
                if let Ok(ServerMessage::Bye(bye)) = serde_json::from_str(&text) {
                    assert!(bye.retry_ms > 0);
                    saw_bye = true;
                }
            }
            Some(Ok(Message::Close(frame))) => {
                let frame = frame.expect("close frame");
                assert_eq!((frame.code, frame.reason.as_str()), (CloseCode::Restart, "restarting"));
                assert!(saw_bye, "bye comes before the close frame");
                stop.await.expect("shutdown");
                return;
            }
            Some(Ok(_)) => continue,
            other => panic!("expected bye and close, got {other:?}"),
        }
    }
    panic!("no close frame");
}

#[tokio::test]
async fn a_graceful_shutdown_ends_sse_with_retry_and_bye() {
    let mut server = TestServer::start(&["--interval", "50ms", "--retry", "1500ms"]).await;
    let response = reqwest::get(server.url("/api/v1/sse")).await.expect("sse");
    let mut body = response.bytes_stream();
    let mut text = read_until(&mut body, "\"type\":\"hello\"").await;
    let stop = tokio::spawn(async move { server.shutdown().await });
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, body.next()).await.expect("the stream ends in time") {
            Some(Ok(chunk)) => text.push_str(std::str::from_utf8(&chunk).expect("utf8")),
            Some(Err(_)) | None => break,
        }
    }
    assert!(text.contains("retry: 1500\ndata: {\"type\":\"bye\""), "{}", &text[text.len().saturating_sub(300)..]);
    assert!(text.trim_end().ends_with('}'), "bye is the last event");
    stop.await.expect("shutdown");
}

#[tokio::test]
async fn a_held_long_poll_gets_503_with_retry_after_on_shutdown() {
    let mut server = TestServer::start(&["--interval", "1h"]).await;
    server.wait_for_seq(1).await;
    let health: serde_json::Value = reqwest::get(server.url("/healthz")).await.unwrap().json().await.unwrap();
    let url = server.url(&format!("/api/v1/poll?since=1&epoch={}&wait=25", health["epoch"].as_str().unwrap()));
    let held = tokio::spawn(async move { reqwest::get(url).await });
    server.wait_for_connections(1).await;
    server.shutdown().await;
    // Held for 25 s, the poll would end in a 200 with no messages: the 503 is the
    // shutdown's answer, whenever it comes within the deadline.
    let held = tokio::time::timeout(DEADLINE, held).await.expect("answered in time");
    let response = held.expect("task").expect("an answer, not a dropped connection");
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: ApiError = response.json().await.expect("JSON body");
    assert!(body.detail.contains("restarting"), "{body:?}");
}
