//! Raw HTTP/1.x over a TCP socket to 127.0.0.1, for requests reqwest will not send
//! as written: no `Host` at all, or a WebSocket upgrade with chosen headers.
#![allow(dead_code)]

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::support::DEADLINE;

/// A response's status line and headers, and its body (none for a `101`).
#[derive(Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// The status line and headers, lower-cased.
    pub head: String,
    /// The body as text.
    pub body: String,
}

impl RawResponse {
    /// The value of header `name` (lower case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':').map(str::trim))
    }
}

/// Sends `request` (a complete request head ending in a blank line) and reads the
/// answer: the head, then `Content-Length` bytes of body, or none for a `101`.
pub async fn send(addr: SocketAddr, request: &str) -> RawResponse {
    tokio::time::timeout(DEADLINE, exchange(addr, request)).await.expect("an answer in time")
}

async fn exchange(addr: SocketAddr, request: &str) -> RawResponse {
    let mut socket = TcpStream::connect(addr).await.expect("connect");
    socket.write_all(request.as_bytes()).await.expect("send");
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = socket.read(&mut buffer).await.expect("read");
        assert!(read > 0, "closed before the head ended: {:?}", String::from_utf8_lossy(&received));
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).to_ascii_lowercase();
    let status: u16 = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status code");
    let mut response = RawResponse { status, head, body: String::new() };
    if status == 101 {
        return response;
    }
    let length: usize = response.header("content-length").and_then(|n| n.parse().ok()).expect("a content-length");
    while received.len() < head_end + length {
        let read = socket.read(&mut buffer).await.expect("read");
        assert!(read > 0, "closed before the body ended");
        received.extend_from_slice(&buffer[..read]);
    }
    response.body = String::from_utf8_lossy(&received[head_end..head_end + length]).into_owned();
    response
}

/// A WebSocket upgrade request for `/api/v1/ws` with `Host: host` and `extra` header lines.
pub fn upgrade(host: &str, key: &str, extra: &str) -> String {
    format!(
        "GET /api/v1/ws HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n{extra}\r\n"
    )
}
