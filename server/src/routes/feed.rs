//! What a streaming connection sends, in order: `hello`, an optional `gap`, the
//! backlog after the client's cursor, then live frames and heartbeats, and `bye` when
//! the server shuts down. The SSE handler's; WebSocket clients take live frames
//! from the fan-out instead (`routes/ws.rs`).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use pulse_protocol::{Bye, Cursor, ServerMessage};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tokio::time::{Instant, Sleep};
use tokio_stream::wrappers::WatchStream;
use tokio_stream::StreamExt;

pub use crate::hub::to_json as json;

use crate::history::{lagged_gap, SharedFrame};
use crate::hub::Hub;

/// One thing to send.
pub enum Outgoing {
    /// A message serialised for this connection (hello, gap, heartbeat).
    Json(String),
    /// A frame serialised once for everyone.
    Frame(Arc<SharedFrame>),
    /// The server is going away; the connection ends after this.
    Bye(String),
}

/// The sequence of messages for one connection.
pub struct Feed {
    hub: Arc<Hub>,
    queue: VecDeque<Outgoing>,
    live: broadcast::Receiver<Arc<SharedFrame>>,
    shutdown: watch::Receiver<bool>,
    /// Wakes the feed when shutdown starts. A stream, so its wait stays registered
    /// between calls instead of joining and leaving the watch's waiter list per frame.
    shutdown_changes: WatchStream<bool>,
    /// The newest seq this connection has been given.
    last_sent: u64,
    /// When something was last handed out: a heartbeat is due one interval later.
    quiet_since: Instant,
    /// The heartbeat timer: one per connection, moved rather than re-created. Moving
    /// a registered timer later is one atomic store (the timer wheel re-files it when
    /// the old deadline comes), so a frame costs no timer registration.
    heartbeat_timer: Pin<Box<Sleep>>,
    retry_ms: u64,
    done: bool,
}

impl Feed {
    /// Subscribes to host `id`'s stream (`hub`), resuming after `cursor` when given.
    pub fn new(hub: Arc<Hub>, id: &str, cursor: Option<&Cursor>, retry: Duration) -> Self {
        let subscription = hub.subscribe(cursor);
        let mut queue = VecDeque::from([Outgoing::Json(hub.hello(&subscription.catalog, subscription.seq, id))]);
        let mut last_sent = subscription.after;
        if let Some(gap) = subscription.resume.gap {
            queue.push_back(Outgoing::Json(json(&ServerMessage::Gap(gap))));
        }
        for frame in subscription.resume.backlog {
            last_sent = frame.frame.seq;
            queue.push_back(Outgoing::Frame(frame));
        }
        let shutdown = hub.shutdown_signal();
        let shutdown_changes = WatchStream::from_changes(shutdown.clone());
        let quiet_since = Instant::now();
        let heartbeat_timer = Box::pin(tokio::time::sleep_until(quiet_since + hub.timing().heartbeat));
        Feed {
            hub,
            queue,
            live: subscription.live,
            shutdown,
            shutdown_changes,
            last_sent,
            quiet_since,
            heartbeat_timer,
            retry_ms: retry.as_millis() as u64,
            done: false,
        }
    }

    /// The next thing to send; `None` when the feed has ended. Cancel-safe: a
    /// dropped call loses nothing.
    pub async fn next(&mut self) -> Option<Outgoing> {
        let item = self.next_item().await;
        self.quiet_since = Instant::now();
        item
    }

    async fn next_item(&mut self) -> Option<Outgoing> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            if *self.shutdown.borrow() {
                return Some(self.bye());
            }
            let heartbeat_due = self.quiet_since + self.hub.timing().heartbeat;
            if self.heartbeat_timer.deadline() != heartbeat_due {
                self.heartbeat_timer.as_mut().reset(heartbeat_due);
            }
            tokio::select! {
                biased;
                received = self.live.recv() => match received {
                    Ok(frame) if frame.frame.seq > self.last_sent => {
                        self.last_sent = frame.frame.seq;
                        return Some(Outgoing::Frame(frame));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => self.refill(),
                    Err(RecvError::Closed) => return Some(self.bye()),
                },
                _ = self.shutdown_changes.next() => return Some(self.bye()),
                _ = self.heartbeat_timer.as_mut() => return Some(self.heartbeat()),
            }
        }
    }

    /// A heartbeat to send now (also the answer to a client's ping).
    pub fn heartbeat(&mut self) -> Outgoing {
        self.quiet_since = Instant::now();
        Outgoing::Json(self.hub.heartbeat(self.hub.newest_seq()))
    }

    /// The epoch of the hub it follows (an SSE event's id names it).
    pub fn epoch(&self) -> &pulse_protocol::Epoch {
        self.hub.epoch()
    }

    /// The retry hint sent with `bye`, in ms.
    pub fn retry_ms(&self) -> u64 {
        self.retry_ms
    }

    /// After falling behind the broadcast: take what history still has, and mark a
    /// gap only if some frames are gone from it too.
    fn refill(&mut self) {
        // Resubscribe first: frames published meanwhile come through both ways and
        // the seq check in `next` drops the second copy, so nothing falls between.
        self.live = self.live.resubscribe();
        let frames = self.hub.frames_after(self.last_sent);
        if let Some(gap) = lagged_gap(self.last_sent, &frames) {
            self.queue.push_back(Outgoing::Json(json(&ServerMessage::Gap(gap))));
        }
        for frame in frames {
            self.last_sent = frame.frame.seq;
            self.queue.push_back(Outgoing::Frame(frame));
        }
    }

    fn bye(&mut self) -> Outgoing {
        self.done = true;
        self.queue.clear();
        Outgoing::Bye(json(&ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms: self.retry_ms })))
    }
}

#[cfg(test)]
mod tests;
