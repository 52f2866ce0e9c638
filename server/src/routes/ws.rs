//! `GET /api/v1/ws`: the WebSocket transport.
//!
//! One task per socket: it sends what the [`Feed`] yields and reads what the client
//! says. A client that cannot take a message within [`SEND_TIMEOUT`] is dropped, so
//! a slow client never makes the server buffer.
//!
//! The socket is read only after the kernel said it has something to read (see
//! [`ReadGate`]): polling a tungstenite socket for reads zero-fills its read buffer
//! first, and doing that after every frame sent was a measurable part of fan-out.

use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use futures_util::task::AtomicWaker;
use futures_util::Stream;
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

/// Upgrades after checking the cursor and the connection cap (`origin::cors` has
/// checked the origin).
pub async fn handler(
    State(state): State<AppState>,
    params: Params,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, AppError> {
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

/// What woke the socket task.
enum Event {
    /// The feed's next message (`None`: the feed has ended).
    Item(Option<Outgoing>),
    /// What the client sent (`None`: the connection is gone).
    Incoming(Option<Result<Message, axum::Error>>),
}

async fn serve(mut socket: WebSocket, mut feed: Feed, _slot: Slot) {
    let mut reads = ReadGate::new();
    loop {
        let event = {
            let mut next = pin!(feed.next());
            poll_fn(|cx| {
                // The feed first: a frame due now goes out before a ping is answered.
                if let Poll::Ready(item) = next.as_mut().poll(cx) {
                    return Poll::Ready(Event::Item(item));
                }
                reads.poll_next(&mut socket, cx).map(Event::Incoming)
            })
            .await
        };
        match event {
            Event::Item(item) => {
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
            Event::Incoming(incoming) => match incoming {
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

/// Reads the socket only when its own waker has fired since the last `Pending`
/// (or it has never been polled), rather than every time the task runs. The task
/// runs once per frame sent; reads are rare (pings, close).
struct ReadGate {
    shared: Arc<ReadWake>,
    /// Given to the socket's reads: marks them due, then wakes the task.
    waker: Waker,
}

struct ReadWake {
    /// Set when the socket may have something to read.
    due: AtomicBool,
    /// The socket task.
    task: AtomicWaker,
}

impl Wake for ReadWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.due.store(true, Ordering::Release);
        self.task.wake();
    }
}

impl ReadGate {
    fn new() -> Self {
        let shared = Arc::new(ReadWake { due: AtomicBool::new(true), task: AtomicWaker::new() });
        let waker = Waker::from(shared.clone());
        ReadGate { shared, waker }
    }

    fn poll_next(
        &mut self,
        socket: &mut WebSocket,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Message, axum::Error>>> {
        self.shared.task.register(cx.waker());
        // Cleared before reading, so a wake-up during the read is not lost.
        if !self.shared.due.swap(false, Ordering::AcqRel) {
            return Poll::Pending;
        }
        let polled = Pin::new(socket).poll_next(&mut Context::from_waker(&self.waker));
        if polled.is_ready() {
            // More may be buffered already: read again next time.
            self.shared.due.store(true, Ordering::Release);
        }
        polled
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
