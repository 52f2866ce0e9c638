//! The WebSocket transport over a real socket: order, resume, gaps, bad clients.

#[path = "support/server.rs"]
mod support;

use futures_util::{SinkExt, StreamExt};
use pulse_protocol::{GapReason, ServerMessage};
use support::*;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

async fn hello(ws: &mut Ws) -> pulse_protocol::Hello {
    match ws_next(ws).await {
        ServerMessage::Hello(hello) => hello,
        other => panic!("expected hello first, got {other:?}"),
    }
}

async fn frames(ws: &mut Ws, count: usize) -> Vec<u64> {
    ws_frames(ws, count).await
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
    assert!(hello.catalog.get("cpu.total").is_some(), "the first client already gets the full catalogue");
    assert!(hello.seq >= 1, "the server accepts connections after its first sample");
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
    // Memory only: with a store, a cursor older than memory is resumed from disk
    // (tests/store.rs), one more history window back.
    let server = TestServer::start(&["--interval", "50ms", "--history", "250ms", "--no-store"]).await;
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
    for _ in 0..MAX_MESSAGES {
        match ws_next(&mut ws).await {
            ServerMessage::Heartbeat(_) => return,
            ServerMessage::Frame(_) => continue,
            other => panic!("expected a heartbeat, got {other:?}"),
        }
    }
    panic!("no heartbeat");
}

#[tokio::test]
async fn heartbeats_arrive_while_no_frame_comes_and_name_the_newest_frame() {
    let server = TestServer::start(&["--interval", "1h", "--heartbeat", "100ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    let newest = hello(&mut ws).await.seq;
    let mut heartbeats = 0;
    for _ in 0..MAX_MESSAGES {
        match ws_next(&mut ws).await {
            ServerMessage::Heartbeat(heartbeat) => {
                assert_eq!(heartbeat.seq, newest, "no frame came since hello");
                heartbeats += 1;
                if heartbeats == 3 {
                    return;
                }
            }
            other => panic!("only heartbeats while the host is not sampled, got {other:?}"),
        }
    }
    panic!("no heartbeats while idle");
}

#[tokio::test]
async fn garbage_closes_that_client_with_a_reason_and_others_keep_receiving() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut good = ws_connect(&server.ws_url("")).await;
    hello(&mut good).await;
    let mut bad = ws_connect(&server.ws_url("")).await;
    hello(&mut bad).await;
    bad.send(Message::Text("this is not json".into())).await.expect("send");
    let close = ws_close(&mut bad).await;
    assert_eq!(close.code, CloseCode::Policy);
    assert!(close.reason.contains("ping"), "the reason says what was expected: {}", close.reason);
    let seqs = frames(&mut good, 4).await;
    assert!(consecutive(&seqs));
}

#[tokio::test]
async fn binary_data_closes_that_client_with_1003() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    hello(&mut ws).await;
    ws.send(Message::Binary(vec![1u8, 2, 3].into())).await.expect("send");
    let close = ws_close(&mut ws).await;
    assert_eq!(close.code, CloseCode::Unsupported);
    assert!(close.reason.contains("binary"), "{}", close.reason);
}

#[tokio::test]
async fn websocket_pings_get_pongs() {
    let server = TestServer::start(&["--interval", "10s", "--heartbeat", "30s"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    hello(&mut ws).await;
    ws.send(Message::Ping(b"probe".to_vec().into())).await.expect("send");
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, ws.next()).await.expect("pong in time") {
            Some(Ok(Message::Pong(payload))) => {
                assert_eq!(&payload[..], b"probe");
                return;
            }
            Some(Ok(Message::Text(_))) => continue,
            other => panic!("expected a pong, got {other:?}"),
        }
    }
    panic!("no pong");
}

#[tokio::test]
async fn an_oversized_message_closes_that_client_with_a_reason() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    hello(&mut ws).await;
    ws.send(Message::Text("x".repeat(64 * 1024).into())).await.expect("send");
    let close = ws_close(&mut ws).await;
    assert!(matches!(close.code, CloseCode::Policy | CloseCode::Size), "{:?} {}", close.code, close.reason);
    assert!(!close.reason.is_empty());
}

#[tokio::test]
async fn a_client_that_stops_reading_is_cut_off_others_keep_receiving_and_it_resumes_losing_nothing() {
    let server = TestServer::start(&["--interval", "2ms", "--history", "1m"]).await;
    // A tiny receive window, so the server's socket fills after a few frames and the
    // fan-out has to queue, then give up on this client.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(2048).expect("small receive buffer");
    let stream = socket.connect(server.addr).await.expect("connect");
    let (mut slow, _) =
        tokio_tungstenite::client_async(server.ws_url(""), tokio_tungstenite::MaybeTlsStream::Plain(stream))
            .await
            .expect("handshake");
    let epoch = hello(&mut slow).await.epoch;
    let first = frames(&mut slow, 1).await[0];
    let mut good = ws_connect(&server.ws_url("")).await;
    hello(&mut good).await;
    // The good client keeps receiving every frame in order while the slow one reads
    // nothing, until the server has let the slow one go.
    let mut received = 0;
    // Typically ~15 s (the kernel buffers a few MiB first); bounded for a slow machine.
    let give_up = tokio::time::Instant::now() + 12 * DEADLINE;
    for _ in 0..MAX_MESSAGES * 20 {
        if tokio::time::Instant::now() > give_up {
            break;
        }
        let seqs = frames(&mut good, 50).await;
        assert!(consecutive(&seqs), "{seqs:?}");
        received += seqs.len();
        if connections(&server).await == 1 {
            break;
        }
    }
    assert_eq!(connections(&server).await, 1, "the slow client was let go after {received} frames");
    eprintln!("the slow client was let go after {received} frames");
    // What the slow client did get is every frame from the first on, in order;
    // then its connection ends.
    let mut last = first;
    for _ in 0..MAX_MESSAGES * 20 {
        match tokio::time::timeout(DEADLINE, slow.next()).await.expect("data or the end in time") {
            Some(Ok(Message::Text(text))) => {
                if let Some(seq) = seq_of(&serde_json::from_str(&text).expect("a whole protocol message")) {
                    assert_eq!(seq, last + 1, "in order, nothing skipped");
                    last = seq;
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => break,
        }
    }
    assert!(last > first, "the client got the frames its socket held");
    // Reconnecting with its cursor, it continues right after the last frame it has.
    let mut again = ws_connect(&server.ws_url(&format!("?since={last}&epoch={epoch}"))).await;
    hello(&mut again).await;
    let resumed = frames(&mut again, 20).await;
    assert_eq!(resumed[0], last + 1, "{resumed:?}");
    assert!(consecutive(&resumed), "{resumed:?}");
}

/// The server's open streaming connections, from `/healthz`.
async fn connections(server: &TestServer) -> u64 {
    let health: serde_json::Value =
        reqwest::get(server.url("/healthz")).await.expect("healthz").json().await.expect("JSON");
    health["connections"].as_u64().expect("a count")
}
