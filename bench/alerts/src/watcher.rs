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
use crate::error::{Error, Result};

/// Arrival times by seq (ms since the Unix epoch).
pub type Arrivals = Arc<Mutex<HashMap<u64, i64>>>;

#[derive(Deserialize)]
struct Head {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    seq: u64,
}

/// Watches host `id` until the socket ends; opening is tried for up to 10 s (the
/// host appears when its agent's `hello` has arrived).
pub async fn watch(hub: SocketAddr, id: String, arrivals: Arrivals) -> Result<()> {
    let url = format!("ws://{hub}/api/v1/ws?host={id}");
    let mut socket = None;
    for _ in 0..100 {
        if let Ok(tcp) = tokio::net::TcpStream::connect(hub).await {
            if let Ok((opened, _)) = tokio_tungstenite::client_async(url.as_str(), tcp).await {
                socket = Some(opened);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut socket = socket.ok_or_else(|| Error::Timeout(format!("opening a watcher of {id}")))?;
    while let Some(message) = socket.next().await {
        let Message::Text(text) = message? else { continue };
        let at = now_ms();
        let Ok(parsed) = serde_json::from_str::<Head>(&text) else { continue };
        if parsed.kind == "frame" {
            arrivals.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).entry(parsed.seq).or_insert(at);
        }
    }
    Ok(())
}
