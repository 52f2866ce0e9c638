//! Long-polling and polling: one request after another, each resuming from the
//! cursor the last answer gave. Long-poll asks the server to hold each request for
//! one heartbeat (`wait`); poll asks with `wait=0` once per sampling interval. An
//! empty answer (or one with only the live alerts, whose revision the next request
//! names, or the hub status) is reported as a heartbeat, so the engine sees a quiet but healthy
//! link as alive; a request that hangs is ended by the engine's dead-link timer,
//! which closes this transport and aborts the request in flight.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::task::spawn_local;
use pulse_protocol::{Cursor, Heartbeat, PollResponse, ServerMessage};
use web_sys::AbortController;

use super::http::{fetch_json, HttpError};
use super::url::query;
use super::{ServerUrl, Sink};

/// A running request loop; closing aborts the request in flight.
pub struct PollTransport {
    stopped: Rc<Cell<bool>>,
    abort: Option<AbortController>,
}

/// What the loop learns from hello.
struct Pace {
    /// Seconds a long-poll may be held: one heartbeat, within the server's 1..=30.
    wait_s: u64,
    /// Milliseconds between polls: the sampling interval.
    interval_ms: u32,
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
            let mut pace = Pace { wait_s: 5, interval_ms: 1_000 };
            // The live alerts' revision held: the hub sends a set only when it has another.
            let mut alerts_rev = 0u64;
            // The same for the hub status.
            let mut hub_rev = 0u64;
            while !running.get() {
                let wait = if long && !first { pace.wait_s.to_string() } else { "0".to_owned() };
                let (rev, hub) = (alerts_rev.to_string(), hub_rev.to_string());
                let mut extra =
                    vec![("wait", wait.as_str()), ("alerts", rev.as_str()), ("hub", hub.as_str()), super::url::COLUMNS];
                if first {
                    // A resuming request gets no hello unless it asks: the engine needs one.
                    extra.push(("hello", "1"));
                }
                let url = server.http(&format!("/api/v1/poll{}", query(cursor.as_ref(), &extra)));
                let result: Result<PollResponse, HttpError> = fetch_json(&url, signal.as_ref()).await;
                if running.get() {
                    return;
                }
                let response = match result {
                    Ok(response) => response,
                    Err(HttpError::Status { status: 401, detail, .. }) => {
                        (sink.unauthorized)(detail);
                        return;
                    }
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
                    match message {
                        ServerMessage::Hello(hello) => {
                            pace.wait_s = hello.heartbeat_ms.div_ceil(1_000).clamp(1, 30);
                            pace.interval_ms = hello.interval_ms.clamp(100, 60_000) as u32;
                        }
                        ServerMessage::Alerts(live) => alerts_rev = live.rev,
                        ServerMessage::Hub(status) => hub_rev = status.rev,
                        _ => {}
                    }
                }
                let mut messages = response.messages;
                // An answer with nothing but notices (a long-poll a new set of alerts
                // or a new hub status ended) still says the link is alive.
                if messages.iter().all(|m| matches!(m, ServerMessage::Alerts(_) | ServerMessage::Hub(_))) {
                    messages.push(ServerMessage::Heartbeat(Heartbeat { seq: response.next, ts: 0 }));
                }
                cursor = Some(Cursor { epoch: response.epoch, seq: response.next });
                (sink.messages)(messages);
                if !long {
                    TimeoutFuture::new(pace.interval_ms).await;
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
