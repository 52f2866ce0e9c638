//! The fleet summary (`host=@fleet`) with real agent processes: a few numbers per
//! host per second over WebSocket and poll, a killed agent turning `down` in it,
//! and frames numbered without holes like any host's stream.

#[path = "agent/procs.rs"]
mod procs;

use std::collections::BTreeMap;
use std::time::Instant;

use futures_util::StreamExt;
use procs::{agent, Hub, DEADLINE};
use pulse_protocol::fleet::{status_code, FLEET_HOST};
use pulse_protocol::{Frame, HostStatus, PollResponse, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The most messages one wait reads (bounds its loop beside the deadline).
const MAX_MESSAGES: usize = 200;

/// Reads summary frames until one satisfies `done`; every frame read so far must
/// follow the one before it.
async fn wait_for(socket: &mut Socket, last_seq: &mut u64, what: &str, done: impl Fn(&Frame) -> bool) -> Frame {
    let started = Instant::now();
    for _ in 0..MAX_MESSAGES {
        let left = DEADLINE.saturating_sub(started.elapsed());
        let message = tokio::time::timeout(left, socket.next()).await;
        let Ok(Some(Ok(Message::Text(text)))) = message else { panic!("no frame {what}: {message:?}") };
        let Ok(ServerMessage::Frame(frame)) = serde_json::from_str::<ServerMessage>(&text) else { continue };
        assert_eq!(frame.host, FLEET_HOST, "summary frames carry the pseudo-host");
        if *last_seq > 0 {
            assert_eq!(frame.seq, *last_seq + 1, "a hole or a duplicate in the summary");
        }
        *last_seq = frame.seq;
        if done(&frame) {
            return frame;
        }
    }
    panic!("no frame {what} in {MAX_MESSAGES} messages");
}

fn value(frame: &Frame, id: &str) -> Option<f64> {
    frame.values.get(id).copied()
}

#[tokio::test]
async fn the_summary_lists_every_host_live_and_a_killed_agent_as_down() {
    let hub = Hub::start("127.0.0.1:0").await;
    let _alpha = agent(&["--hub", &hub.url(), "--name", "alpha"]);
    let mut beta = agent(&["--hub", &hub.url(), "--name", "beta"]);
    let url = format!("ws://{}/api/v1/ws?host=%40fleet", hub.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.expect("subscribe to @fleet");
    let mut seq = 0;

    let all_up = |frame: &Frame| {
        ["alpha", "beta", "the-hub"].iter().all(|host| {
            value(frame, &format!("{host}/status")) == Some(status_code(HostStatus::Up))
                && value(frame, &format!("{host}/cpu")).is_some_and(|cpu| (0.0..=100.0).contains(&cpu))
                && value(frame, &format!("{host}/mem")).is_some_and(|mem| mem > 0.0 && mem <= 100.0)
                && value(frame, &format!("{host}/uptime")).is_some_and(|up| up > 0.0)
        })
    };
    let frame = wait_for(&mut socket, &mut seq, "with three hosts up", all_up).await;
    // A few numbers per host, not the hosts' frames: nine at most each.
    assert!(frame.values.len() <= 3 * 9, "{:?}", frame.values.keys().collect::<Vec<_>>());
    assert!(frame.top.is_empty());

    beta.kill().await;
    let down = status_code(HostStatus::Down);
    let frame =
        wait_for(&mut socket, &mut seq, "with beta down", |frame| value(frame, "beta/status") == Some(down)).await;
    assert_eq!(value(&frame, "beta/cpu"), None, "a down host has no live numbers");
    assert!(value(&frame, "beta/seen").is_some_and(|seen| seen > 0.0), "but says when it was last seen");
    assert_eq!(value(&frame, "alpha/status"), Some(status_code(HostStatus::Up)));
    assert_eq!(value(&frame, "alpha/seen"), None, "an up host was seen at the frame's time");

    // The pseudo-host is not a host.
    assert!(hub.hosts().await.iter().all(|host| host.id != FLEET_HOST));
}

#[tokio::test]
async fn the_summary_polls_like_any_host() {
    let hub = Hub::start("127.0.0.1:0").await;
    let client = reqwest::Client::new();
    let base = format!("http://{}/api/v1/poll?host=@fleet", hub.addr);
    let poll = |query: String| {
        let client = client.clone();
        async move {
            let response = client.get(query).send().await.expect("poll");
            assert_eq!(response.status(), 200);
            response.json::<PollResponse>().await.expect("a poll answer")
        }
    };
    let first = poll(base.clone()).await;
    // Polls until a frame from the hub's own host arrives (bounded: 40 polls).
    let mut next = first.next;
    let mut values = BTreeMap::new();
    for _ in 0..40 {
        let answer = poll(format!("{base}&since={next}&epoch={}&wait=2", first.epoch.0)).await;
        next = answer.next;
        for message in answer.messages {
            if let ServerMessage::Frame(frame) = message {
                values = frame.values;
            }
        }
        if values.contains_key("the-hub/cpu") {
            break;
        }
    }
    assert!(values.contains_key("the-hub/cpu"), "{values:?}");
}

#[tokio::test]
async fn the_summary_has_history_for_every_host() {
    let hub = Hub::start("127.0.0.1:0").await;
    let _alpha = agent(&["--hub", &hub.url(), "--name", "alpha"]);
    hub.wait_for_status("alpha", HostStatus::Up, DEADLINE).await;
    let url = format!("http://{}/api/v1/history?host=@fleet", hub.addr);
    // Bounded: the summary is published every second; 40 looks 250 ms apart.
    for _ in 0..40 {
        let history: pulse_protocol::HistoryResponse =
            reqwest::get(&url).await.expect("history").json().await.expect("JSON");
        if let Some(column) = history.series.get("alpha/cpu") {
            assert_eq!(column.host, FLEET_HOST);
            assert_eq!(column.values.len(), history.ts.len());
            assert!(column.values.iter().flatten().all(|cpu| (0.0..=100.0).contains(cpu)));
            // One host's series by name, as the comparison asks for it.
            let one = reqwest::get(format!("{url}&series=alpha/cpu,the-hub/mem")).await.expect("history");
            assert_eq!(one.status(), 200);
            let bad = reqwest::get(format!("{url}&series=alpha/nope")).await.expect("history");
            assert_eq!(bad.status(), 400);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the summary's history never named alpha");
}
