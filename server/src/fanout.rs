//! Delivers each live frame to every caught-up WebSocket client by writing its bytes
//! straight to the client's socket, from the one task that publishes frames.
//!
//! A WebSocket frame from server to client is not masked, so the bytes of one message
//! are the same for every client: the hub encodes each frame once
//! ([`encode_text`]) and the fan-out hands those bytes to each socket with one
//! non-blocking `send`. No connection task is woken, polled or scheduled for a frame
//! that the kernel takes whole; on this machine the send itself is most of the cost
//! of a delivered message, so this is near the floor of what a message can cost.
//!
//! A client's own task still does everything else: the handshake, `hello` and the
//! resume backlog, reading, answering pings, and catching up from history when the
//! fan-out had to skip it (see [`Subscriber`] for the rules that keep every client's
//! frames in order, without holes or duplicates).

mod subscriber;

use std::sync::{Arc, Mutex, MutexGuard};

use bytes::{BufMut, Bytes, BytesMut};

pub use subscriber::{Outbox, Subscriber, MAX_QUEUED_BYTES};

/// How many sockets are written before the fan-out lets other tasks run: a burst to
/// 15,000 clients takes tens of milliseconds, and a new connection or a poll should
/// not wait for all of it.
const BATCH: usize = 256;

/// Every WebSocket client that receives live frames.
#[derive(Default)]
pub struct Fanout {
    subscribers: Mutex<Vec<Arc<Subscriber>>>,
}

impl Fanout {
    /// Adds a client; it receives frames once its task has put it in direct mode
    /// ([`Subscriber::try_go_direct`]), and is forgotten once closed. Closed ones
    /// are dropped here too, not only at each delivery: a quiet host (one that is
    /// down) delivers nothing, and a socket that subscribes to it again and again
    /// would otherwise leave one closed entry per subscribe.
    pub fn add(&self, subscriber: Arc<Subscriber>) {
        let mut subscribers = self.lock();
        subscribers.retain(|subscriber| subscriber.is_open());
        subscribers.push(subscriber);
    }

    /// Whether no client is registered (closed ones are dropped at each delivery).
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Whether an open client is registered (closed ones are dropped here too:
    /// a stream with no frames to deliver drops none at delivery).
    pub fn has_open(&self) -> bool {
        let mut subscribers = self.lock();
        subscribers.retain(|subscriber| subscriber.is_open());
        !subscribers.is_empty()
    }

    /// Offers frame `seq` (its complete WebSocket message, `bytes`) to every client.
    pub async fn deliver_frame(&self, seq: u64, bytes: &Bytes) {
        self.each(|subscriber| subscriber.offer_frame(seq, bytes)).await;
    }

    /// Offers a heartbeat (`bytes`, saying the newest seq is `seq`) to every client
    /// that has that frame and nothing waiting.
    pub async fn deliver_heartbeat(&self, seq: u64, bytes: &Bytes) {
        self.each(|subscriber| subscriber.offer_heartbeat(seq, bytes)).await;
    }

    /// Runs `offer` for every open client, letting other tasks run between batches.
    async fn each(&self, offer: impl Fn(&Subscriber)) {
        let subscribers = self.snapshot();
        for batch in subscribers.chunks(BATCH) {
            for subscriber in batch {
                offer(subscriber);
            }
            tokio::task::yield_now().await;
        }
    }

    /// The open clients, with closed ones dropped from the set. A copy, so that the
    /// set's lock is not held while sockets are written (and across yields).
    fn snapshot(&self) -> Vec<Arc<Subscriber>> {
        let mut subscribers = self.lock();
        subscribers.retain(|subscriber| subscriber.is_open());
        subscribers.clone()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Arc<Subscriber>>> {
        // The set is one Vec whose operations cannot be left half done.
        self.subscribers.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// `text` as one complete, unmasked WebSocket text message (RFC 6455 §5.2), as a
/// server sends it.
pub fn encode_text(text: &str) -> Bytes {
    let payload = text.as_bytes();
    let mut out = BytesMut::with_capacity(payload.len() + 10);
    out.put_u8(0x81); // FIN, opcode 1 (text)
    match payload.len() {
        len @ 0..=125 => out.put_u8(len as u8),
        len @ 126..=0xFFFF => {
            out.put_u8(126);
            out.put_u16(len as u16);
        }
        len => {
            out.put_u8(127);
            out.put_u64(len as u64);
        }
    }
    out.put_slice(payload);
    out.freeze()
}

/// Where the text of a message made by [`encode_text`] starts.
pub fn text_offset(encoded: &[u8]) -> usize {
    match encoded.get(1) {
        Some(126) => 4,
        Some(127) => 10,
        _ => 2,
    }
}

#[cfg(test)]
mod tests;
