//! The agent's side of the link, against a scripted hub on 127.0.0.1 that plays
//! `pulse_protocol::agent` by hand: the headers it sends, what it sends for each
//! `resume` (its whole buffer, a gap for another epoch, exactly the frames after
//! the hub's cursor), `Retry-After` and refusals, and the close frame on SIGTERM.

#[path = "agent/procs.rs"]
mod procs;

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use procs::{agent, Proc, DEADLINE, TOKEN};
use pulse_protocol::{AgentReply, Epoch, GapReason, Hello, ServerMessage, PROTOCOL_VERSION};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::http::HeaderMap;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

type Socket = WebSocketStream<TcpStream>;

/// The scripted hub: a listener whose connections the test takes one at a time.
struct FakeHub {
    listener: TcpListener,
}

impl FakeHub {
    async fn start() -> Self {
        FakeHub { listener: TcpListener::bind("127.0.0.1:0").await.expect("bind") }
    }

    fn url(&self) -> String {
        format!("http://{}/pulse/", self.listener.local_addr().expect("addr"))
    }

    async fn next_connection(&self) -> TcpStream {
        let accepted = tokio::time::timeout(DEADLINE, self.listener.accept()).await.expect("the agent connects");
        accepted.expect("accept").0
    }

    /// Takes the next upgrade; returns the socket, the request's path and headers.
    // tungstenite's callback type returns its large error response by value.
    #[allow(clippy::result_large_err)]
    async fn accept(&self) -> (Socket, String, HeaderMap) {
        let stream = self.next_connection().await;
        let (seen, mut take) = tokio::sync::oneshot::channel();
        let mut seen = Some(seen);
        let callback = |request: &Request, response: Response| {
            if let Some(seen) = seen.take() {
                let _ = seen.send((request.uri().path().to_owned(), request.headers().clone()));
            }
            Ok(response)
        };
        let socket = tokio_tungstenite::accept_hdr_async(stream, callback).await.expect("upgrade");
        let (path, headers) = take.try_recv().expect("the request was seen");
        (socket, path, headers)
    }

    /// Answers the next request with `status`, `extra` headers and a JSON error body.
    async fn refuse(&self, status: &str, extra: &str, error: &str, detail: &str) {
        let mut stream = self.next_connection().await;
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            let read = tokio::time::timeout(DEADLINE, stream.read(&mut buf)).await.expect("request").expect("read");
            assert!(read > 0, "the agent hung up before its request ended");
            head.extend_from_slice(&buf[..read]);
        }
        let body = format!(r#"{{"error":"{error}","detail":"{detail}"}}"#);
        let answer = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(answer.as_bytes()).await.expect("write");
        let _ = stream.shutdown().await;
    }
}

async fn send(socket: &mut Socket, reply: &AgentReply) {
    let text = serde_json::to_string(reply).expect("json");
    socket.send(Message::Text(text.into())).await.expect("send");
}

/// The next protocol message from the agent (pings and pongs skipped).
async fn next(socket: &mut Socket) -> ServerMessage {
    for _ in 0..1000 {
        let message = tokio::time::timeout(DEADLINE, socket.next()).await.expect("a message in time");
        match message.expect("open").expect("readable") {
            Message::Text(text) => return serde_json::from_str(&text).expect("a protocol message"),
            Message::Close(frame) => panic!("the agent closed the link: {frame:?}"),
            _ => continue,
        }
    }
    panic!("no protocol message among 1000");
}

async fn hello(socket: &mut Socket) -> Hello {
    match next(socket).await {
        ServerMessage::Hello(hello) => hello,
        other => panic!("expected hello, got {other:?}"),
    }
}

/// The seqs of the next `count` frames (heartbeats skipped; anything else fails).
async fn frames(socket: &mut Socket, count: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    for _ in 0..count * 10 {
        match next(socket).await {
            ServerMessage::Frame(frame) => seqs.push(frame.seq),
            ServerMessage::Heartbeat(_) => {}
            other => panic!("expected frames, got {other:?}"),
        }
        if seqs.len() == count {
            return seqs;
        }
    }
    panic!("only {} frames", seqs.len());
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn after_a_retry_after_the_agent_sends_its_headers_and_its_whole_buffer() {
    let hub = FakeHub::start().await;
    let mut agent = agent(&["--hub", &hub.url(), "--name", "Web 1", "--tag", "env=prod eu"]);
    hub.refuse("503 Service Unavailable", "retry-after: 2\r\n", "unavailable", "full").await;
    let refused = Instant::now();

    let (mut socket, path, headers) = hub.accept().await;
    assert!(refused.elapsed() >= Duration::from_secs(2), "Retry-After honoured: {:?}", refused.elapsed());
    assert_eq!(path, "/pulse/api/v1/agent");
    assert_eq!(header(&headers, "authorization"), format!("Bearer {TOKEN}"));
    assert_eq!(header(&headers, "pulse-protocol"), PROTOCOL_VERSION.to_string());
    assert_eq!(header(&headers, "pulse-host-id"), "Web-1");
    assert_eq!(header(&headers, "pulse-host-name"), "Web%201");
    assert_eq!(header(&headers, "pulse-host-tags"), "env=prod%20eu");

    // A hub that holds nothing gets every frame buffered while it refused, from 1.
    send(&mut socket, &AgentReply::Resume { epoch: None, seq: 0 }).await;
    let hello = hello(&mut socket).await;
    assert_eq!(hello.protocol, PROTOCOL_VERSION);
    assert_eq!(hello.interval_ms, 200);
    assert!(!hello.catalog.series.is_empty(), "hello carries the catalogue");
    assert!(hello.seq >= 5, "about 2 s of samples were buffered: {}", hello.seq);
    let seqs = frames(&mut socket, hello.seq as usize + 2).await;
    assert_eq!(seqs, (1..=hello.seq + 2).collect::<Vec<_>>());
    let log = agent.wait_for_line("the hub answered 503").await;
    assert!(log.contains("unavailable: full"), "{log}");

    // SIGTERM: a close frame (going away), then exit 0.
    let (status, close) = tokio::join!(agent.terminate(), async {
        for _ in 0..1000 {
            match tokio::time::timeout(DEADLINE, socket.next()).await.expect("close in time") {
                Some(Ok(Message::Close(frame))) => return frame,
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
        panic!("no close frame");
    });
    assert!(status.success(), "{status:?}");
    assert_eq!(close.map(|frame| frame.code), Some(CloseCode::Away));
}

#[tokio::test]
async fn the_agent_sends_exactly_what_follows_the_hubs_cursor() {
    let hub = FakeHub::start().await;
    let _agent = agent(&["--hub", &hub.url(), "--name", "resumer"]);
    let (mut socket, _, _) = hub.accept().await;
    send(&mut socket, &AgentReply::Resume { epoch: None, seq: 0 }).await;
    let epoch = hello(&mut socket).await.epoch;
    frames(&mut socket, 6).await;
    drop(socket);

    // The hub stored up to 3 only: the agent sends 4, 5, 6… again, no gap.
    let (mut socket, _, _) = hub.accept().await;
    send(&mut socket, &AgentReply::Resume { epoch: Some(epoch.clone()), seq: 3 }).await;
    assert_eq!(hello(&mut socket).await.epoch, epoch);
    assert_eq!(frames(&mut socket, 5).await, [4, 5, 6, 7, 8]);
    drop(socket);

    // A hub that holds another epoch of this host (the agent restarted) is told so.
    let (mut socket, _, _) = hub.accept().await;
    send(&mut socket, &AgentReply::Resume { epoch: Some(Epoch("elsewhere".into())), seq: 40 }).await;
    hello(&mut socket).await;
    match next(&mut socket).await {
        ServerMessage::Gap(gap) => {
            assert_eq!(gap.reason, GapReason::EpochChanged);
            assert_eq!(gap.next_seq, 1);
        }
        other => panic!("expected a gap, got {other:?}"),
    }
    assert_eq!(frames(&mut socket, 3).await, [1, 2, 3]);
}

#[tokio::test]
async fn refusals_are_explained_and_retried() {
    let hub = FakeHub::start().await;
    let mut agent: Proc = agent(&["--hub", &hub.url(), "--name", "old-hub"]);
    hub.refuse("409 Conflict", "", "host_connected", "host old-hub is connected").await;
    let log = agent.wait_for_line("host old-hub is already connected").await;
    assert!(log.contains("give each host its own --name"), "{log}");

    // A hub too old for this agent: one line names both versions and what to do,
    // and the agent asks again only after a long wait (an upgrade must come first).
    let versions = "pulse-protocol: 0\r\npulse-min-agent-protocol: 0\r\n";
    hub.refuse("426 Upgrade Required", versions, "protocol_too_new", "this hub speaks protocol 0").await;
    let log = agent.wait_for_line("newer than the hub's 0").await;
    let ours = format!("this agent speaks protocol {PROTOCOL_VERSION}");
    assert!(
        log.contains(&ours) && log.contains("upgrade the hub") && log.contains("this hub speaks protocol 0"),
        "{log}"
    );
    let log = agent.wait_for_lines("reconnecting in", 2, DEADLINE).await;
    let waits: Vec<f64> = log.lines().filter_map(planned_wait).collect();
    assert!(waits.last().is_some_and(|&wait| wait >= 300.0), "a long wait after the version refusal: {log}");
    assert!(agent.running());
    assert!(!log.contains(TOKEN));
}

#[tokio::test]
async fn a_refusal_no_retry_can_change_ends_the_agent_with_the_hubs_words() {
    let hub = FakeHub::start().await;
    let mut agent: Proc = agent(&["--hub", &hub.url(), "--name", "web-1"]);
    hub.refuse("400 Bad Request", "", "bad_request", "Pulse-Host-Name: @fleet is reserved").await;
    let status = tokio::time::timeout(DEADLINE, agent.child.wait()).await.expect("the agent exits").expect("status");
    assert_eq!(status.code(), Some(1), "{}", agent.log());
    let log = agent.wait_for_line("not retrying").await;
    assert!(log.contains("@fleet is reserved") && log.contains("the hub refused the agent's headers"), "{log}");
    assert!(!log.contains("reconnecting in"), "{log}");
}

#[tokio::test]
async fn a_400_that_is_not_about_the_agents_headers_is_retried_with_advice_on_proxies() {
    let hub = FakeHub::start().await;
    let mut agent: Proc = agent(&["--hub", &hub.url(), "--name", "web-1"]);
    let detail = "this endpoint speaks WebSocket only: the Connection header must include \"upgrade\"";
    hub.refuse("400 Bad Request", "", "bad_request", detail).await;
    let log = agent.wait_for_line("reconnecting in").await;
    assert!(log.contains("a proxy") && log.contains("proxy_set_header Upgrade"), "{log}");
    assert!(agent.running(), "the agent gave up on a proxy's mistake:\n{log}");
    assert!(!log.contains("not retrying"), "{log}");
}

/// The wait a `reconnecting in N s` line announces, in seconds.
fn planned_wait(line: &str) -> Option<f64> {
    let (_, after) = line.split_once("reconnecting in ")?;
    after.split_once(" s")?.0.parse().ok()
}
