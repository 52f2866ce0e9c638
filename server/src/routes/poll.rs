//! `GET /api/v1/poll?since=SEQ&epoch=E&wait=SECONDS[&hello=1]`: polling and long-polling.
//!
//! `wait=0` answers at once; `wait>0` holds the request until a frame arrives or
//! the wait (at most [`MAX_WAIT`] s) runs out, then answers with no messages: that
//! empty answer is the long-poll heartbeat. With `alerts=REV` an answer also
//! carries the live alerts when they are another revision than `REV`, and a new
//! set ends a long-poll's wait; `hub=REV` does the same for the hub status; `next` counts frames only. The body is a [`PollResponse`] whose
//! messages are the JSON the hub serialised, written as they are.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use pulse_protocol::{Epoch, Gap, PollResponse, ServerMessage};
use serde_json::value::RawValue;

use super::feed::json;
use super::notices::Notices;
use super::params::Params;
use crate::access::grant::Grant;
use crate::error::AppError;
use crate::history::SharedFrame;
use crate::state::AppState;

/// The longest a long-poll is held, in seconds.
pub const MAX_WAIT: f64 = 30.0;

/// Answers a poll.
pub async fn handler(
    State(state): State<AppState>,
    grant: Option<Extension<Grant>>,
    params: Params,
) -> Result<Response, AppError> {
    let cursor = params.cursor()?;
    let mut notices = Notices::new(&state, &params, grant.as_ref().map(|Extension(grant)| grant))?;
    let wait = params.wait_seconds(MAX_WAIT)?;
    let (id, hub) = state.stream_hub(&params)?;
    let hub = &hub;
    let mut subscription = hub.subscribe(cursor.as_ref());
    let mut messages: Vec<String> = Vec::new();
    let mut frames: Vec<Arc<SharedFrame>> = subscription.resume.backlog;
    // Where the client stands if no frame is sent: its own cursor within this epoch.
    let mut standing = subscription.seq;

    match &cursor {
        None => {
            messages.push(hub.hello(&subscription.catalog, subscription.seq, &id));
            frames = hub.frames_after(subscription.seq.saturating_sub(1));
        }
        Some(cursor) if &cursor.epoch != hub.epoch() => {
            messages.push(hub.hello(&subscription.catalog, subscription.seq, &id))
        }
        Some(cursor) => {
            standing = standing_after(cursor.seq, subscription.after, subscription.resume.gap.as_ref());
            // A client starting a new poll session resumes with a cursor but still
            // needs to know the server (heartbeat, catalogue): `hello=1` asks for it.
            if params.get("hello").is_some() {
                messages.push(hub.hello(&subscription.catalog, subscription.seq, &id));
            }
        }
    }
    if let Some(gap) = subscription.resume.gap {
        messages.push(json(&ServerMessage::Gap(gap)));
    }
    messages.extend(std::iter::from_fn(|| notices.due()));

    if messages.is_empty() && frames.is_empty() && wait > 0.0 {
        let _slot = state.slot()?;
        let mut shutdown = hub.shutdown_signal();
        let deadline = Duration::from_secs_f64(wait);
        tokio::select! {
            _ = tokio::time::timeout(deadline, subscription.live.recv()) => {}
            () = notices.changed() => messages.extend(std::iter::from_fn(|| notices.due())),
            _ = shutdown.changed() => {
                return Err(AppError::Unavailable { reason: "the server is restarting", retry_after: state.retry_secs() });
            }
        }
        frames = hub.frames_after(standing);
    }

    let next = frames.last().map_or(standing, |f| f.frame.seq);
    body(hub.epoch(), next, &messages, &frames)
}

/// The [`PollResponse`]: `messages`, then `frames`, each as the hub serialised it.
/// Where a client with a cursor at `cursor` of this epoch stands when no frame is
/// sent, the newest frame being `after`. A cursor a little ahead of the newest
/// (an agent is replaying what a restarted hub lost) waits for the frames after
/// it; one far ahead is taken as "from now", as WebSocket and SSE take it. After
/// a `gap` it stands past the hole, as WebSocket and SSE do: a stream whose
/// frames were not kept (a fleet summary nobody watched) has no frame to move the
/// cursor, and the next poll would report the same hole again, forever.
fn standing_after(cursor: u64, after: u64, gap: Option<&Gap>) -> u64 {
    let standing = cursor.min(after);
    gap.map_or(standing, |gap| standing.max(gap.next_seq.saturating_sub(1)))
}

fn body(epoch: &Epoch, next: u64, messages: &[String], frames: &[Arc<SharedFrame>]) -> Result<Response, AppError> {
    let items = messages.iter().map(String::as_str).chain(frames.iter().map(|f| f.json.as_str()));
    // Each item is checked to be one JSON value (never refused: the hub wrote it).
    let messages = items
        .map(serde_json::from_str::<&RawValue>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| AppError::Internal("a message did not serialise"))?;
    let mut response = Json(PollResponse { epoch: epoch.clone(), next, messages }).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulse_protocol::{GapReason, Heartbeat};

    #[test]
    fn a_client_stands_at_its_cursor_or_past_the_hole_it_was_told_of() {
        let gap = |next_seq| Gap { reason: GapReason::TooOld, next_seq, missed: None };
        let cases = [
            // what, cursor, newest, gap's next seq, where the client stands
            ("behind, frames follow", 4, 66, None, 4),
            ("a little ahead: waits for the frames after it", 70, 66, None, 66),
            ("told of a hole with no frame kept after it", 4, 66, Some(67), 66),
            ("told of a hole, frames kept after it", 4, 66, Some(40), 39),
            ("a gap before its own cursor moves nothing back", 50, 66, Some(10), 50),
        ];
        for (what, cursor, after, next_seq, standing) in cases {
            assert_eq!(standing_after(cursor, after, next_seq.map(gap).as_ref()), standing, "{what}");
        }
    }

    #[tokio::test]
    async fn the_body_is_the_poll_response_serde_writes() {
        let epoch = Epoch("ab12".into());
        let typed = PollResponse {
            epoch: epoch.clone(),
            next: 7,
            messages: vec![
                ServerMessage::Gap(Gap { reason: GapReason::TooOld, next_seq: 3, missed: Some(2) }),
                ServerMessage::Heartbeat(Heartbeat { seq: 7, ts: 9 }),
            ],
        };
        let serialised: Vec<String> = typed.messages.iter().map(json).collect();
        let response = body(&epoch, 7, &serialised, &[]).expect("a body");
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("the body");
        assert_eq!(std::str::from_utf8(&bytes), Ok(serde_json::to_string(&typed).expect("json").as_str()));
        let read: PollResponse = pulse_protocol::from_json(std::str::from_utf8(&bytes).expect("utf-8")).expect("read");
        assert_eq!(read, typed);
    }
}
