//! One open link to a hub: wait for the hub's `resume`, then send the local hub's
//! feed from that cursor (hello, gap, backlog from the buffer, live frames,
//! heartbeats) as WebSocket text messages, exactly as a browser would get them.
//! Pings show the hub is still there; a stop closes the link with a close frame.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use pulse_protocol::{AgentReply, Cursor};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Bytes, Message};

use super::dial::Socket;
use crate::hub::Hub;
use crate::routes::feed::{Feed, Outgoing};

/// The longest the hub may take to say where to resume.
pub const RESUME_WAIT: Duration = Duration::from_secs(10);
/// How often the agent pings the hub.
pub const PING_EVERY: Duration = Duration::from_secs(5);
/// A hub silent this long (no pong, no ack) is taken for gone.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(20);
/// The longest one message may wait for the socket.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the hub gets to answer the agent's close frame.
pub const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// How a link ended.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkEnd {
    /// The agent was asked to stop and closed the link.
    Stopped,
    /// The link failed or the hub closed it: reconnect.
    Lost(String),
}

/// Runs the link for host `id` (its `hello`s name it) until it fails or `stop`
/// turns true.
pub async fn run(socket: Socket, hub: Arc<Hub>, id: &str, mut stop: watch::Receiver<bool>) -> LinkEnd {
    let (mut sink, mut stream) = socket.split();
    let cursor = tokio::select! {
        cursor = resume_cursor(&mut stream, &hub) => cursor,
        _ = stop.wait_for(|stopped| *stopped) => return close(sink, stream).await,
    };
    let cursor = match cursor {
        Ok(cursor) => cursor,
        Err(why) => return LinkEnd::Lost(why),
    };
    tracing::info!(epoch = %cursor.epoch, seq = cursor.seq, "the hub resumes this host's stream");
    // A catalogue that changes (an interface or a mount came or went) goes to the
    // hub in a new `hello` before the next frame: the hub learns it from nothing else.
    let mut revision = hub.catalog_revision();
    let mut feed = Feed::new(Arc::clone(&hub), id, Some(&cursor), Duration::from_secs(1));
    let mut heard = Instant::now();
    let mut pings = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    loop {
        let message = tokio::select! {
            _ = stop.wait_for(|stopped| *stopped) => return close(sink, stream).await,
            outgoing = feed.next() => match outgoing {
                Some(Outgoing::Frame(frame)) => {
                    if hub.catalog_revision() != revision {
                        revision = hub.catalog_revision();
                        let hello = hub.hello(&hub.catalog(), frame.frame.seq.saturating_sub(1), id);
                        if let Err(end) = send(&mut sink, Message::Text(hello.into())).await {
                            return end;
                        }
                    }
                    Message::Text(frame.json.clone())
                }
                Some(Outgoing::Json(json)) => Message::Text(json.into()),
                Some(Outgoing::Bye(_)) | None => return LinkEnd::Lost("the local sampler stopped".into()),
            },
            received = stream.next() => {
                heard = Instant::now();
                match received {
                    Some(Ok(Message::Text(text))) => {
                        answer(&text);
                        continue;
                    }
                    Some(Ok(Message::Close(frame))) => return LinkEnd::Lost(closed_by_hub(frame.as_ref())),
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => return LinkEnd::Lost(format!("the link failed: {error}")),
                    None => return LinkEnd::Lost("the hub closed the connection".into()),
                }
            }
            _ = pings.tick() => {
                if heard.elapsed() > SILENCE_LIMIT {
                    return LinkEnd::Lost(format!("no word from the hub for {} s", SILENCE_LIMIT.as_secs()));
                }
                Message::Ping(Bytes::new())
            }
        };
        if let Err(end) = send(&mut sink, message).await {
            return end;
        }
    }
}

/// Sends one message within [`SEND_TIMEOUT`].
async fn send(sink: &mut SplitSink<Socket, Message>, message: Message) -> Result<(), LinkEnd> {
    match tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(LinkEnd::Lost(format!("sending failed: {error}"))),
        Err(_) => Err(LinkEnd::Lost(format!("the hub took nothing for {} s", SEND_TIMEOUT.as_secs()))),
    }
}

/// Reads the hub's first message, `resume`, into the cursor to send from. A hub
/// that holds nothing of this host gets everything in the buffer, without a gap.
async fn resume_cursor(stream: &mut SplitStream<Socket>, hub: &Hub) -> Result<Cursor, String> {
    let first = tokio::time::timeout(RESUME_WAIT, stream.next())
        .await
        .map_err(|_| format!("the hub did not say where to resume within {} s", RESUME_WAIT.as_secs()))?;
    let text = match first {
        Some(Ok(Message::Text(text))) => text,
        Some(Ok(Message::Close(frame))) => return Err(closed_by_hub(frame.as_ref())),
        Some(Ok(other)) => return Err(format!("the hub sent {} bytes that are not a resume", other.len())),
        Some(Err(error)) => return Err(format!("the link failed: {error}")),
        None => return Err("the hub closed the connection before resuming".into()),
    };
    match serde_json::from_str::<AgentReply>(&text) {
        Ok(AgentReply::Resume { epoch: Some(epoch), seq }) => Ok(Cursor { epoch, seq }),
        Ok(AgentReply::Resume { epoch: None, .. }) => Ok(everything_held(hub)),
        Ok(AgentReply::Ack { .. }) => Err("the hub sent an ack before resuming".into()),
        Err(error) => Err(format!("the hub's first message is not a resume: {error}")),
    }
}

/// The cursor just before the oldest frame the buffer holds.
fn everything_held(hub: &Hub) -> Cursor {
    let oldest = hub.frames_after(0).first().map_or_else(|| hub.newest_seq() + 1, |frame| frame.frame.seq);
    Cursor { epoch: hub.epoch().clone(), seq: oldest.saturating_sub(1) }
}

/// Takes note of what the hub says after `resume`.
fn answer(text: &str) {
    match serde_json::from_str::<AgentReply>(text) {
        Ok(AgentReply::Ack { seq }) => tracing::debug!(seq, "the hub stored this host's frames"),
        Ok(reply) => tracing::debug!(?reply, "an unexpected reply from the hub"),
        Err(error) => tracing::debug!(%error, "an unreadable reply from the hub"),
    }
}

/// Sends a close frame (going away) and waits, briefly, for the hub's.
async fn close(mut sink: SplitSink<Socket, Message>, mut stream: SplitStream<Socket>) -> LinkEnd {
    let frame = CloseFrame { code: CloseCode::Away, reason: "agent stopping".into() };
    let closing = async {
        if sink.send(Message::Close(Some(frame))).await.is_ok() {
            // Bounded by the deadline: the hub answers the close, then the stream ends.
            while let Some(Ok(message)) = stream.next().await {
                if message.is_close() {
                    break;
                }
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_WAIT, closing).await;
    LinkEnd::Stopped
}

fn closed_by_hub(frame: Option<&CloseFrame>) -> String {
    match frame {
        Some(frame) => format!("the hub closed the link ({} {})", u16::from(frame.code), frame.reason),
        None => "the hub closed the link".into(),
    }
}
