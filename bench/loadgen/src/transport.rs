//! One client of each transport. Every transport has the same shape: connect,
//! call [`Client::up`] once the stream is really open, then hand every message to
//! the client until the connection ends (which is always an error here: the
//! load generator never closes first, it just exits).

pub mod longpoll;
pub mod socketio;
pub mod sse;
pub mod ws;

use std::rc::Rc;

use tokio::sync::OwnedSemaphorePermit;

use crate::args::Transport;
use crate::error::Result;
use crate::msg::{self, Head};
use crate::stats::{Cursor, Stats};

/// What a transport reports to: the shared counters and this client's cursor.
pub struct Client {
    stats: Rc<Stats>,
    cursor: Cursor,
    /// Held while connecting, so only so many handshakes run at once.
    permit: Option<OwnedSemaphorePermit>,
    up: bool,
}

impl Client {
    /// A client that is about to connect, holding one connect permit.
    pub fn new(stats: Rc<Stats>, permit: OwnedSemaphorePermit) -> Self {
        Client { stats, cursor: Cursor::new(), permit: Some(permit), up: false }
    }

    /// The handshake is done: count the client as connected, free its permit.
    pub fn up(&mut self) {
        if !self.up {
            self.up = true;
            self.permit = None;
            self.stats.connected.set(self.stats.connected.get() + 1);
        }
    }

    /// Accounts for one JSON message.
    pub fn on_text(&mut self, text: &str) -> Result<()> {
        let head = msg::parse(text)?;
        self.on_head(head, false);
        Ok(())
    }

    /// Accounts for one parsed message (see [`Cursor::on_head`] for `replay`).
    pub fn on_head(&mut self, head: Head, replay: bool) {
        self.cursor.on_head(&self.stats, head, replay);
    }
}

/// Runs one client of `transport` against `addr` until its connection ends,
/// then counts how it ended. `bearer`: the secret to present (see `Args::bearer`;
/// Socket.IO ignores it).
pub async fn run(transport: Transport, addr: Rc<str>, bearer: Option<Rc<str>>, poll_wait_s: u32, mut client: Client) {
    let bearer = bearer.as_deref();
    let result = match transport {
        Transport::Ws => ws::run(&addr, bearer, &mut client).await,
        Transport::Sse => sse::run(&addr, bearer, &mut client).await,
        Transport::LongPoll => longpoll::run(&addr, bearer, poll_wait_s, &mut client).await,
        Transport::SocketIo => socketio::run(&addr, &mut client).await,
    };
    let stats = &client.stats;
    if client.up {
        stats.connected.set(stats.connected.get().saturating_sub(1));
        stats.disconnects.set(stats.disconnects.get() + 1);
        if stats.measuring.get() {
            stats.window_disconnects.set(stats.window_disconnects.get() + 1);
        }
    } else {
        stats.connect_failures.set(stats.connect_failures.get() + 1);
    }
    if let Err(error) = result {
        let phase = if client.up { "after connect" } else { "connecting" };
        stats.note_error(format!("{phase}: {error}"));
    }
}

/// The request header line that presents `bearer` over plain HTTP (empty without one).
pub fn authorization(bearer: Option<&str>) -> String {
    bearer.map(|secret| format!("Authorization: Bearer {secret}\r\n")).unwrap_or_default()
}
