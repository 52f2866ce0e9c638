//! A webhook receiver for the alerts tests: a small HTTP/1.1 server on 127.0.0.1
//! that records every request (when it came, its headers, its body) and answers
//! each with the next scripted reply, or the standing one.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// An answer: a status and extra headers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn status(status: u16) -> Reply {
        Reply { status, headers: Vec::new() }
    }

    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// One request, as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub path: String,
    /// Lower-case names.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
    /// The status it was answered with.
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// Checks the Standard Webhooks headers by an HMAC of our own (ring, not the
    /// hub's code): a `msg_` id, a fresh timestamp, and a `v1,` signature by `secret`.
    pub fn assert_signed(&self, secret: &str) {
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine;
        let id = self.header("webhook-id");
        assert!(id.starts_with("msg_") && id.len() == 36, "webhook-id {id:?}");
        let timestamp: u64 = self.header("webhook-timestamp").parse().expect("a timestamp in seconds");
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs();
        assert!(timestamp.abs_diff(now) <= 60, "a fresh timestamp: {timestamp}");
        let key = STANDARD.decode(secret.trim_start_matches("whsec_")).expect("base64 key");
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
        let mut signed = format!("{id}.{timestamp}.").into_bytes();
        signed.extend_from_slice(&self.body);
        let expected = format!("v1,{}", STANDARD.encode(ring::hmac::sign(&key, &signed).as_ref()));
        let header = self.header("webhook-signature");
        assert!(header.split(' ').any(|signature| signature == expected), "signature {header:?}, expected {expected}");
    }
}

struct Script {
    next: VecDeque<Reply>,
    standing: Reply,
}

pub struct Receiver {
    pub addr: SocketAddr,
    script: Arc<Mutex<Script>>,
    requests: mpsc::UnboundedReceiver<Received>,
}

impl Receiver {
    /// A receiver answering `standing` once `first` is used up.
    pub async fn start(first: Vec<Reply>, standing: Reply) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let script = Arc::new(Mutex::new(Script { next: first.into(), standing }));
        let (tx, requests) = mpsc::unbounded_channel();
        let shared = Arc::clone(&script);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let script = Arc::clone(&shared);
                let tx = tx.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, script, tx).await;
                });
            }
        });
        Receiver { addr, script, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Answers `reply` from now on (after any scripted ones).
    pub fn answer(&self, reply: Reply) {
        self.script.lock().expect("script").standing = reply;
    }

    /// The next request, within `limit`.
    pub async fn next(&mut self, limit: Duration) -> Received {
        tokio::time::timeout(limit, self.requests.recv())
            .await
            .unwrap_or_else(|_| panic!("no webhook request within {limit:?}"))
            .expect("the receiver runs")
    }

    /// A request that came already, if any.
    pub fn try_next(&mut self) -> Option<Received> {
        self.requests.try_recv().ok()
    }
}

async fn serve(
    mut socket: TcpStream,
    script: Arc<Mutex<Script>>,
    tx: mpsc::UnboundedSender<Received>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = socket.read(&mut chunk).await?;
        if read == 0 || buffer.len() > 64 * 1024 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next().unwrap_or_default().split(' ').nth(1).unwrap_or_default().to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = socket.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    let reply = {
        let mut script = script.lock().expect("script");
        let standing = script.standing.clone();
        script.next.pop_front().unwrap_or(standing)
    };
    let at = Instant::now();
    let mut answer = format!("HTTP/1.1 {} Scripted\r\nContent-Length: 0\r\nConnection: close\r\n", reply.status);
    for (name, value) in &reply.headers {
        answer.push_str(&format!("{name}: {value}\r\n"));
    }
    answer.push_str("\r\n");
    socket.write_all(answer.as_bytes()).await?;
    socket.shutdown().await?;
    let _ = tx.send(Received { at, path, headers, body, answered: reply.status });
    Ok(())
}
