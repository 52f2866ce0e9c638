//! The fan-out benchmark's floor peer: what a minimal axum server costs per
//! delivered message on this machine, measured beside Pulse in the same run.
//!
//!   pulse-fanout-floor --listen 127.0.0.1:0 --source http://127.0.0.1:PORT/
//!
//! It follows the recipe `../shared/ANCHORS.md` calls best practice (a frame
//! serialised once and shared as `Utf8Bytes`, `read_buffer_size(4096)`, a
//! current-thread runtime) and does nothing else: no origin check, no resume,
//! no heartbeat, no history, no slow-client limit. Like the Socket.IO peer it
//! relays the frames of a running `pulse-server` (one upstream WebSocket), so
//! all three servers send the same bytes at the same rate. The gap between Pulse
//! and this floor is what Pulse's features cost; the floor itself is this
//! machine's kernel plus axum.
//!
//! Prints `listening on http://ADDR/` once the source has said hello.

use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast;
use tokio_tungstenite::tungstenite;

/// What every client task shares: the source's hello, and the broadcast of frames.
#[derive(Clone)]
struct Relay {
    hello: Utf8Bytes,
    frames: broadcast::Sender<Utf8Bytes>,
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let listen = arg("--listen").unwrap_or_else(|| "127.0.0.1:0".into());
    let source = arg("--source").ok_or("usage: pulse-fanout-floor --listen HOST:PORT --source http://HOST:PORT/")?;
    if !listen.starts_with("127.") {
        return Err("the benchmark listens on loopback only".into());
    }
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(serve(listen, source))
}

async fn serve(listen: String, source: String) -> Result<(), String> {
    let url = format!("{}/api/v1/ws", source.trim_end_matches('/').replacen("http:", "ws:", 1));
    let (mut upstream, _) = tokio_tungstenite::connect_async(url).await.map_err(|e| format!("source: {e}"))?;
    let hello = match upstream.next().await {
        Some(Ok(tungstenite::Message::Text(text))) => Utf8Bytes::from(text.as_str()),
        other => return Err(format!("source did not say hello: {other:?}")),
    };
    let (frames, _) = broadcast::channel(16);
    let relay = Relay { hello, frames: frames.clone() };
    tokio::spawn(async move {
        while let Some(Ok(message)) = upstream.next().await {
            if let tungstenite::Message::Text(text) = message {
                // One allocation per frame, shared by every client.
                let _ = frames.send(Utf8Bytes::from(text.as_str()));
            }
        }
        eprintln!("floor peer: the source closed");
        std::process::exit(0);
    });
    let app = Router::new().route("/api/v1/ws", get(upgrade)).with_state(relay);
    let listener = tokio::net::TcpListener::bind(&listen).await.map_err(|e| format!("bind {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}/");
    axum::serve(listener, app).await.map_err(|e| format!("serve: {e}"))
}

async fn upgrade(State(relay): State<Relay>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.read_buffer_size(4096).write_buffer_size(0).on_upgrade(move |socket| client(socket, relay))
}

/// Sends the hello, then every frame; a client that lags behind the broadcast is dropped.
async fn client(socket: WebSocket, relay: Relay) {
    let mut frames = relay.frames.subscribe();
    let (mut sink, mut stream) = socket.split();
    if sink.send(Message::Text(relay.hello)).await.is_err() {
        return;
    }
    let send = async {
        while let Ok(frame) = frames.recv().await {
            if sink.send(Message::Text(frame)).await.is_err() {
                break;
            }
        }
    };
    let read = async { while let Some(Ok(_)) = stream.next().await {} };
    tokio::select! {
        () = send => {}
        () = read => {}
    }
}
