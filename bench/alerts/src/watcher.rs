//! A browser-like client on `/api/v1/ws?host=ID`: when each of the host's frames
//! arrives. The anchor of the latency figure: the same samples on the live path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde::Deserialize;
use tokio_tungstenite::tungstenite::Message;

use crate::clock::now_ms;

/// Arrival times by seq (ms since the Unix epoch).
pub type Arrivals = Arc<Mutex<HashMap<u64, i64>>>;

/// The most times a watcher opens its socket (a host's first `hello` from its agent
/// ends the placeholder stream a watcher may have opened before it, with a `bye`).
const OPENS: usize = 100;

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    seq: u64,
}

/// Watches host `id`, opening the socket again whenever it ends (at most
/// [`OPENS`] times, 100 ms apart).
pub async fn watch(hub: SocketAddr, id: String, arrivals: Arrivals) {
    let url = format!("ws://{hub}/api/v1/ws?host={id}");
    for _ in 0..OPENS {
        if let Ok(tcp) = tokio::net::TcpStream::connect(hub).await {
            if let Ok((mut socket, _)) = tokio_tungstenite::client_async(url.as_str(), tcp).await {
                while let Some(Ok(message)) = socket.next().await {
                    let Message::Text(text) = message else { continue };
                    let at = now_ms();
                    let Ok(head) = serde_json::from_str::<Head>(&text) else { continue };
                    if head.kind == "frame" {
                        arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(head.seq).or_insert(at);
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
