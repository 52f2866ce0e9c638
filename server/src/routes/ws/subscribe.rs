//! `{"type":"subscribe","v":1,"host":ID,"resume":{"epoch":E,"seq":N}}`: the
//! socket's stream becomes another host's (or the `@fleet` summary's), so a page
//! that moves between the fleet and a host keeps its one connection.
//!
//! The switch, in order: the fan-out stops writing the old stream (the client
//! leaves direct mode) and what it queued is written out; the socket gets a new
//! [`crate::fanout::Subscriber`] (the old one is closed, so the old hub's fan-out
//! drops it); then the new stream opens exactly as a new socket's would: `hello`
//! (naming the host by the id the subscribe gave), a gap if the cursor cannot be resumed, the backlog, and the
//! client joins the new hub's fan-out after catching up. So the page sees nothing
//! of the old stream after the new `hello`, and the new one without a hole or a
//! duplicate. A subscribe that cannot be done (malformed, a newer version, an
//! unknown host, one the credential may not read) is answered with an `error`
//! message and the old stream goes on; the socket stays open.
//!
//! A socket may subscribe [`budget::BURST`] times at once, then
//! [`budget::PER_SECOND`] a second (`subscribe/budget`): each may read history,
//! even the store. Beyond, the subscribe is refused (`rate_limited`); a socket that
//! keeps on is closed with the policy code.

mod budget;

use std::time::Instant;

use pulse_protocol::{ApiError, ServerMessage, Subscribe, SUBSCRIBE_VERSION};
use serde::Deserialize;

pub(super) use budget::Budget;
use budget::{Verdict, BURST, PER_SECOND};

use super::{close, open_stream, send, timed, Client, Socket, CLOSE_POLICY};
use crate::access::grant::{allows, Need, Refusal};
use crate::error::AppError;
use crate::quote::shown;
use crate::routes::feed::json;

/// What a client's text message asks for, as far as subscriptions go.
pub(super) enum Asked {
    /// A subscribe to carry out.
    Subscribe(Subscribe),
    /// A subscribe that cannot be read: answered with this error.
    Malformed(String),
    /// Not a subscribe: the caller reads it as before.
    Other,
}

/// Reads `text` as a subscribe, if its `type` says it is one.
pub(super) fn asked(text: &str) -> Asked {
    #[derive(Deserialize)]
    struct Typed<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<&'a str>,
    }
    match serde_json::from_str::<Typed>(text) {
        Ok(Typed { kind: Some("subscribe") }) => match serde_json::from_str::<Subscribe>(text) {
            Ok(subscribe) => Asked::Subscribe(subscribe),
            Err(error) => Asked::Malformed(format!(
                "a subscribe must be {{\"type\":\"subscribe\",\"v\":{SUBSCRIBE_VERSION},\"host\":ID[,\"resume\":\
                 {{\"epoch\":E,\"seq\":N}}]}}: {error}"
            )),
        },
        _ => Asked::Other,
    }
}

/// Carries out `subscribe` on `socket`, or answers why it cannot; false when the
/// connection must end (the socket failed).
pub(super) async fn switch(socket: &mut Socket, client: &mut Client, subscribe: Subscribe) -> bool {
    let verdict = client.budget.take(Instant::now());
    if verdict != Verdict::Go {
        let limit = format!("at most {BURST} subscribes at once, then {PER_SECOND} a second, on one socket");
        let alive = refuse(socket, AppError::RateLimited(format!("too many subscribes: {limit}"))).await;
        if alive && verdict == Verdict::Close {
            tracing::debug!("a WebSocket client kept subscribing beyond its limit; closed");
            close(socket, &client.subscriber, CLOSE_POLICY, "too many subscribes").await;
            linger(socket).await;
            return false;
        }
        return alive;
    }
    let hub = match check(client, &subscribe) {
        Ok(hub) => hub,
        Err(refusal) => return refuse(socket, refusal).await,
    };
    // The old stream ends here: the fan-out writes no more of it, and what it queued
    // goes out before the new stream's hello.
    client.subscriber.leave_direct();
    if !timed(futures_util::SinkExt::flush(socket)).await {
        return false;
    }
    let start = hub.start(subscribe.resume.as_ref());
    let last_sent = start.resume.backlog.last().map_or(start.after, |frame| frame.frame.seq);
    let Some(subscriber) = socket.get_mut().resubscribe(last_sent) else {
        return false;
    };
    tracing::debug!(host = %subscribe.host, "a WebSocket client changed its stream");
    client.hub = hub;
    client.host = subscribe.host;
    client.subscriber = subscriber;
    open_stream(socket, client, &start).await
}

/// The hub of the host `subscribe` names, if this client may read it.
fn check(client: &Client, subscribe: &Subscribe) -> Result<std::sync::Arc<crate::hub::Hub>, AppError> {
    if subscribe.v == 0 || subscribe.v > SUBSCRIBE_VERSION {
        return Err(AppError::BadRequest(format!(
            "subscribe version {} is not one this hub takes (1 to {SUBSCRIBE_VERSION}): upgrade the hub",
            subscribe.v
        )));
    }
    if let Err(refusal) = allows(client.grant.as_ref(), Need::ReadHost, Some(&subscribe.host)) {
        return Err(match refusal {
            Refusal::SignIn => {
                AppError::Unauthorized(format!("showing host {} needs a sign-in", shown(&subscribe.host)))
            }
            Refusal::Forbidden(why) => AppError::Forbidden(why),
        });
    }
    Ok(client.state.fleet.stream_hub(Some(&subscribe.host), subscribe.columns)?.1)
}

/// Answers a subscribe that cannot be done; the old stream goes on.
pub(super) async fn refuse(socket: &mut Socket, refusal: AppError) -> bool {
    let (_, error) = refusal.code();
    let message = ServerMessage::Error(ApiError { error: error.to_owned(), detail: refusal.to_string() });
    send(socket, tokio_tungstenite::tungstenite::Message::Text(json(&message).into())).await
}

/// The most a closing socket's unread messages are read and dropped, in count and time.
const LINGER: (usize, std::time::Duration) = (4_096, std::time::Duration::from_secs(2));

/// Reads and drops what the client still sends after our close frame, until its
/// own close (bounded by [`LINGER`]): a socket closed with unread bytes is reset,
/// and a reset throws away the close frame and the errors before it.
async fn linger(socket: &mut Socket) {
    use futures_util::StreamExt;
    let drain = async {
        for _ in 0..LINGER.0 {
            match socket.next().await {
                Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    };
    let _ = tokio::time::timeout(LINGER.1, drain).await;
}
