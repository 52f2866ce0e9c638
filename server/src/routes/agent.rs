//! `GET /api/v1/agent`: an agent pushes its host's stream (the contract is in
//! `pulse_protocol::agent`). The hub checks the agent ([`identity`]), claims its
//! host in the fleet, tells it where to resume, then stores and fans out every
//! frame it sends into that host's hub, exactly as the hub's own sampler does.

pub mod frame_check;
pub mod hello_check;
pub mod identity;
pub mod series_budget;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;
use axum::Extension;
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use pulse_protocol::{AgentReply, ServerMessage, PROTOCOL_VERSION};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::ws::handshake;
use crate::error::AppError;
use crate::fanout::encode_text;
use crate::fleet::Claim;
use crate::hub::{now_ms, Hub, Timing};
use crate::listen::conn::Peer;
use crate::state::{AppState, Slot};
use frame_check::Refusal;
use series_budget::SeriesBudget;

/// The largest message an agent may send (a frame with its process table).
const MAX_MESSAGE: usize = 256 * 1024;
/// The link's read buffer: a frame's size, grown only for a larger message.
/// tungstenite's default (128 KiB, zeroed before every read) would cost more
/// memory than the host's whole history, and a memset of it per frame. It
/// reserves this much again whenever a read leaves bytes in it, so a link
/// settles at about twice it: 4 KiB held 7.2 KB a link (heaptrack, 1,000
/// agents); a frame is about 1.1 KB.
const READ_BUFFER: usize = 2 * 1024;
/// How often the hub acknowledges what it stored (on disk, when it has a store).
/// An agent pings every 5 s (`agent::link::PING_EVERY`): each ping's pong carries
/// the acknowledgement in the same write, and the timer acknowledges only for an
/// agent silent of pings for [`ACK_EVERY`] and [`ACK_SLACK`].
const ACK_EVERY: Duration = Duration::from_secs(5);
/// How much later than [`ACK_EVERY`] after a ping the timer fires, so that an
/// agent's next ping, due [`ACK_EVERY`] after its last, comes first.
const ACK_SLACK: Duration = Duration::from_secs(1);
/// How long an agent may stay silent (it sends heartbeats) before the link is dropped.
const SILENCE: Duration = Duration::from_secs(30);

/// Checks the agent and its claim, then upgrades; a refusal is logged with the
/// agent's address (`gate::agent_refusal`).
pub async fn handler(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    request: Request,
) -> Result<Response, AppError> {
    let from = peer.as_ref().map(|Extension(ConnectInfo(peer))| peer.remote);
    accept(state, peer, request).await.map_err(|error| crate::gate::agent_refusal::logged(from, error))
}

async fn accept(
    state: AppState,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    mut request: Request,
) -> Result<Response, AppError> {
    let who = identity::identify(request.headers())?;
    // The upgrade and a place are checked before the host is claimed: a request
    // that is no WebSocket (a proxy that drops `Upgrade`) adds no host.
    let (response, upgrade) = handshake::accept(&mut request)?;
    let slot = state.slot()?;
    let timing = Timing { history: state.agent_window, ..state.hub.timing() };
    let claim = state.fleet.claim(&who.id, who.name.clone(), who.tags.clone(), timing)?;
    // With `--redis`, one agent per host across every hub (a host this claim
    // added is forgotten on refusal).
    let shared = match &state.redis {
        Some(redis) => match redis.claim(&who.id, &who.name, &who.tags).await {
            Ok(shared) => Some(shared),
            Err(refused) => {
                state.fleet.forget_unseen(claim);
                return Err(refused.into());
            }
        },
        None => None,
    };
    let server_shutdown = state.hub.shutdown_signal();
    let same_wire = who.protocol == PROTOCOL_VERSION;
    tracing::info!(host = %who.id, name = %who.name, protocol = who.protocol, "an agent connected");
    let fleet = Arc::clone(&state.fleet);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else {
            fleet.forget_unseen(claim);
            return;
        };
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_MESSAGE))
            .max_frame_size(Some(MAX_MESSAGE))
            .read_buffer_size(READ_BUFFER);
        let socket = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
        let link = Link { claim, name: who.name, shared, same_wire, _slot: slot };
        let cut = async {
            match &peer {
                Some(Extension(ConnectInfo(peer))) => peer.link.cut_off().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            end = ingest(socket, &link, server_shutdown) => {
                tracing::info!(host = %link.claim.id(), "an agent's link ended: {end}");
            }
            () = cut => {}
        }
        // The host let go before the fleet's claim (`--redis`), as ever.
        let Link { claim, shared, .. } = link;
        fleet.forget_unseen(claim);
        drop(shared);
    });
    Ok(response)
}

/// What an agent's task holds: its host (released when the link ends) and the
/// name its frames must carry, where its frames are shared with other hubs
/// (`--redis`), whether it speaks the hub's own protocol version, and its place.
struct Link {
    claim: Claim,
    name: String,
    shared: Option<crate::redis::AgentLink>,
    same_wire: bool,
    _slot: Slot,
}

type Socket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// Reads the agent's stream until it ends; says why it ended.
async fn ingest(mut socket: Socket, link: &Link, mut shutdown: tokio::sync::watch::Receiver<bool>) -> String {
    let current = link.claim.hub();
    let resume = if current.newest_seq() > 0 {
        AgentReply::Resume { epoch: Some(current.epoch().clone()), seq: current.newest_seq() }
    } else {
        AgentReply::Resume { epoch: None, seq: 0 }
    };
    if send(&mut socket, &resume).await.is_err() {
        return "the agent went away before resuming".into();
    }
    let mut hub: Option<Arc<Hub>> = None;
    let mut acked = 0;
    let mut ack = tokio::time::interval(ACK_EVERY);
    // One silence timer for the link, looked at when it fires, rather than a timer
    // armed again for every message: the last message's time is all a message sets.
    let mut heard = Instant::now();
    let mut warned_time = false;
    let mut budget = SeriesBudget::default();
    let silence = tokio::time::sleep_until(heard + SILENCE);
    tokio::pin!(silence);
    let mut held = link.shared.as_ref().map(crate::redis::AgentLink::held);
    // Made once for the link, not at every message: each of them, made and
    // dropped, registered with its channel and left it again, under a lock.
    let stop = stopping(&mut shutdown);
    tokio::pin!(stop);
    let lost = taken(&mut held);
    tokio::pin!(lost);
    loop {
        // Shutdown and a lost claim first, then the socket before the timers. The
        // runtime's budget does not make an always-ready socket give way: every
        // branch spends the same budget, so when it runs out they all wait
        // together and the first in order wins again. A link flooded with
        // messages must still be closed when the hub stops or its claim is lost;
        // only its own acknowledgements and silence timer wait for a quiet moment.
        let message = tokio::select! {
            biased;
            () = &mut stop => {
                let _ = socket.close(Some(close(1012, "the hub is restarting"))).await;
                return "the hub is shutting down".into();
            }
            () = &mut lost => {
                // A partition from Redis let the claim run out and another hub's
                // agent for this host took it: two agents must not feed one host,
                // so this one goes (it is refused with 409 while the other lives).
                let reason = "another hub holds this host now (its claim ran out while this hub was cut off from redis)";
                let _ = socket.close(Some(close(1013, reason))).await;
                return reason.into();
            }
            message = socket.next() => message,
            _ = ack.tick() => {
                acknowledge(&mut socket, hub.as_deref(), &mut acked).await;
                continue;
            }
            () = &mut silence => {
                if heard.elapsed() >= SILENCE {
                    return format!("nothing for {} s", SILENCE.as_secs());
                }
                silence.as_mut().reset(heard + SILENCE);
                continue;
            }
        };
        heard = Instant::now();
        let text = match message {
            None | Some(Ok(Message::Close(_))) => return "the agent closed it".into(),
            Some(Err(WsError::Capacity(error))) => {
                let reason = format!("message too big: at most {} KiB", MAX_MESSAGE / 1024);
                let _ = socket.close(Some(close(1009, &reason))).await;
                return format!("{reason} ({error})");
            }
            Some(Err(error)) => return format!("unreadable: {error}"),
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                let _ = socket.close(Some(close(1003, "send JSON text messages"))).await;
                return "it sent binary data".into();
            }
            // tungstenite has queued the pong: an acknowledgement sent now goes
            // in the same write, rather than in one of its own when the timer fires
            // (a write is a system call and a wake-up of the agent).
            Some(Ok(Message::Ping(_))) => {
                acknowledge(&mut socket, hub.as_deref(), &mut acked).await;
                ack.reset_after(ACK_EVERY + ACK_SLACK);
                continue;
            }
            Some(Ok(_)) => continue,
        };
        // Read into the buffers of the host's frame before, once its hub has one.
        let read = match &hub {
            Some(hub) => hub.read(&text),
            None => serde_json::from_str::<ServerMessage>(&text),
        };
        let parsed = match read {
            Ok(parsed) => parsed,
            Err(error) => {
                let reason = format!("not a Pulse message: {error}");
                let _ = socket.close(Some(close(1008, &reason))).await;
                return reason;
            }
        };
        match parsed {
            ServerMessage::Hello(hello) => {
                if let Err(reason) = hello_check::check(&hello).and_then(|()| budget.hello(&hello.catalog, now_ms())) {
                    return refuse(&mut socket, link, reason).await;
                }
                let interval = Duration::from_millis(hello.interval_ms.max(1));
                let adopted = link.claim.adopt(&hello.epoch, interval);
                if let Some(shared) = &link.shared {
                    shared.hello(&hello.epoch, interval, &hello.catalog);
                }
                adopted.set_catalog(hello.catalog);
                hub = Some(adopted);
            }
            ServerMessage::Frame(frame) => {
                let Some(hub) = &hub else {
                    let _ = socket.close(Some(close(1008, "hello must come before frames"))).await;
                    return "a frame before hello".into();
                };
                match frame_check::check(&frame, &link.name, now_ms()) {
                    Ok(()) => {}
                    Err(Refusal::Foreign(reason) | Refusal::Unshowable(reason)) => {
                        let _ = socket.close(Some(close(1008, &reason))).await;
                        return reason;
                    }
                    // Dropped, the link stays; the hub's history restarts at the next frame.
                    Err(Refusal::Untimely(reason)) => {
                        if !warned_time {
                            tracing::warn!(host = %link.claim.id(), "{reason}: dropped (said once a link)");
                            warned_time = true;
                        }
                        continue;
                    }
                }
                if let Err(reason) = budget.frame(&frame) {
                    return refuse(&mut socket, link, reason).await;
                }
                let ingested = match as_sent(link.same_wire, &text) {
                    Some(text) => hub.ingest_text(frame, text),
                    None => hub.ingest(frame),
                };
                if let Some(shared) = ingested {
                    if let Some(redis) = &link.shared {
                        redis.frame(hub.epoch(), &shared);
                    }
                    hub.fanout().deliver_frame(shared.frame.seq, &shared.ws).await;
                }
            }
            ServerMessage::Heartbeat(_) => {
                if let Some(hub) = &hub {
                    let seq = hub.newest_seq();
                    hub.fanout().deliver_heartbeat(seq, &encode_text(&hub.heartbeat(seq))).await;
                }
            }
            // The hub's history restarts at the next frame: clients get their own gap.
            ServerMessage::Gap(gap) => tracing::warn!(host = %link.claim.id(), ?gap, "an agent lost frames"),
            ServerMessage::Bye(_) => return "the agent is restarting".into(),
            // An agent's stream never asks for alerts or the hub's status, nor
            // subscribes; one that came is nothing to the hub.
            ServerMessage::Alerts(_) | ServerMessage::Hub(_) | ServerMessage::Error(_) => {}
        }
    }
}

/// The agent's own text for a frame, when it is what the hub would write: an
/// agent of the hub's protocol version serialises frames with this same code
/// (its local hub's), so the bytes are the same and need not be made again. A
/// message that does not start as the hub's do, or that spans lines (an SSE
/// event and a history block hold one frame a line), is serialised again.
fn as_sent(same_wire: bool, text: &str) -> Option<&str> {
    const HEAD: &str = r#"{"type":"frame","#;
    // One vectorised pass for both bytes (`contains` twice was core's
    // word-at-a-time search, twice over the message: 1 % of the hub's time).
    let one_line = memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_none();
    (same_wire && text.starts_with(HEAD) && one_line).then_some(text)
}

/// Closes the link with 1008 and `reason`, said once in the log: what an agent
/// would cost beyond its series budget is refused before it reaches the hub.
async fn refuse(socket: &mut Socket, link: &Link, reason: String) -> String {
    tracing::warn!(host = %link.claim.id(), "{reason}: the link is closed");
    let _ = socket.close(Some(close(1008, &reason))).await;
    reason
}

/// Acknowledges what `hub` stored, when that moved on since `acked` (and the
/// write went through). Anything tungstenite has queued (a pong) goes with it.
async fn acknowledge(socket: &mut Socket, hub: Option<&Hub>, acked: &mut u64) {
    let newest = hub.map_or(0, Hub::stored_seq);
    if newest != *acked && send(socket, &AgentReply::Ack { seq: newest }).await.is_ok() {
        *acked = newest;
    }
}

/// Resolves once another hub holds this link's claim (with `--redis`; never
/// without, nor once the claim's renewals have ended).
async fn taken(held: &mut Option<tokio::sync::watch::Receiver<bool>>) {
    if let Some(held) = held {
        if held.wait_for(|held| !*held).await.is_ok() {
            return;
        }
    }
    std::future::pending().await
}

/// Resolves once the server starts shutting down.
async fn stopping(shutdown: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

async fn send(socket: &mut Socket, reply: &AgentReply) -> Result<(), ()> {
    let text = serde_json::to_string(reply).map_err(|_| ())?;
    tokio::time::timeout(Duration::from_secs(10), socket.send(Message::Text(text.into())))
        .await
        .map_err(|_| ())?
        .map_err(|_| ())
}

fn close(code: u16, reason: &str) -> CloseFrame {
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    CloseFrame { code: CloseCode::from(code), reason: reason[..end].to_owned().into() }
}

#[cfg(test)]
mod tests {
    use super::as_sent;

    #[test]
    fn only_a_same_version_one_line_frame_is_kept_as_sent() {
        let frame = r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{}}"#;
        let cases = [
            // what, same protocol version, text, kept
            ("a frame as the hub writes it", true, frame, true),
            ("an agent of another version", false, frame, false),
            ("spaced", true, r#"{ "type":"frame","seq":1}"#, false),
            ("type not first", true, r#"{"seq":1,"type":"frame"}"#, false),
            ("over two lines", true, "{\"type\":\"frame\",\n\"seq\":1}", false),
            ("a carriage return", true, "{\"type\":\"frame\",\r\"seq\":1}", false),
        ];
        for (what, same_wire, text, kept) in cases {
            assert_eq!(as_sent(same_wire, text).is_some(), kept, "{what}");
        }
    }
}
