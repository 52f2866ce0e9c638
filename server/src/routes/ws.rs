//! `GET /api/v1/ws`: the WebSocket transport.
//!
//! One task per socket: it sends what the [`Feed`] yields and reads what the client
//! says in the same `select!`. A client that cannot take a message within
//! [`SEND_TIMEOUT`] is dropped, so a slow client never makes the server buffer.

use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulse_protocol::ClientMessage;

use super::feed::{Feed, Outgoing};
use super::params::Params;
use crate::error::AppError;
use crate::state::{AppState, Slot};

/// The longest a send may wait for a slow client.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Close code: the server is restarting.
const CLOSE_RESTARTING: u16 = 1012;
/// Close code: the client sent something this protocol does not accept.
const CLOSE_POLICY: u16 = 1008;
/// Close code: the client sent binary data.
const CLOSE_UNSUPPORTED: u16 = 1003;

/// Upgrades after checking the origin, the cursor and the connection cap.
pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
    state.origins.check(&headers)?;
    let cursor = params.cursor()?;
    let upgrade = upgrade.map_err(|rejection| {
        AppError::BadRequest(format!("this endpoint speaks WebSocket only: {}", rejection.body_text()))
    })?;
    let slot = state.slot()?;
    let feed = Feed::new(state.hub.clone(), cursor.as_ref(), state.retry);
    Ok(upgrade
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_message_size(4096)
        .max_frame_size(4096)
        .on_upgrade(move |socket| serve(socket, feed, slot)))
}

async fn serve(mut socket: WebSocket, mut feed: Feed, _slot: Slot) {
    loop {
        tokio::select! {
            item = feed.next() => {
                let Some(item) = item else { break };
                let (message, last) = match item {
                    Outgoing::Json(text) => (Message::Text(text.into()), false),
                    Outgoing::Frame(frame) => (Message::Text(frame.json.clone()), false),
                    Outgoing::Bye(text) => (Message::Text(text.into()), true),
                };
                if !send(&mut socket, message).await {
                    return;
                }
                if last {
                    close(&mut socket, CLOSE_RESTARTING, "restarting").await;
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => match serde_json::from_str::<ClientMessage>(&text) {
                    Ok(ClientMessage::Ping) => {
                        let Outgoing::Json(heartbeat) = feed.heartbeat() else { continue };
                        if !send(&mut socket, Message::Text(heartbeat.into())).await {
                            return;
                        }
                    }
                    Err(error) => {
                        let reason = format!("expected {{\"type\":\"ping\"}}: {error}");
                        close(&mut socket, CLOSE_POLICY, &reason).await;
                        return;
                    }
                },
                Some(Ok(Message::Binary(_))) => {
                    close(&mut socket, CLOSE_UNSUPPORTED, "binary messages are not accepted; send JSON text").await;
                    return;
                }
                Some(Ok(_)) => {}
                // Oversized or malformed frames: say why, if the socket still listens.
                Some(Err(error)) => {
                    close(&mut socket, CLOSE_POLICY, &format!("unreadable message: {error}")).await;
                    return;
                }
                None => return,
            },
        }
    }
}

async fn send(socket: &mut WebSocket, message: Message) -> bool {
    matches!(tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await, Ok(Ok(())))
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    // A close reason may be at most 123 bytes.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let frame = CloseFrame { code, reason: Utf8Bytes::from(&reason[..end]) };
    let _ = tokio::time::timeout(Duration::from_secs(1), socket.send(Message::Close(Some(frame)))).await;
}
