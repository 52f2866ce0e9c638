//! Long-polling and polling: one request after another, each resuming from the
//! cursor the last answer gave. An empty long-poll answer is reported as a
//! heartbeat, so the engine sees a quiet but healthy link as alive.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::task::spawn_local;
use pulse_protocol::{Cursor, Heartbeat, PollResponse, ServerMessage};
use web_sys::AbortController;

use super::http::{fetch_json, HttpError};
use super::url::query;
use super::{ServerUrl, Sink};

/// How long the server may hold a long-poll, in seconds (below two heartbeats).
const LONG_POLL_WAIT: &str = "5";

/// A running request loop; closing aborts the request in flight.
pub struct PollTransport {
    stopped: Rc<Cell<bool>>,
    abort: Option<AbortController>,
}

impl PollTransport {
    /// Starts the loop: long-polls when `long`, else polls once per sampling interval.
    pub fn open(server: &ServerUrl, cursor: Option<&Cursor>, sink: Sink, long: bool) -> Self {
        let stopped = Rc::new(Cell::new(false));
        let abort = AbortController::new().ok();
        let signal = abort.as_ref().map(AbortController::signal);
        let server = server.clone();
        let mut cursor = cursor.cloned();
        let running = stopped.clone();
        spawn_local(async move {
            let mut first = true;
            let mut interval_ms = 1_000u32;
            while !running.get() {
                let mut extra = vec![("wait", if long && !first { LONG_POLL_WAIT } else { "0" })];
                if first {
                    extra.push(("hello", "1"));
                }
                let url = server.http(&format!("/api/v1/poll{}", query(cursor.as_ref(), &extra)));
                let result: Result<PollResponse, HttpError> = fetch_json(&url, signal.as_ref()).await;
                if running.get() {
                    return;
                }
                let response = match result {
                    Ok(response) => response,
                    Err(error) => {
                        let hint = match &error {
                            HttpError::Status { retry_after_ms, .. } => *retry_after_ms,
                            _ => None,
                        };
                        (sink.failed)(error.to_string(), hint);
                        return;
                    }
                };
                first = false;
                for message in &response.messages {
                    if let ServerMessage::Hello(hello) = message {
                        interval_ms = hello.interval_ms.clamp(100, 60_000) as u32;
                    }
                }
                let mut messages = response.messages;
                if messages.is_empty() {
                    messages.push(ServerMessage::Heartbeat(Heartbeat { seq: response.next, ts: 0 }));
                }
                cursor = Some(Cursor { epoch: response.epoch, seq: response.next });
                (sink.messages)(messages);
                if !long {
                    TimeoutFuture::new(interval_ms).await;
                }
            }
        });
        PollTransport { stopped, abort }
    }

    /// Stops the loop and aborts the request in flight.
    pub fn close(self) {
        self.stopped.set(true);
        if let Some(abort) = self.abort {
            abort.abort();
        }
    }
}
