//! One WebSocket to `pulse-server`: TCP connect, handshake, then JSON text messages,
//! the way the browser's WebSocket transport sees them.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use pulse_protocol::{Cursor, ServerMessage};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::error::{Error, Result};

/// An open WebSocket.
pub type Socket = WebSocketStream<TcpStream>;

/// The longest a TCP connect or a handshake may take.
const STEP_LIMIT: Duration = Duration::from_secs(5);

/// Control frames skipped in a row before a read gives up (a bound, never reached).
const MAX_SKIPPED: usize = 64;

/// What a read brought.
#[derive(Debug)]
pub enum Incoming {
    /// One message.
    Message(ServerMessage),
    /// Text that is not a `ServerMessage`.
    Malformed(String),
    /// The connection ended; `hint` is 1000 ms for close codes 1012/1013, as the
    /// browser transport reports them.
    Closed {
        /// Come back after this many ms.
        hint: Option<f64>,
        /// In words.
        why: String,
    },
}

/// Connects to `/api/v1/ws`, resuming after `cursor`.
pub async fn open(addr: SocketAddr, cursor: Option<&Cursor>) -> Result<Socket> {
    let stream = tokio::time::timeout(STEP_LIMIT, TcpStream::connect(addr))
        .await
        .map_err(|_| Error::Timeout("tcp connect".into()))??;
    stream.set_nodelay(true)?;
    let query = cursor.map(|c| format!("?since={}&epoch={}", c.seq, c.epoch)).unwrap_or_default();
    let url = format!("ws://{addr}/api/v1/ws{query}");
    let config = WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0);
    let handshake = tokio_tungstenite::client_async_with_config(url, stream, Some(config));
    let (socket, _response) =
        tokio::time::timeout(STEP_LIMIT, handshake).await.map_err(|_| Error::Timeout("handshake".into()))??;
    Ok(socket)
}

/// Reads the next message.
pub async fn next(socket: &mut Socket) -> Incoming {
    for _ in 0..MAX_SKIPPED {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return match serde_json::from_str::<ServerMessage>(text.as_str()) {
                    Ok(message) => Incoming::Message(message),
                    Err(error) => Incoming::Malformed(error.to_string()),
                }
            }
            Some(Ok(Message::Close(frame))) => {
                let code = frame.as_ref().map(|f| u16::from(f.code));
                let hint = matches!(code, Some(1012 | 1013)).then_some(1_000.0);
                return Incoming::Closed { hint, why: format!("closed ({})", code.unwrap_or(1005)) };
            }
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Incoming::Closed { hint: None, why: error.to_string() },
            None => return Incoming::Closed { hint: None, why: "connection ended".into() },
        }
    }
    Incoming::Closed { hint: None, why: "too many control frames".into() }
}

/// Asks for an immediate heartbeat, as the browser transport does right after hello.
pub async fn ping(socket: &mut Socket) -> Result<()> {
    socket.send(Message::text(r#"{"type":"ping"}"#)).await?;
    Ok(())
}
