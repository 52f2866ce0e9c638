//! `subscribe` over a real WebSocket: one socket moves between the hub's own host
//! and the `@fleet` summary, and back, resuming each without a hole or a
//! duplicate; a host that does not exist, a newer version or a malformed message
//! is answered with an `error` naming it, and the socket goes on as it was. A
//! host whose id is not its name (an agent's `--name "web 1"`, id `web-1`) is named
//! by its id in `hello`, the id the page subscribed with. A socket that floods
//! subscribes is refused, then closed, while other clients' streams go on.

#[path = "agent/procs.rs"]
mod procs;
#[path = "support/server.rs"]
mod support;

use futures_util::SinkExt;
use pulse_protocol::fleet::FLEET_HOST;
use pulse_protocol::{
    ApiError, ClientMessage, Cursor, Hello, HostStatus, PollResponse, ServerMessage, Subscribe, SUBSCRIBE_VERSION,
};
use support::*;
use tokio_tungstenite::tungstenite::Message;

/// The most messages one wait reads.
const MAX_MESSAGES: usize = 400;

async fn ask(ws: &mut Ws, host: &str, resume: Option<Cursor>) {
    let subscribe = Subscribe { v: SUBSCRIBE_VERSION, host: host.into(), resume, columns: false };
    ws.send(Message::Text(subscribe.to_json().into())).await.expect("send subscribe");
}

/// Reads until `host`'s hello (the old stream's messages before it are dropped).
async fn hello_of(ws: &mut Ws, host: &str) -> Hello {
    for _ in 0..MAX_MESSAGES {
        if let ServerMessage::Hello(hello) = ws_next(ws).await {
            if hello.host.as_deref() == Some(host) {
                return hello;
            }
        }
    }
    panic!("no hello of {host}");
}

/// The next hello, whichever host it names (the old stream's frames before it are
/// skipped).
async fn next_hello(ws: &mut Ws) -> Hello {
    for _ in 0..MAX_MESSAGES {
        if let ServerMessage::Hello(hello) = ws_next(ws).await {
            return hello;
        }
    }
    panic!("no hello");
}

/// The next `count` frames, which must all be `host`'s (nothing of another stream).
async fn frames_of(ws: &mut Ws, host: &str, count: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    for _ in 0..MAX_MESSAGES {
        if seqs.len() == count {
            return seqs;
        }
        match ws_next(ws).await {
            ServerMessage::Frame(frame) => {
                assert_eq!(frame.host, host, "a frame of another stream after {host}'s hello");
                seqs.push(frame.seq);
            }
            ServerMessage::Hello(hello) => panic!("a second hello: {hello:?}"),
            ServerMessage::Gap(gap) => panic!("a gap: {gap:?}"),
            _ => {}
        }
    }
    panic!("only {} frames of {host}", seqs.len());
}

/// The next `error` message (frames of the stream that goes on are skipped).
async fn error(ws: &mut Ws) -> ApiError {
    for _ in 0..MAX_MESSAGES {
        match ws_next(ws).await {
            ServerMessage::Error(error) => return error,
            ServerMessage::Hello(hello) => panic!("a refused subscribe opened a stream: {hello:?}"),
            _ => {}
        }
    }
    panic!("no error message");
}

fn consecutive(seqs: &[u64]) -> bool {
    seqs.windows(2).all(|w| w[1] == w[0] + 1)
}

#[tokio::test]
async fn one_socket_moves_to_the_fleet_and_back_and_resumes_the_host_without_loss_or_duplicate() {
    let server = TestServer::start(&["--interval", "50ms", "--name", "the-hub"]).await;
    let mut ws = ws_connect(&server.ws_url("?host=the-hub")).await;
    let hello = hello_of(&mut ws, "the-hub").await;
    assert_eq!(hello.subscribe, SUBSCRIBE_VERSION, "the hub says it takes subscribe");
    let first = frames_of(&mut ws, "the-hub", 3).await;
    let last = *first.last().expect("three frames");

    ask(&mut ws, FLEET_HOST, None).await;
    let fleet = hello_of(&mut ws, FLEET_HOST).await;
    let summary = frames_of(&mut ws, FLEET_HOST, 1).await;

    // The host moves on while the socket shows the summary.
    server.wait_for_seq(last + 10).await;
    ask(&mut ws, "the-hub", Some(Cursor { epoch: hello.epoch.clone(), seq: last })).await;
    let again = hello_of(&mut ws, "the-hub").await;
    assert_eq!(again.epoch, hello.epoch);
    let resumed = frames_of(&mut ws, "the-hub", 15).await;
    assert_eq!(resumed[0], last + 1, "nothing lost while away: {resumed:?}");
    assert!(consecutive(&resumed), "no hole, no duplicate: {resumed:?}");

    // And back to the summary, resumed after its frame.
    // And back to the summary, resumed after the frame it had.
    ask(&mut ws, FLEET_HOST, Some(Cursor { epoch: fleet.epoch, seq: summary[0] })).await;
    hello_of(&mut ws, FLEET_HOST).await;
    let later = frames_of(&mut ws, FLEET_HOST, 2).await;
    assert_eq!(later, vec![summary[0] + 1, summary[0] + 2], "the summary resumes where it was left");
}

#[tokio::test]
async fn an_unknown_host_or_a_bad_subscribe_is_an_error_and_the_stream_goes_on() {
    let server = TestServer::start(&["--interval", "50ms", "--name", "the-hub"]).await;
    let mut ws = ws_connect(&server.ws_url("?host=the-hub")).await;
    hello_of(&mut ws, "the-hub").await;
    frames_of(&mut ws, "the-hub", 1).await;

    ask(&mut ws, "no-such-host", None).await;
    let refused = error(&mut ws).await;
    assert_eq!(refused.error, "no_such_host");
    assert!(refused.detail.contains("no-such-host"), "{refused:?}");

    let bad = [
        (r#"{"type":"subscribe"}"#, "bad_request", "a subscribe must be"),
        (r#"{"type":"subscribe","v":1,"host":7}"#, "bad_request", "a subscribe must be"),
        (r#"{"type":"subscribe","v":99,"host":"the-hub"}"#, "bad_request", "version 99"),
        (r#"{"type":"subscribe","v":1,"host":"the-hub","resume":{"epoch":"x"}}"#, "bad_request", "a subscribe must be"),
    ];
    for (text, code, says) in bad {
        ws.send(Message::Text(text.into())).await.expect("send");
        let refused = error(&mut ws).await;
        assert_eq!(refused.error, code, "{text}");
        assert!(refused.detail.contains(says), "{text}: {refused:?}");
    }
    // Still the same stream, live and in order, on the same socket.
    let seqs = frames_of(&mut ws, "the-hub", 5).await;
    assert!(consecutive(&seqs), "{seqs:?}");
    let ping = serde_json::to_string(&ClientMessage::Ping).expect("ping");
    ws.send(Message::Text(ping.into())).await.expect("the socket is open");
    assert!(matches!(ws_next(&mut ws).await, ServerMessage::Heartbeat(_) | ServerMessage::Frame(_)));
}

#[tokio::test]
async fn an_agents_host_is_named_by_its_id_not_its_name_in_hello() {
    let hub = procs::Hub::start("127.0.0.1:0").await;
    let _agent = procs::agent(&["--hub", &hub.url(), "--name", "web 1"]);
    hub.wait_for_status("web-1", HostStatus::Up, procs::DEADLINE).await;

    // Subscribed to on an open socket: the hello names the id asked for, and the
    // host's frames (which carry its name) follow it.
    let mut ws = ws_connect(&format!("ws://{}/api/v1/ws?host=the-hub", hub.addr)).await;
    assert_eq!(next_hello(&mut ws).await.host.as_deref(), Some("the-hub"));
    ask(&mut ws, "web-1", None).await;
    let hello = next_hello(&mut ws).await;
    assert_eq!(hello.host.as_deref(), Some("web-1"), "the id the page subscribed with, not the name");
    let seqs = frames_of(&mut ws, "web 1", 3).await;
    assert!(consecutive(&seqs), "{seqs:?}");

    // A new socket and a first poll name it the same way.
    let mut fresh = ws_connect(&format!("ws://{}/api/v1/ws?host=web-1", hub.addr)).await;
    assert_eq!(next_hello(&mut fresh).await.host.as_deref(), Some("web-1"));
    let poll = format!("{}/api/v1/poll?host=web-1", hub.url());
    let body: PollResponse = reqwest::get(&poll).await.expect("poll").json().await.expect("poll json");
    let Some(ServerMessage::Hello(hello)) = body.messages.first() else { panic!("no hello: {:?}", body.messages) };
    assert_eq!(hello.host.as_deref(), Some("web-1"));
}

/// What a socket that floods subscribes is sent, until its close frame: the number
/// of `rate_limited` errors and hellos, and the close code.
async fn flooded(mut ws: impl futures_util::Stream<Item = WsItem> + Unpin) -> (usize, usize, Option<u16>) {
    use futures_util::StreamExt;
    let (mut limited, mut hellos) = (0, 0);
    for _ in 0..100 * MAX_MESSAGES {
        let next = tokio::time::timeout(DEADLINE, ws.next()).await.expect("a message in time");
        match next {
            Some(Ok(Message::Text(text))) => match serde_json::from_str(&text).expect("a protocol message") {
                ServerMessage::Error(error) => {
                    assert_eq!(error.error, "rate_limited", "{error:?}");
                    assert!(error.detail.contains("subscribes"), "names the limit: {error:?}");
                    limited += 1;
                }
                ServerMessage::Hello(_) => hellos += 1,
                _ => {}
            },
            Some(Ok(Message::Close(frame))) => return (limited, hellos, frame.map(|f| u16::from(f.code))),
            Some(Ok(_)) => {}
            Some(Err(error)) => panic!("the socket failed after {hellos} hellos, {limited} errors: {error}"),
            None => panic!("the socket ended without a close frame after {hellos} hellos, {limited} errors"),
        }
    }
    panic!("the flooding socket was never closed");
}

type WsItem = Result<Message, tokio_tungstenite::tungstenite::Error>;

#[tokio::test]
async fn a_flood_of_subscribes_is_refused_then_closed_while_other_clients_stream_on() {
    let server = TestServer::start(&["--interval", "50ms", "--name", "the-hub"]).await;
    let mut watcher = ws_connect(&server.ws_url("?host=the-hub")).await;
    hello_of(&mut watcher, "the-hub").await;
    let before = frames_of(&mut watcher, "the-hub", 1).await[0];

    let mut flood = ws_connect(&server.ws_url("?host=the-hub")).await;
    let hello = hello_of(&mut flood, "the-hub").await;
    // Each asks for the stream from its start, as one that wants its history recalled.
    let oldest = Some(Cursor { epoch: hello.epoch, seq: 1 });
    let (mut sink, stream) = futures_util::StreamExt::split(flood);
    // Sent while what the hub answers is read, so the socket never stalls.
    let sending = tokio::spawn(async move {
        for i in 0..2_000 {
            let (host, resume) = if i % 2 == 0 { (FLEET_HOST, None) } else { ("the-hub", oldest.clone()) };
            let subscribe = Subscribe { v: SUBSCRIBE_VERSION, host: host.into(), resume, columns: false };
            // The hub closes the socket long before the last: sending then fails.
            if sink.send(Message::Text(subscribe.to_json().into())).await.is_err() {
                break;
            }
        }
    });
    let (limited, hellos, code) = flooded(stream).await;
    let _ = sending.await;
    // The burst is carried out (and what refilled while it was, if the hub was slow).
    assert!((8..=12).contains(&hellos), "{hellos} subscribes carried out");
    // (16 strikes close it; a few more when some were forgiven meanwhile)
    assert!((16..=18).contains(&limited), "then refused, until the socket is closed: {limited}");
    assert_eq!(code, Some(1008), "closed with the policy code");

    // The other client's stream went on, live and whole, through the flood.
    let seqs = frames_of(&mut watcher, "the-hub", 20).await;
    assert!(consecutive(&seqs), "{seqs:?}");
    assert!(seqs[0] == before + 1, "nothing lost meanwhile: {before} then {seqs:?}");
}

#[tokio::test]
async fn quick_switches_end_on_the_last_stream_on_the_same_socket() {
    let server = TestServer::start(&["--interval", "50ms", "--name", "the-hub"]).await;
    let mut ws = ws_connect(&server.ws_url(&format!("?host={FLEET_HOST}"))).await;
    hello_of(&mut ws, FLEET_HOST).await;
    let host = {
        let mut other = ws_connect(&server.ws_url("?host=the-hub")).await;
        hello_of(&mut other, "the-hub").await
    };
    server.wait_for_seq(20).await;

    // A (the summary) → B (the host, from its start: a backlog to send) → a host
    // that does not exist → C (the summary again), all sent before any answer.
    ask(&mut ws, "the-hub", Some(Cursor { epoch: host.epoch, seq: 1 })).await;
    ask(&mut ws, "no-such-host", None).await;
    ask(&mut ws, FLEET_HOST, None).await;

    // Each is answered in order: B's hello and backlog, the refusal, C's hello.
    let b = next_hello(&mut ws).await;
    assert_eq!(b.host.as_deref(), Some("the-hub"));
    let refused = error(&mut ws).await;
    assert_eq!(refused.error, "no_such_host");
    let c = next_hello(&mut ws).await;
    assert_eq!(c.host.as_deref(), Some(FLEET_HOST));
    // Then C's stream only, live, and the socket goes on.
    let seqs = frames_of(&mut ws, FLEET_HOST, 3).await;
    assert!(consecutive(&seqs), "{seqs:?}");
}

#[tokio::test]
async fn a_summary_resume_gets_at_most_its_newest_frames_after_a_gap() {
    let server = TestServer::start(&["--interval", "50ms", "--name", "the-hub"]).await;
    let mut watching = ws_connect(&server.ws_url(&format!("?host={FLEET_HOST}"))).await;
    let fleet = hello_of(&mut watching, FLEET_HOST).await;
    let left_at = frames_of(&mut watching, FLEET_HOST, 1).await[0];
    // The summary goes on (one frame a second) past what a resume is sent.
    let seen = *frames_of(&mut watching, FLEET_HOST, 8).await.last().expect("frames");

    // A page back on the fleet after 8 s: the newest frames only, after a gap.
    let mut ws = ws_connect(&server.ws_url("?host=the-hub")).await;
    hello_of(&mut ws, "the-hub").await;
    ask(&mut ws, FLEET_HOST, Some(Cursor { epoch: fleet.epoch.clone(), seq: left_at })).await;
    hello_of(&mut ws, FLEET_HOST).await;
    let gap = match ws_next(&mut ws).await {
        ServerMessage::Gap(gap) => gap,
        other => panic!("a gap first: {other:?}"),
    };
    assert!(gap.next_seq >= seen - 4, "at most 5 frames, the newest: {gap:?} with {seen} published");
    assert_eq!(gap.missed, Some(gap.next_seq - left_at - 1), "the gap counts what was left out");
    let seqs = frames_of(&mut ws, FLEET_HOST, 3).await;
    assert_eq!(seqs[0], gap.next_seq, "{seqs:?}");
    assert!(consecutive(&seqs), "{seqs:?}");

    // One back after a second is sent everything it lacks, with no gap.
    let newest = *frames_of(&mut watching, FLEET_HOST, 1).await.last().expect("a frame");
    let mut soon = ws_connect(&server.ws_url("?host=the-hub")).await;
    hello_of(&mut soon, "the-hub").await;
    ask(&mut soon, FLEET_HOST, Some(Cursor { epoch: fleet.epoch, seq: newest - 1 })).await;
    hello_of(&mut soon, FLEET_HOST).await;
    assert_eq!(frames_of(&mut soon, FLEET_HOST, 2).await, vec![newest, newest + 1]);
}
