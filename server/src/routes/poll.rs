//! `GET /api/v1/poll?since=SEQ&epoch=E&wait=SECONDS[&hello=1]`: polling and long-polling.
//!
//! `wait=0` answers at once; `wait>0` holds the request until a frame arrives or
//! the wait (at most [`MAX_WAIT`] s) runs out, then answers with no messages: that
//! empty answer is the long-poll heartbeat. Frames are spliced into the body as the
//! hub serialised them.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::feed::json;
use super::params::Params;
use crate::error::AppError;
use crate::history::SharedFrame;
use crate::state::AppState;
use pulse_protocol::ServerMessage;

/// The longest a long-poll is held, in seconds.
pub const MAX_WAIT: f64 = 30.0;

/// Answers a poll.
pub async fn handler(State(state): State<AppState>, params: Params) -> Result<Response, AppError> {
    let cursor = params.cursor()?;
    let wait = params.wait_seconds(MAX_WAIT)?;
    let hub = &state.hub_for(params.get("host"))?;
    let mut subscription = hub.subscribe(cursor.as_ref());
    let mut messages: Vec<String> = Vec::new();
    let mut frames: Vec<Arc<SharedFrame>> = subscription.resume.backlog;
    // Where the client stands if no frame is sent: its own cursor within this epoch.
    let mut standing = subscription.seq;

    match &cursor {
        None => {
            messages.push(hub.hello(&subscription.catalog, subscription.seq));
            frames = hub.frames_after(subscription.seq.saturating_sub(1));
        }
        Some(cursor) if &cursor.epoch != hub.epoch() => {
            messages.push(hub.hello(&subscription.catalog, subscription.seq))
        }
        Some(cursor) => {
            // A cursor ahead of the newest frame (same epoch) is taken as "from now",
            // as WebSocket and SSE take it: waiting for frames after it could only
            // ever answer empty.
            standing = cursor.seq.min(subscription.seq);
            // A client starting a new poll session resumes with a cursor but still
            // needs to know the server (heartbeat, catalogue): `hello=1` asks for it.
            if params.get("hello").is_some() {
                messages.push(hub.hello(&subscription.catalog, subscription.seq));
            }
        }
    }
    if let Some(gap) = subscription.resume.gap {
        messages.push(json(&ServerMessage::Gap(gap)));
    }

    if messages.is_empty() && frames.is_empty() && wait > 0.0 {
        let _slot = state.slot()?;
        let mut shutdown = hub.shutdown_signal();
        let deadline = Duration::from_secs_f64(wait);
        tokio::select! {
            _ = tokio::time::timeout(deadline, subscription.live.recv()) => {}
            _ = shutdown.changed() => {
                return Err(AppError::Unavailable { reason: "the server is restarting", retry_after: state.retry_secs() });
            }
        }
        frames = hub.frames_after(standing);
    }

    let next = frames.last().map_or(standing, |f| f.frame.seq);
    Ok(body(&hub.epoch().0, next, &messages, &frames))
}

/// `{"epoch":…,"next":…,"messages":[…]}` with frames spliced in as serialised.
fn body(epoch: &str, next: u64, messages: &[String], frames: &[Arc<SharedFrame>]) -> Response {
    let size: usize =
        messages.iter().map(String::len).sum::<usize>() + frames.iter().map(|f| f.json.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(size + 64);
    out.push_str("{\"epoch\":");
    // An epoch is `[0-9a-z]` only (see `Epoch::parse`), so it needs no escaping.
    out.push('"');
    out.push_str(epoch);
    out.push('"');
    out.push_str(",\"next\":");
    out.push_str(&next.to_string());
    out.push_str(",\"messages\":[");
    let items = messages.iter().map(String::as_str).chain(frames.iter().map(|f| f.json.as_str()));
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push_str("]}");
    let mut response = out.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
