//! A real pulse-server on 127.0.0.1 (port 0) for one test, and small clients.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use futures_util::StreamExt;
use pulse_protocol::ServerMessage;
use pulse_server::config::Config;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;

/// Every wait in these tests is bounded by this.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Every loop over received messages is bounded by this count.
pub const MAX_MESSAGES: usize = 500;

pub struct TestServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    done: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The history store's directory when the test did not name one (removed on drop).
    data: Option<TempDir>,
}

/// A fresh directory under the system's temp dir, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("pulse-test-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        TempDir(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl TestServer {
    /// Starts a server with extra flags, e.g. `["--interval", "100ms"]`.
    pub async fn start(args: &[&str]) -> Self {
        let mut argv = vec!["pulse-server"];
        if !args.contains(&"--dist") {
            argv.extend(["--dist", "/nonexistent-pulse-dist"]);
        }
        // Each server keeps its history in a directory of its own, unless the test
        // names one (to restart on the same store) or keeps none.
        let data = (!args.contains(&"--data") && !args.contains(&"--no-store")).then(|| TempDir::new("data"));
        if let Some(dir) = &data {
            argv.extend(["--data", dir.path()]);
        }
        argv.extend_from_slice(args);
        let config = Config::parse_from(argv);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let done = tokio::spawn(pulse_server::serve(listener, config, async move {
            let _ = stopped.await;
        }));
        TestServer { addr, stop: Some(stop), done: Some(done), data }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn ws_url(&self, query: &str) -> String {
        format!("ws://{}/api/v1/ws{query}", self.addr)
    }

    /// Asks the server to shut down and waits until it has.
    pub async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = tokio::time::timeout(DEADLINE, done).await.expect("server stops in time");
        }
    }

    /// Waits until the server's newest seq reaches `seq` (bounded).
    pub async fn wait_for_seq(&self, seq: u64) {
        self.wait_for_health(&format!("seq >= {seq}"), |h| h["seq"].as_u64().unwrap_or(0) >= seq).await;
    }

    /// Waits until at least `count` streaming connections are open (bounded).
    pub async fn wait_for_connections(&self, count: u64) {
        self.wait_for_health(&format!("connections >= {count}"), |h| h["connections"].as_u64() >= Some(count)).await;
    }

    /// Waits until at most `count` streaming connections are open (bounded).
    pub async fn wait_for_connections_at_most(&self, count: u64) {
        self.wait_for_health(&format!("connections <= {count}"), |h| h["connections"].as_u64() <= Some(count)).await;
    }

    /// Polls `/healthz` until `done` says so: at most 200 times, 50 ms apart.
    async fn wait_for_health(&self, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            let health: serde_json::Value =
                client.get(self.url("/healthz")).send().await.expect("healthz").json().await.expect("json");
            if done(&health) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server never reached {what}");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub async fn ws_connect(url: &str) -> Ws {
    let (ws, _) = tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(url))
        .await
        .expect("connect in time")
        .expect("connect");
    ws
}

/// The next protocol message on a socket (pings skipped).
pub async fn ws_next(ws: &mut Ws) -> ServerMessage {
    for _ in 0..MAX_MESSAGES {
        let message = tokio::time::timeout(DEADLINE, ws.next()).await.expect("message in time");
        match message.expect("open").expect("no error") {
            Message::Text(text) => return serde_json::from_str(&text).expect("a protocol message"),
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => continue,
        }
    }
    panic!("no protocol message among {MAX_MESSAGES} WebSocket messages");
}

/// Reads until the server's close frame, which must carry a code and reason.
pub async fn ws_close(ws: &mut Ws) -> tokio_tungstenite::tungstenite::protocol::CloseFrame {
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, ws.next()).await.expect("close in time") {
            Some(Ok(Message::Close(frame))) => return frame.expect("a close frame with a reason"),
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
    panic!("no close frame among {MAX_MESSAGES} messages");
}

/// The seqs of the next `count` frames on a socket, other messages skipped.
pub async fn ws_frames(ws: &mut Ws, count: usize) -> Vec<u64> {
    let mut seqs = Vec::new();
    for _ in 0..MAX_MESSAGES {
        if seqs.len() == count {
            return seqs;
        }
        if let Some(seq) = seq_of(&ws_next(ws).await) {
            seqs.push(seq);
        }
    }
    panic!("only {} frames among {MAX_MESSAGES} messages", seqs.len());
}

pub fn seq_of(message: &ServerMessage) -> Option<u64> {
    match message {
        ServerMessage::Frame(frame) => Some(frame.seq),
        _ => None,
    }
}

/// Reads an SSE response into (id, data) events as they arrive.
pub struct SseReader {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl SseReader {
    pub fn new(response: reqwest::Response) -> Self {
        SseReader { body: Box::pin(response.bytes_stream()), buffer: String::new() }
    }

    /// The next event that has data: (last id field seen in it, parsed data).
    pub async fn next(&mut self) -> (Option<String>, ServerMessage) {
        for _ in 0..MAX_MESSAGES {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if !data.is_empty() {
                    return (id, serde_json::from_str(&data).expect("protocol message"));
                }
                continue;
            }
            let chunk = tokio::time::timeout(DEADLINE, self.body.next()).await.expect("event in time");
            let chunk = chunk.expect("stream open").expect("no error");
            self.buffer.push_str(std::str::from_utf8(&chunk).expect("utf8"));
        }
        panic!("no data event among {MAX_MESSAGES} chunks and blocks");
    }

    /// The next `count` frames as (id, seq), other events skipped.
    pub async fn frames(&mut self, count: usize) -> Vec<(Option<String>, u64)> {
        let mut frames = Vec::new();
        for _ in 0..MAX_MESSAGES {
            if frames.len() == count {
                return frames;
            }
            if let (id, ServerMessage::Frame(frame)) = self.next().await {
                frames.push((id, frame.seq));
            }
        }
        panic!("only {} frames among {MAX_MESSAGES} events", frames.len());
    }
}

/// Reads a raw body until `needle` appears, returning everything read.
pub async fn read_until<S>(body: &mut S, needle: &str) -> String
where
    S: futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
{
    let mut text = String::new();
    for _ in 0..MAX_MESSAGES {
        if text.contains(needle) {
            return text;
        }
        let chunk = tokio::time::timeout(DEADLINE, body.next()).await.expect("data in time");
        text.push_str(std::str::from_utf8(&chunk.expect("open").expect("ok")).expect("utf8"));
    }
    panic!("{needle:?} not found in {text}");
}
