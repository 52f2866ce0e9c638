//! The Pulse WebSocket client: `GET /api/v1/ws`, one JSON message per text message.

use futures_util::StreamExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::Client;
use crate::error::{Error, Result};
use crate::http;

/// Connects and reads until the connection ends.
pub async fn run(addr: &str, bearer: Option<&str>, client: &mut Client) -> Result<()> {
    let mut ws = open(addr, "/api/v1/ws", bearer).await?;
    client.up();
    while let Some(message) = ws.next().await {
        match message? {
            Message::Text(text) => client.on_text(text.as_str())?,
            Message::Close(_) => return Err(Error::Closed),
            _ => {}
        }
    }
    Err(Error::Closed)
}

/// Opens a WebSocket at `path` with small buffers (the default 128 KiB read
/// buffer would be zero-filled on every read and cost far more than the frames).
/// With `bearer`, it offers the subprotocols `pulse, pulse.bearer.SECRET`, as the
/// web app does (a browser cannot set headers on a WebSocket).
pub async fn open(addr: &str, path: &str, bearer: Option<&str>) -> Result<WebSocketStream<TcpStream>> {
    let stream = http::connect(addr).await?;
    let config = WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0);
    let mut request = format!("ws://{addr}{path}").into_client_request()?;
    if let Some(secret) = bearer {
        let protocols = format!("pulse, pulse.bearer.{secret}");
        let value =
            HeaderValue::from_str(&protocols).map_err(|_| Error::Protocol("the bearer is not header-safe".into()))?;
        request.headers_mut().insert("sec-websocket-protocol", value);
    }
    let handshake = tokio_tungstenite::client_async_with_config(request, stream, Some(config));
    let (ws, _response) = tokio::time::timeout(http::CONNECT_TIMEOUT, handshake)
        .await
        .map_err(|_| Error::Timeout("websocket handshake"))??;
    Ok(ws)
}
