//! The WebSocket transport over a real socket: order, resume, gaps, bad clients.

#[path = "support/server.rs"]
mod support;

use futures_util::{SinkExt, StreamExt};
use pulse_protocol::{GapReason, ServerMessage};
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

async fn hello(ws: &mut Ws) -> pulse_protocol::Hello {
    match ws_next(ws).await {
        ServerMessage::Hello(hello) => hello,
        other => panic!("expected hello first, got {other:?}"),
    }
}

async fn frames(ws: &mut Ws, count: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    while seqs.len() < count {
        if let Some(seq) = seq_of(&ws_next(ws).await) {
            seqs.push(seq);
        }
    }
    seqs
}

fn consecutive(seqs: &[u64]) -> bool {
    seqs.windows(2).all(|w| w[1] == w[0] + 1)
}

#[tokio::test]
async fn hello_then_frames_in_strict_order() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    let hello = hello(&mut ws).await;
    assert_eq!(hello.protocol, pulse_protocol::PROTOCOL_VERSION);
    assert!(hello.catalog.get("cpu.total").is_some() || hello.seq == 0);
    let seqs = frames(&mut ws, 6).await;
    assert!(consecutive(&seqs), "{seqs:?}");
    assert!(seqs[0] > hello.seq, "live frames come after hello's seq");
}

#[tokio::test]
async fn resume_after_a_disconnect_loses_and_duplicates_nothing() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    let epoch = hello(&mut ws).await.epoch;
    let first = frames(&mut ws, 3).await;
    let last = *first.last().expect("three frames");
    drop(ws);
    server.wait_for_seq(last + 5).await;
    let mut ws = ws_connect(&server.ws_url(&format!("?since={last}&epoch={epoch}"))).await;
    hello(&mut ws).await;
    let resumed = frames(&mut ws, 8).await;
    assert_eq!(resumed[0], last + 1, "{resumed:?}");
    assert!(consecutive(&resumed), "{resumed:?}");
}

#[tokio::test]
async fn a_cursor_older_than_history_gets_an_explicit_gap() {
    let server = TestServer::start(&["--interval", "50ms", "--history", "250ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    let epoch = hello(&mut ws).await.epoch;
    server.wait_for_seq(20).await;
    let mut ws = ws_connect(&server.ws_url(&format!("?since=1&epoch={epoch}"))).await;
    hello(&mut ws).await;
    let ServerMessage::Gap(gap) = ws_next(&mut ws).await else { panic!("expected a gap") };
    assert_eq!(gap.reason, GapReason::TooOld);
    assert!(gap.missed.unwrap_or(0) >= 10, "{gap:?}");
    let next = frames(&mut ws, 1).await[0];
    assert_eq!(next, gap.next_seq);
}

#[tokio::test]
async fn another_epoch_gets_an_epoch_changed_gap() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("?since=99&epoch=oldrun")).await;
    hello(&mut ws).await;
    let ServerMessage::Gap(gap) = ws_next(&mut ws).await else { panic!("expected a gap") };
    assert_eq!(gap.reason, GapReason::EpochChanged);
}

#[tokio::test]
async fn a_ping_gets_a_heartbeat_at_once() {
    let server = TestServer::start(&["--interval", "10s", "--heartbeat", "30s"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    hello(&mut ws).await;
    ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await.expect("send");
    loop {
        match ws_next(&mut ws).await {
            ServerMessage::Heartbeat(_) => break,
            ServerMessage::Frame(_) => continue,
            other => panic!("expected a heartbeat, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn garbage_closes_that_client_with_a_reason_and_others_keep_receiving() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut good = ws_connect(&server.ws_url("")).await;
    hello(&mut good).await;
    let mut bad = ws_connect(&server.ws_url("")).await;
    hello(&mut bad).await;
    bad.send(Message::Text("this is not json".into())).await.expect("send");
    let close = loop {
        match tokio::time::timeout(DEADLINE, bad.next()).await.expect("close in time") {
            Some(Ok(Message::Close(frame))) => break frame.expect("a close frame with a reason"),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close.code, CloseCode::Policy);
    assert!(close.reason.contains("ping"), "the reason says what was expected: {}", close.reason);
    let seqs = frames(&mut good, 4).await;
    assert!(consecutive(&seqs));
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
async fn a_graceful_shutdown_says_bye_and_closes_with_1012() {
    let mut server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    hello(&mut ws).await;
    let stop = tokio::spawn(async move { server.shutdown().await });
    let mut saw_bye = false;
    loop {
        match tokio::time::timeout(DEADLINE, ws.next()).await.expect("in time") {
            Some(Ok(Message::Text(text))) => {
                if let Ok(ServerMessage::Bye(bye)) = serde_json::from_str(&text) {
                    assert!(bye.retry_ms > 0);
                    saw_bye = true;
                }
            }
            Some(Ok(Message::Close(frame))) => {
                assert_eq!(frame.expect("close frame").code, CloseCode::Restart);
                break;
            }
            Some(Ok(_)) => continue,
            other => panic!("expected bye and close, got {other:?}"),
        }
    }
    assert!(saw_bye);
    stop.await.expect("shutdown");
}
