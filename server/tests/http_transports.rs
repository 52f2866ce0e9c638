//! SSE and poll/long-poll over real sockets, and the static site.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::{PollResponse, ServerMessage};
use support::*;

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

#[tokio::test]
async fn sse_delivers_in_order_with_resume_tokens_and_last_event_id_resumes_exactly() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let response = client().get(server.url("/api/v1/sse")).send().await.expect("sse");
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = SseReader::new(response);
    let (_, ServerMessage::Hello(hello)) = events.next().await else { panic!("hello first") };
    let mut last = (String::new(), 0);
    let mut seqs = Vec::new();
    while seqs.len() < 4 {
        if let (Some(id), ServerMessage::Frame(frame)) = events.next().await {
            assert_eq!(id, format!("{}:{}", hello.epoch, frame.seq), "the id is the resume token");
            seqs.push(frame.seq);
            last = (id, frame.seq);
        }
    }
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    drop(events);
    server.wait_for_seq(last.1 + 4).await;
    let response =
        client().get(server.url("/api/v1/sse")).header("last-event-id", &last.0).send().await.expect("resume");
    let mut events = SseReader::new(response);
    let mut resumed = Vec::new();
    while resumed.len() < 6 {
        if let (_, ServerMessage::Frame(frame)) = events.next().await {
            resumed.push(frame.seq);
        }
    }
    assert_eq!(resumed[0], last.1 + 1, "{resumed:?}");
    assert!(resumed.windows(2).all(|w| w[1] == w[0] + 1), "{resumed:?}");
}

#[tokio::test]
async fn sse_heartbeats_are_real_events_when_idle() {
    let server = TestServer::start(&["--interval", "1h", "--heartbeat", "100ms"]).await;
    let response = client().get(server.url("/api/v1/sse")).send().await.expect("sse");
    let mut events = SseReader::new(response);
    let mut heartbeats = 0;
    for _ in 0..10 {
        if let (_, ServerMessage::Heartbeat(_)) = events.next().await {
            heartbeats += 1;
        }
        if heartbeats == 2 {
            return;
        }
    }
    panic!("no heartbeats while idle");
}

#[tokio::test]
async fn poll_without_a_cursor_gets_hello_and_the_newest_frame() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    server.wait_for_seq(1).await;
    let body: PollResponse = client().get(server.url("/api/v1/poll")).send().await.unwrap().json().await.unwrap();
    assert!(matches!(body.messages[0], ServerMessage::Hello(_)));
    let ServerMessage::Frame(frame) = &body.messages[1] else { panic!("a frame after hello") };
    assert_eq!(body.next, frame.seq);
}

#[tokio::test]
async fn a_long_poll_returns_when_a_frame_arrives() {
    let server = TestServer::start(&["--interval", "300ms"]).await;
    server.wait_for_seq(1).await;
    let first: PollResponse = client().get(server.url("/api/v1/poll")).send().await.unwrap().json().await.unwrap();
    let url = server.url(&format!("/api/v1/poll?since={}&epoch={}&wait=20", first.next, first.epoch));
    let started = std::time::Instant::now();
    let body: PollResponse = client().get(url).send().await.unwrap().json().await.unwrap();
    let ServerMessage::Frame(frame) = &body.messages[0] else { panic!("a frame, got {:?}", body.messages) };
    assert_eq!(frame.seq, first.next + 1, "the very next frame, nothing skipped");
    assert_eq!(body.next, frame.seq);
    assert!(started.elapsed().as_secs() < 20, "answered on the frame, not at the timeout");
}

#[tokio::test]
async fn a_long_poll_with_nothing_new_answers_empty_at_its_timeout() {
    let server = TestServer::start(&["--interval", "1h"]).await;
    server.wait_for_seq(1).await;
    let first: PollResponse = client().get(server.url("/api/v1/poll")).send().await.unwrap().json().await.unwrap();
    let url = server.url(&format!("/api/v1/poll?since={}&epoch={}&wait=0.3", first.next, first.epoch));
    let body: PollResponse = client().get(url).send().await.unwrap().json().await.unwrap();
    assert!(body.messages.is_empty(), "{:?}", body.messages);
    assert_eq!(body.next, first.next, "the cursor stays where it was");
}

#[tokio::test]
async fn polls_resume_without_holes_across_many_requests() {
    let server = TestServer::start(&["--interval", "30ms"]).await;
    server.wait_for_seq(1).await;
    let mut cursor: PollResponse = client().get(server.url("/api/v1/poll")).send().await.unwrap().json().await.unwrap();
    let mut seqs = Vec::new();
    for _ in 0..40 {
        let url = server.url(&format!("/api/v1/poll?since={}&epoch={}&wait=2", cursor.next, cursor.epoch));
        let body: PollResponse = client().get(url).send().await.unwrap().json().await.unwrap();
        seqs.extend(body.messages.iter().filter_map(seq_of));
        cursor = body;
        if seqs.len() >= 15 {
            break;
        }
    }
    assert!(seqs.len() >= 15);
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
}

#[tokio::test]
async fn history_is_columns_aligned_with_timestamps() {
    let server = TestServer::start(&["--interval", "30ms"]).await;
    server.wait_for_seq(5).await;
    let body: pulse_protocol::HistoryResponse = client()
        .get(server.url("/api/v1/history?series=cpu.total,mem.used"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.ts.len() >= 5);
    assert_eq!(body.last_seq - body.first_seq + 1, body.ts.len() as u64);
    assert_eq!(body.series.len(), 2);
    assert!(body.series.values().all(|s| s.values.len() == body.ts.len()));
}

#[tokio::test]
async fn the_built_site_is_served_with_the_right_mime_types() {
    let dist = std::env::temp_dir().join(format!("pulse-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>Pulse</title>").unwrap();
    std::fs::write(dist.join("app_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let server = TestServer::start(&["--dist", dist.to_str().unwrap()]).await;
    let wasm = client().get(server.url("/app_bg.wasm")).send().await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    let index = client().get(server.url("/")).send().await.unwrap();
    assert!(index.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let missing = client().get(server.url("/nope.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    std::fs::remove_dir_all(dist).ok();
}
