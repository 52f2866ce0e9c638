//! `GET /api/v1/sse`: the Server-Sent Events transport.
//!
//! Every message is a default-type `data:` event, so `EventSource.onmessage` sees
//! all of them, heartbeats included (comments never reach the page). Frames carry
//! `id: EPOCH:SEQ`, so the browser's own `Last-Event-ID` resumes exactly; the live
//! alerts (`alerts=REV`) and the hub status (`hub=REV`) come after `hello` and on
//! every change, without an `id`,
//! so they never move that cursor. Events are written as they come: the body is a
//! stream, never buffered or compressed.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::{stream, Stream, StreamExt};
use pulse_protocol::Cursor;

use super::feed::{Feed, Outgoing};
use super::notices::Notices;
use super::params::{bad, shown, Params};
use crate::access::grant::Grant;
use crate::error::AppError;
use crate::listen::conn::Peer;
use crate::state::{AppState, Slot};

/// Opens the event stream after checking the cursor and the cap (`origin::cors` has
/// checked the origin).
pub async fn handler(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<Peer>>>,
    grant: Option<Extension<Grant>>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, AppError> {
    let notices = Notices::new(&state, &params, grant.as_ref().map(|Extension(grant)| grant))?;
    // An empty Last-Event-ID means "no event seen yet": fall back to the query.
    let cursor = match headers.get("last-event-id").filter(|value| !value.is_empty()) {
        Some(value) => Some(parse_last_event_id(value)?),
        None => params.cursor()?,
    };
    let slot = state.slot()?;
    // A client that stops reading is cut by the watchdog, ending this stream.
    if let Some(Extension(ConnectInfo(peer))) = peer {
        peer.watch_reading();
    }
    let (id, hub) = state.stream_hub(&params)?;
    let feed = Feed::new(hub, &id, cursor.as_ref(), state.retry);
    let first = Bytes::from(format!("retry: {}\n\n", feed.retry_ms()));
    let body = stream::once(async move { Ok::<_, Infallible>(first) }).chain(events(feed, notices, slot));
    let mut response = Body::from_stream(body).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

fn parse_last_event_id(value: &HeaderValue) -> Result<Cursor, AppError> {
    let text = value.to_str().unwrap_or("");
    text.parse::<Cursor>().map_err(|e| bad(format!("Last-Event-ID {} is not a resume token: {e}", shown(text))))
}

/// The feed as body chunks, with the notices (live alerts, hub status) once `hello` is out; the
/// connection slot lives as long as the stream.
fn events(feed: Feed, notices: Notices, slot: Slot) -> impl Stream<Item = Result<Bytes, Infallible>> + Send {
    let hello_sent = false;
    stream::unfold((feed, notices, hello_sent, slot), |(mut feed, mut notices, hello_sent, slot)| async move {
        let outgoing = loop {
            if let Some(json) = hello_sent.then(|| notices.due()).flatten() {
                return Some((Ok(Bytes::from(format!("data: {json}\n\n"))), (feed, notices, hello_sent, slot)));
            }
            tokio::select! {
                biased;
                outgoing = feed.next() => break outgoing?,
                () = notices.changed(), if hello_sent => {}
            }
        };
        let chunk = match outgoing {
            Outgoing::Json(json) => Bytes::from(format!("data: {json}\n\n")),
            Outgoing::Frame(frame) => frame.sse(feed.epoch()),
            Outgoing::Bye(json) => Bytes::from(format!("retry: {}\ndata: {json}\n\n", feed.retry_ms())),
        };
        Some((Ok(chunk), (feed, notices, true, slot)))
    })
}
