//! Polling and long-polling over real sockets.

#[path = "support/server.rs"]
mod support;

use pulse_protocol::{PollResponse, ServerMessage};
use support::*;

fn client() -> reqwest::Client {
    reqwest::Client::new()
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
    let request = client().get(url).send();
    let body: PollResponse =
        tokio::time::timeout(DEADLINE, request).await.expect("in time").unwrap().json().await.unwrap();
    // An answer at the timeout carries no messages: a frame means it answered on the frame.
    let ServerMessage::Frame(frame) = &body.messages[0] else { panic!("a frame, got {:?}", body.messages) };
    assert_eq!(frame.seq, first.next + 1, "the very next frame, nothing skipped");
    assert_eq!(body.next, frame.seq);
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
async fn a_poll_from_another_epoch_gets_hello_a_gap_and_this_epochs_frames() {
    let server = TestServer::start(&["--interval", "50ms"]).await;
    server.wait_for_seq(2).await;
    let url = server.url("/api/v1/poll?since=7&epoch=oldrun");
    let body: PollResponse = client().get(url).send().await.unwrap().json().await.unwrap();
    assert!(matches!(body.messages[0], ServerMessage::Hello(_)), "{:?}", body.messages);
    let ServerMessage::Gap(gap) = &body.messages[1] else { panic!("a gap second: {:?}", body.messages) };
    assert_eq!(gap.reason, pulse_protocol::GapReason::EpochChanged);
    let seqs: Vec<u64> = body.messages.iter().filter_map(seq_of).collect();
    assert_eq!(seqs[0], gap.next_seq);
    assert_eq!(body.next, *seqs.last().expect("frames"));
}

#[tokio::test]
async fn a_poll_from_a_cursor_ahead_of_the_server_goes_on_from_now() {
    let server = TestServer::start(&["--interval", "100ms"]).await;
    server.wait_for_seq(1).await;
    let first: PollResponse = client().get(server.url("/api/v1/poll")).send().await.unwrap().json().await.unwrap();
    let ahead = first.next + 1_000_000;
    let at_once = server.url(&format!("/api/v1/poll?since={ahead}&epoch={}", first.epoch));
    let body: PollResponse = client().get(at_once).send().await.unwrap().json().await.unwrap();
    assert!(body.next < ahead, "the cursor comes back to the server's newest frame, not {}", body.next);

    let held = server.url(&format!("/api/v1/poll?since={ahead}&epoch={}&wait=20", first.epoch));
    let request = client().get(held).send();
    let body: PollResponse =
        tokio::time::timeout(DEADLINE, request).await.expect("in time").unwrap().json().await.unwrap();
    // An answer at the timeout carries no messages: frames mean it answered on the next one.
    let seqs: Vec<u64> = body.messages.iter().filter_map(seq_of).collect();
    assert!(!seqs.is_empty(), "the next frame, as WebSocket and SSE send it: {:?}", body.messages);
    assert!(seqs[0] > first.next && seqs[0] < ahead, "{seqs:?}");
    assert_eq!(body.next, *seqs.last().expect("frames"));
}
