//! A streaming client that stops reading loses its place within a bounded time at
//! 1 Hz, over SSE and WebSocket with Ethernet-sized segments (as browsers arrive)
//! and from a local proxy on loopback, while a client that reads on loopback keeps
//! streaming (as a local proxy reads: its window can sit tens of KiB low).
//!
//! There is no Ethernet-segment *reader* here: over loopback the kernel hands the
//! reader the sender's own buffers, so its window looks nothing like a network
//! client's, and the network rule (8 KiB) would judge it by what it is not.

#[path = "support/server.rs"]
mod support;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use std::os::fd::AsRawFd;
use support::TestServer;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// How long the test waits for the server to let the non-readers go: the
/// watchdog's limit plus the time a few KiB of frames take at 1 Hz (for the local
/// proxy, half its window: about 70 s), with room.
const WAIT: Duration = Duration::from_secs(150);

/// Ethernet's segment size: what a browser's connection carries.
const ETHERNET_MSS: libc::c_int = 1448;

/// A connection to the server whose segments are at most `mss` bytes (`None`:
/// loopback's own).
async fn connect(server: &TestServer, mss: Option<libc::c_int>) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    if let Some(mss) = mss {
        // SAFETY: setsockopt reads one int from a live local for a socket we own.
        let set = unsafe {
            libc::setsockopt(
                socket.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_MAXSEG,
                (&mss as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        assert_eq!(set, 0, "TCP_MAXSEG");
    }
    socket.connect(server.addr).await.expect("connect")
}

type Ws = tokio_tungstenite::WebSocketStream<TcpStream>;

async fn websocket(server: &TestServer, mss: Option<libc::c_int>) -> Ws {
    let stream = connect(server, mss).await;
    tokio_tungstenite::client_async(server.ws_url(""), stream).await.expect("ws").0
}

/// Opens an SSE stream and reads only its response head.
async fn sse_that_stops_reading(server: &TestServer) -> TcpStream {
    let mut stream = connect(server, Some(ETHERNET_MSS)).await;
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
    let _ws = websocket(&server, Some(ETHERNET_MSS)).await;
    // A local proxy whose own client stalled: loopback segments, never read.
    let _stalled_proxy = websocket(&server, None).await;
    // _ws and _stalled_proxy are never polled again: their sockets are never read.
    let mut proxy_like = websocket(&server, None).await;
    let client = reqwest::Client::new();
    let started = Instant::now();
    let mut read_frames = 0u32;
    let mut connections = 4;
    // Reads the readers' messages while waiting for the other three to be let go
    // (bounded by WAIT and by a message count).
    while connections > 1 && started.elapsed() < WAIT && read_frames < 1_000 {
        match tokio::time::timeout(Duration::from_secs(5), proxy_like.next()).await {
            Ok(Some(Ok(_))) => read_frames += 1,
            other => panic!("the reading client lost its stream: {other:?}"),
        }
        connections = healthz_connections(&client, &server).await;
    }
    let took = started.elapsed();
    eprintln!("non-readers let go after {took:?}; the reader got {read_frames} messages");
    assert_eq!(connections, 1, "only the reader is left (after {took:?})");
    let next = tokio::time::timeout(Duration::from_secs(10), proxy_like.next()).await;
    assert!(matches!(next, Ok(Some(Ok(_)))), "the reader keeps streaming: {next:?}");
}
