//! The `@fleet` summary in columns (issue 14) on a real hub: a page that asks
//! (`columns=1`, or `"columns":true` in a `subscribe`) gets frames whose numbers
//! are one array in the order of the frame's host and metric lists, with the keyed
//! stream's epoch and seqs and the same numbers, over WebSocket, SSE and poll, and
//! resumes from a cursor without a hole or a duplicate; a page that does not ask
//! gets the keyed frames as before, and a bad `columns=` is a 400 naming it.

#[path = "support/server.rs"]
mod support;

use futures_util::SinkExt;
use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{Frame, Hello, PollResponse, ServerMessage, Subscribe, SUBSCRIBE_VERSION};
use support::*;
use tokio_tungstenite::tungstenite::Message;

/// The next frame on a socket that names the hub's own host (the first summary
/// may come before its first sample), every frame read following the one before.
async fn next_frame(ws: &mut Ws, last: &mut u64) -> Frame {
    for _ in 0..MAX_MESSAGES {
        if let ServerMessage::Frame(frame) = ws_next(ws).await {
            assert_eq!(frame.host, FLEET_HOST);
            assert!(*last == 0 || frame.seq == *last + 1, "{} after {last}: a hole or a duplicate", frame.seq);
            *last = frame.seq;
            return frame;
        }
    }
    panic!("no frame among {MAX_MESSAGES} messages");
}

async fn hello(ws: &mut Ws) -> Hello {
    match ws_next(ws).await {
        ServerMessage::Hello(hello) => hello,
        other => panic!("expected hello, got {other:?}"),
    }
}

/// A frame in columns: every number in the array, none keyed.
fn assert_columnar(frame: &Frame) {
    let columns = frame.columns.as_ref().expect("a frame in columns");
    assert!(frame.values.is_empty(), "no keyed values beside the columns");
    assert!(columns.is_whole(), "{columns:?}");
    assert!(!columns.hosts.is_empty(), "the hub's own host is listed");
}

#[tokio::test]
async fn the_summary_in_columns_is_the_keyed_one_numbered_alike() {
    let server = TestServer::start(&["--interval", "200ms"]).await;
    let mut keyed = ws_connect(&server.ws_url("?host=@fleet")).await;
    let mut columnar = ws_connect(&server.ws_url("?host=@fleet&columns=1")).await;
    let (keyed_hello, columnar_hello) = (hello(&mut keyed).await, hello(&mut columnar).await);
    assert_eq!(keyed_hello.epoch, columnar_hello.epoch, "one epoch: a cursor means the same in both");

    // Frames of the same seq hold the same numbers; read until one names a cpu.
    let (mut keyed_seq, mut columnar_seq) = (0, 0);
    let mut compared = 0;
    for _ in 0..20 {
        let mut a = next_frame(&mut keyed, &mut keyed_seq).await;
        let mut b = next_frame(&mut columnar, &mut columnar_seq).await;
        while a.seq < b.seq {
            a = next_frame(&mut keyed, &mut keyed_seq).await;
        }
        while b.seq < a.seq {
            b = next_frame(&mut columnar, &mut columnar_seq).await;
        }
        assert!(a.columns.is_none(), "a page that did not ask gets the keyed frames");
        assert_columnar(&b);
        assert_eq!(b.columns.as_ref().map(|c| c.to_values()), Some(a.values.clone()), "seq {}", a.seq);
        assert_eq!(a.ts, b.ts);
        compared += 1;
        if a.values.keys().any(|id| id.ends_with("/cpu")) && compared >= 2 {
            break;
        }
    }
    assert!(compared >= 2);

    // A resume from a cursor a few frames back: those frames, in columns, no gap.
    let since = columnar_seq - 2;
    let url = format!("?host=@fleet&columns=1&since={since}&epoch={}", columnar_hello.epoch.0);
    let mut resumed = ws_connect(&server.ws_url(&url)).await;
    hello(&mut resumed).await;
    let mut last = since;
    for _ in 0..3 {
        let frame = next_frame(&mut resumed, &mut last).await;
        assert_columnar(&frame);
    }
}

#[tokio::test]
async fn sse_poll_and_subscribe_carry_the_summary_in_columns() {
    let server = TestServer::start(&["--interval", "200ms"]).await;
    let client = reqwest::Client::new();

    // SSE: every frame in columns, its event id `epoch:seq`.
    let response = client.get(server.url("/api/v1/sse?host=@fleet&columns=1")).send().await.expect("sse");
    let mut sse = SseReader::new(response);
    let (_, ServerMessage::Hello(hello)) = sse.next().await else { panic!("hello first") };
    let mut previous = None;
    for _ in 0..MAX_MESSAGES {
        if let (Some(id), ServerMessage::Frame(frame)) = sse.next().await {
            assert_columnar(&frame);
            assert_eq!(id, format!("{}:{}", hello.epoch.0, frame.seq));
            assert!(previous.is_none_or(|p: u64| frame.seq == p + 1), "a hole or a duplicate");
            if previous.is_some() {
                break;
            }
            previous = Some(frame.seq);
        }
    }
    let newest = previous.expect("a frame over SSE");

    // Poll from a cursor: the frames after it, in columns.
    let url = format!("/api/v1/poll?host=@fleet&columns=1&since={}&epoch={}&wait=5", newest - 1, hello.epoch.0);
    let answer: PollResponse = client.get(server.url(&url)).send().await.expect("poll").json().await.expect("json");
    let frames: Vec<Frame> = answer
        .messages
        .into_iter()
        .filter_map(|m| match m {
            ServerMessage::Frame(frame) => Some(frame),
            _ => None,
        })
        .collect();
    assert_eq!(frames.first().map(|f| f.seq), Some(newest), "the poll starts right after its cursor");
    frames.iter().for_each(assert_columnar);

    // A socket on the hub's own host moves to the summary in columns.
    let mut ws = ws_connect(&server.ws_url("")).await;
    let subscribe = Subscribe { v: SUBSCRIBE_VERSION, host: FLEET_HOST.into(), resume: None, columns: true };
    ws.send(Message::Text(subscribe.to_json().into())).await.expect("subscribe");
    let mut seen = 0;
    for _ in 0..MAX_MESSAGES {
        match ws_next(&mut ws).await {
            ServerMessage::Hello(hello) if hello.host.as_deref() == Some(FLEET_HOST) => seen = 1,
            ServerMessage::Frame(frame) if seen > 0 => {
                assert_columnar(&frame);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 1, "the summary's hello");

    // A bad `columns=` is refused, naming it.
    let bad = client.get(server.url("/api/v1/poll?host=@fleet&columns=yes")).send().await.expect("poll");
    assert_eq!(bad.status(), 400);
    let body: serde_json::Value = bad.json().await.expect("a JSON error");
    assert!(body["detail"].as_str().is_some_and(|d| d.contains("columns must be")), "{body}");
}
