//! A Socket.IO v4 client over a bare WebSocket (Engine.IO v4, `transport=websocket`):
//! `0{…}` open, we send `40`, the server answers `40{…}`, then `42["frame",{…}]`
//! events; every server ping `2` is answered with `3`.

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

use super::{ws, Client};
use crate::error::{Error, Result};
use crate::msg;

/// Connects, joins the default namespace and reads until the connection ends.
pub async fn run(addr: &str, client: &mut Client) -> Result<()> {
    let mut socket = ws::open(addr, "/socket.io/?EIO=4&transport=websocket", None).await?;
    let mut opened = false;
    while let Some(message) = socket.next().await {
        let text = match message? {
            Message::Text(text) => text,
            Message::Close(_) => return Err(Error::Closed),
            _ => continue,
        };
        let text = text.as_str();
        match text.as_bytes().first() {
            Some(b'0') if !opened => {
                opened = true;
                socket.send(Message::text("40")).await?;
            }
            Some(b'2') => socket.send(Message::text("3")).await?,
            Some(b'1') => return Err(Error::Closed),
            Some(b'4') if text.starts_with("40") => client.up(),
            Some(b'4') if text.starts_with("41") => return Err(Error::Closed),
            Some(b'4') if text.starts_with("44") => return Err(Error::Protocol(format!("connect refused: {text}"))),
            Some(b'4') => {
                if let Some(frame) = msg::socketio_event(text)? {
                    client.on_text(frame)?;
                }
            }
            _ => {}
        }
    }
    Err(Error::Closed)
}
