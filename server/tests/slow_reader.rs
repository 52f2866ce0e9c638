//! A streaming client that stops reading loses its place within a bounded time at
//! 1 Hz, over SSE and WebSocket, while a client that reads keeps streaming.

#[path = "support/server.rs"]
mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use support::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the test waits for the server to let the non-readers go: the
/// watchdog's limit plus the time a few KiB of frames take at 1 Hz, with room.
const WAIT: Duration = Duration::from_secs(90);

/// Opens an SSE stream and reads only its response head.
async fn sse_that_stops_reading(server: &TestServer) -> TcpStream {
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let request = format!("GET /api/v1/sse HTTP/1.1\r\nHost: {}\r\n\r\n", server.addr);
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut head = [0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut head)).await.expect("head").expect("read");
    assert!(head[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&head[..n]));
    stream
}

async fn healthz_connections(client: &reqwest::Client, server: &TestServer) -> u64 {
    let health: serde_json::Value =
        client.get(server.url("/healthz")).send().await.expect("healthz").json().await.expect("json");
    health["connections"].as_u64().expect("connections")
}

#[tokio::test]
async fn clients_that_stop_reading_are_let_go_and_readers_stay() {
    let server = TestServer::start(&["--interval", "1s"]).await;
    let _sse = sse_that_stops_reading(&server).await;
    let (_ws, _) = tokio_tungstenite::connect_async(server.ws_url("")).await.expect("ws");
    // _ws is never polled again: its socket is never read.
    let (mut reader, _) = tokio_tungstenite::connect_async(server.ws_url("")).await.expect("reader");
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut read_frames = 0u32;
    let mut connections = 3;
    // Reads the reader's messages while waiting for the other two to be let go
    // (bounded by WAIT and by a message count).
    while connections > 1 && started.elapsed() < WAIT && read_frames < 1_000 {
        match tokio::time::timeout(Duration::from_secs(5), reader.next()).await {
            Ok(Some(Ok(_))) => read_frames += 1,
            other => panic!("the reading client lost its stream: {other:?}"),
        }
        connections = healthz_connections(&client, &server).await;
    }
    let took = started.elapsed();
    eprintln!("non-readers let go after {took:?}; the reader got {read_frames} messages");
    assert_eq!(connections, 1, "only the reader is left (after {took:?})");
    // The reader is still served.
    let next = tokio::time::timeout(Duration::from_secs(10), reader.next()).await;
    assert!(matches!(next, Ok(Some(Ok(_)))), "the reader keeps streaming: {next:?}");
}
