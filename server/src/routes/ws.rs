//! `GET /api/v1/ws`: the WebSocket transport.
//!
//! One task per socket sends `hello`, an optional gap and the resume backlog, then
//! hands the client to the fan-out, which writes live frames and heartbeats to the
//! socket itself (`crate::fanout`): the task does not run for them. It runs when the
//! client says something, when the fan-out skipped a frame (it catches up from
//! history), when bytes wait for a slow socket, to say `bye`, and to send the live
//! alerts (`alerts=REV`: after the backlog, then when the set changes; rare, and
//! not frames, so the fan-out's seq rule never sees them). A client whose
//! socket takes nothing for [`crate::listen::conn::WRITE_STALL`], or lets
//! [`crate::fanout::MAX_QUEUED_BYTES`] pile up, is dropped, so a slow client never
//! makes the server buffer without bound; it resumes from its cursor.
//!
//! A client may change the host its socket streams with a `subscribe` message
//! (`ws/subscribe.rs`): the socket stays, and the new stream opens as a new
//! socket's would.

pub(super) mod handshake;
mod io;
mod subscribe;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use pulse_protocol::{Bye, ClientMessage, ServerMessage};
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};
use tokio_tungstenite::WebSocketStream;

use super::feed::json;
use super::notices::Notices;
use super::params::Params;
use crate::access::grant::Grant;
use crate::error::AppError;
use crate::fanout::Subscriber;
use crate::history::lagged_gap;
use crate::hub::{Hub, Start};
use crate::listen::conn::Peer;
use crate::state::{AppState, Slot};
use io::ConnIo;

/// The longest the task waits for a slow client to take one message.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Close code: the server is restarting.
const CLOSE_RESTARTING: u16 = 1012;
/// Close code: the client sent something this protocol does not accept.
const CLOSE_POLICY: u16 = 1008;
/// Close code: the client sent binary data.
const CLOSE_UNSUPPORTED: u16 = 1003;

type Socket = WebSocketStream<ConnIo>;

/// Upgrades after checking the cursor, the handshake and the connection cap
/// (`origin::cors` has checked the origin).
pub async fn handler(
    State(state): State<AppState>,
    params: Params,
    mut request: Request,
) -> Result<Response, AppError> {
    let cursor = params.cursor()?;
    let grant = request.extensions().get::<Grant>().cloned();
    let notices = Notices::new(&state, &params, grant.as_ref())?;
    let peer = request.extensions().get::<ConnectInfo<Peer>>().map(|info| info.0.clone());
    let (response, upgrade) = handshake::accept(&mut request)?;
    let Some(peer) = peer else {
        return Err(AppError::Internal(
            "the connection's socket is unknown (serve the app with `pulse_server::serve`)",
        ));
    };
    let slot = state.slot()?;
    let (host, hub) = state.stream_hub(&params)?;
    let retry_ms = state.retry.as_millis() as u64;
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else { return };
        let start = hub.start(cursor.as_ref());
        let last_sent = start.resume.backlog.last().map_or(start.after, |frame| frame.frame.seq);
        let (io, subscriber) = if peer.tls {
            ConnIo::tasked(TokioIo::new(upgraded), last_sent)
        } else {
            // SAFETY: `peer.fd` is the socket of the connection this request came
            // on, which `upgraded` now owns.
            unsafe { ConnIo::new(TokioIo::new(upgraded), peer.fd, last_sent) }
        };
        peer.watch_reading();
        let config = WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0)
            .max_message_size(Some(4096))
            .max_frame_size(Some(4096));
        let socket = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
        let budget = subscribe::Budget::new(std::time::Instant::now());
        let client = Client { hub, host, subscriber, retry_ms, state, grant, budget, _slot: slot };
        // Cut (the client stopped reading): dropping the socket ends it.
        tokio::select! {
            () = serve(socket, client, start, notices) => {}
            () = peer.link.cut_off() => {}
        }
    });
    Ok(response)
}

/// What a connection's task holds besides its socket.
struct Client {
    hub: Arc<Hub>,
    /// The id of the host whose stream this is (what `hello` names).
    host: String,
    subscriber: Arc<Subscriber>,
    retry_ms: u64,
    /// The hub's state, to find the host a `subscribe` names.
    state: AppState,
    /// The credential the socket was opened with, which a `subscribe` is checked against.
    grant: Option<Grant>,
    /// How many more `subscribe`s the socket may send now.
    budget: subscribe::Budget,
    /// Frees the connection's slot when the task ends.
    _slot: Slot,
}

/// What the client's message asks of the task.
enum Flow {
    /// Go on.
    Continue,
    /// End the connection.
    End,
    /// Show another host's stream on this socket.
    Subscribe(pulse_protocol::Subscribe),
}

/// What woke the task.
enum Event {
    /// The server is shutting down.
    Shutdown,
    /// The fan-out queued bytes, skipped a frame, or gave up on the client.
    Fanout,
    /// New live alerts or a new hub status.
    Notices,
    /// What the client sent (`None`: the connection is gone).
    Incoming(Option<Result<Message, tokio_tungstenite::tungstenite::Error>>),
}

/// Sends a stream's opening (`hello`, a gap, the backlog) and adds the client to
/// its hub's fan-out, for the task to catch up from; false when the socket failed.
async fn open_stream(socket: &mut Socket, client: &Client, start: &Start) -> bool {
    let mut opening = vec![client.hub.hello(&start.catalog, start.seq, &client.host)];
    opening.extend(start.resume.gap.clone().map(|gap| json(&ServerMessage::Gap(gap))));
    for message in opening {
        if !send(socket, Message::Text(message.into())).await {
            return false;
        }
    }
    for frame in &start.resume.backlog {
        if !send(socket, Message::Text(frame.json.clone())).await {
            return false;
        }
    }
    client.hub.fanout().add(client.subscriber.clone());
    true
}

async fn serve(mut socket: Socket, mut client: Client, start: Start, mut notices: Notices) {
    if !open_stream(&mut socket, &client, &start).await {
        return;
    }
    while let Some(message) = notices.due() {
        if !send(&mut socket, Message::Text(message.into())).await {
            return;
        }
    }
    let mut shutdown = client.hub.shutdown_signal();
    let mut catching_up = true;
    loop {
        if catching_up && !catch_up(&mut socket, &client, &shutdown).await {
            return;
        }
        let event = tokio::select! {
            biased;
            _ = shutdown.wait_for(|stopping| *stopping) => Event::Shutdown,
            () = client.subscriber.notified() => Event::Fanout,
            () = notices.changed() => Event::Notices,
            incoming = socket.next() => Event::Incoming(incoming),
        };
        catching_up = false;
        match event {
            Event::Shutdown => {
                client.subscriber.leave_direct();
                let bye = json(&ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms: client.retry_ms }));
                if send(&mut socket, Message::Text(bye.into())).await {
                    close(&mut socket, &client.subscriber, CLOSE_RESTARTING, "restarting").await;
                }
                return;
            }
            Event::Fanout => {
                let needs = client.subscriber.needs();
                if needs.overflowed {
                    tracing::debug!("a WebSocket client let too much pile up; it will resume when it reconnects");
                    return;
                }
                catching_up = needs.catch_up;
                if needs.heartbeat && client.subscriber.take_heartbeat() {
                    let heartbeat = client.hub.heartbeat(client.subscriber.last_sent());
                    if !send(&mut socket, Message::Text(heartbeat.into())).await {
                        return;
                    }
                }
            }
            Event::Notices => {
                while let Some(message) = notices.due() {
                    if !send(&mut socket, Message::Text(message.into())).await {
                        return;
                    }
                }
            }
            Event::Incoming(incoming) => match answer(&mut socket, &client, incoming).await {
                Flow::Continue => {}
                Flow::End => return,
                Flow::Subscribe(asked) => {
                    if !subscribe::switch(&mut socket, &mut client, asked).await {
                        return;
                    }
                    // The new stream's hub: its shutdown, and its history to catch up from.
                    shutdown = client.hub.shutdown_signal();
                    catching_up = true;
                }
            },
        }
        // Whatever waits for a slow socket goes out before anything else is done.
        if client.subscriber.needs().flush && !timed(socket.flush()).await {
            return;
        }
    }
}

/// Answers what the client sent, or says what the task must do.
async fn answer(
    socket: &mut Socket,
    client: &Client,
    incoming: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
) -> Flow {
    let flow = |alive: bool| if alive { Flow::Continue } else { Flow::End };
    match incoming {
        Some(Ok(Message::Text(text))) => match subscribe::asked(&text) {
            subscribe::Asked::Subscribe(asked) => Flow::Subscribe(asked),
            subscribe::Asked::Malformed(why) => flow(subscribe::refuse(socket, AppError::BadRequest(why)).await),
            subscribe::Asked::Other => match serde_json::from_str::<ClientMessage>(&text) {
                Ok(ClientMessage::Ping) => {
                    let heartbeat = client.hub.heartbeat(client.hub.newest_seq());
                    flow(send(socket, Message::Text(heartbeat.into())).await)
                }
                Ok(ClientMessage::Subscribe(asked)) => Flow::Subscribe(asked),
                Err(error) => {
                    let why = format!("expected {{\"type\":\"ping\"}} or a subscribe: {error}");
                    close(socket, &client.subscriber, CLOSE_POLICY, &why).await;
                    Flow::End
                }
            },
        },
        Some(Ok(Message::Binary(_))) => {
            close(socket, &client.subscriber, CLOSE_UNSUPPORTED, "binary messages are not accepted; send JSON text")
                .await;
            Flow::End
        }
        // The client is closing: tungstenite answers, and the fan-out must not write
        // after that answer.
        Some(Ok(Message::Close(_))) => {
            client.subscriber.leave_direct();
            Flow::Continue
        }
        // Pings are answered by tungstenite.
        Some(Ok(_)) => Flow::Continue,
        // Oversized or malformed frames: say why, if the socket still listens.
        Some(Err(error)) => {
            close(socket, &client.subscriber, CLOSE_POLICY, &format!("unreadable message: {error}")).await;
            Flow::End
        }
        None => Flow::End,
    }
}

/// Sends what history has after the client's newest frame, until the fan-out has
/// skipped nothing since the last look; then the fan-out takes over. Stops early
/// when the server starts shutting down, so `bye` is not kept waiting behind a long
/// backlog. False when the connection must end.
async fn catch_up(socket: &mut Socket, client: &Client, shutdown: &watch::Receiver<bool>) -> bool {
    loop {
        if *shutdown.borrow() {
            return true;
        }
        let last = client.subscriber.last_sent();
        let frames = client.hub.frames_after(last);
        if frames.is_empty() {
            if client.subscriber.try_go_direct() {
                return true;
            }
            // A frame was published since `frames_after`: history has it now.
            continue;
        }
        if let Some(gap) = lagged_gap(last, &frames) {
            if !send(socket, Message::Text(json(&ServerMessage::Gap(gap)).into())).await {
                return false;
            }
        }
        for frame in &frames {
            if *shutdown.borrow() {
                return true;
            }
            if client.subscriber.sending_frame(frame.frame.seq)
                && !send(socket, Message::Text(frame.json.clone())).await
            {
                return false;
            }
        }
    }
}

async fn send(socket: &mut Socket, message: Message) -> bool {
    timed(socket.send(message)).await
}

/// Whether `write` finished without error within [`SEND_TIMEOUT`].
async fn timed<E>(write: impl std::future::Future<Output = Result<(), E>>) -> bool {
    matches!(tokio::time::timeout(SEND_TIMEOUT, write).await, Ok(Ok(())))
}

/// Sends a close frame; the fan-out writes nothing after it.
async fn close(socket: &mut Socket, subscriber: &Subscriber, code: u16, reason: &str) {
    subscriber.leave_direct();
    // A close reason may be at most 123 bytes.
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let frame = CloseFrame { code: CloseCode::from(code), reason: Utf8Bytes::from(&reason[..end]) };
    let _ = tokio::time::timeout(Duration::from_secs(1), socket.send(Message::Close(Some(frame)))).await;
}
