//! Server-Sent Events over a real socket: order, resume tokens, Last-Event-ID, heartbeats.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::ServerMessage;
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
    let frames = events.frames(4).await;
    for (id, seq) in &frames {
        assert_eq!(id.as_deref(), Some(format!("{}:{seq}", hello.epoch).as_str()), "the id is the resume token");
    }
    let seqs: Vec<u64> = frames.iter().map(|(_, seq)| *seq).collect();
    let last = (frames[3].0.clone().expect("an id"), frames[3].1);
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
    drop(events);
    server.wait_for_seq(last.1 + 4).await;
    let response =
        client().get(server.url("/api/v1/sse")).header("last-event-id", &last.0).send().await.expect("resume");
    let mut events = SseReader::new(response);
    let resumed: Vec<u64> = events.frames(6).await.into_iter().map(|(_, seq)| seq).collect();
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
async fn sse_starts_with_retry_and_is_never_compressed_or_cached() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    let response = client().get(server.url("/api/v1/sse")).header("accept-encoding", "gzip").send().await.unwrap();
    let headers = response.headers().clone();
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-accel-buffering"], "no");
    assert!(headers.get("content-encoding").is_none(), "SSE must not be compressed");
    let text = read_until(&mut response.bytes_stream(), "\"type\":\"hello\"").await;
    assert!(text.starts_with("retry: 1000\n\n"), "{text}");
}

#[tokio::test]
async fn last_event_id_wins_over_the_query_and_a_wrong_epoch_gets_a_gap() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    server.wait_for_seq(3).await;
    let health: serde_json::Value = client().get(server.url("/healthz")).send().await.unwrap().json().await.unwrap();
    let epoch = health["epoch"].as_str().expect("epoch").to_owned();

    let url = server.url("/api/v1/sse?since=1&epoch=otherrun");
    let response = client().get(url).header("last-event-id", format!("{epoch}:2")).send().await.unwrap();
    let mut events = SseReader::new(response);
    assert!(matches!(events.next().await.1, ServerMessage::Hello(_)));
    let (_, ServerMessage::Frame(frame)) = events.next().await else { panic!("the header's cursor, no gap") };
    assert_eq!(frame.seq, 3);

    let response = client().get(server.url("/api/v1/sse?since=1&epoch=otherrun")).send().await.unwrap();
    let mut events = SseReader::new(response);
    assert!(matches!(events.next().await.1, ServerMessage::Hello(_)));
    let (_, ServerMessage::Gap(gap)) = events.next().await else { panic!("a gap for another epoch") };
    assert_eq!(gap.reason, pulse_protocol::GapReason::EpochChanged);
    let (_, ServerMessage::Frame(frame)) = events.next().await else { panic!("then this epoch's frames") };
    assert_eq!(frame.seq, gap.next_seq);
}
