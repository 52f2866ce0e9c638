//! The only code that touches `WebSocket`, `EventSource` or `fetch`.
//!
//! Every request and stream carries the bearer the page holds, if any
//! ([`credential`]).
//!
//! Each transport delivers parsed [`ServerMessage`]s and at most one failure to
//! its [`Sink`], and stops delivering once closed. Which transport to open, and
//! what a failure means, is the engine's business (`crate::connection`).

pub mod credential;
mod http;
mod poll;
mod sse;
mod url;
mod websocket;

use std::rc::Rc;

use pulse_protocol::{Cursor, ServerMessage, Subscribe};

use crate::connection::TransportKind;

pub use http::{fetch_history, fetch_json, fetch_picture, fetch_series, fetch_static, fetch_text, send, HttpError};
pub use url::{ServerUrl, UrlError};

/// Where a transport reports to.
#[derive(Clone)]
pub struct Sink {
    /// The socket opened (WebSocket only; not data, only a hint for deadlines).
    pub opened: Rc<dyn Fn()>,
    /// Messages in arrival order (a poll answer brings several).
    pub messages: Rc<dyn Fn(Vec<ServerMessage>)>,
    /// A message that could not be read (logged; the link goes on).
    pub malformed: Rc<dyn Fn(String)>,
    /// The transport failed or closed: a reason, and a server hint in ms if any.
    pub failed: Rc<dyn Fn(String, Option<f64>)>,
    /// The server refused the credential (401), with its explanation: not a
    /// failure to retry or fall back from.
    pub unauthorized: Rc<dyn Fn(String)>,
}

/// An open transport; dropping it without [`Transport::close`] also closes it.
pub enum Transport {
    /// A WebSocket.
    WebSocket(websocket::WebSocketTransport),
    /// An EventSource.
    Sse(sse::SseTransport),
    /// A loop of fetches (long-poll or poll).
    Poll(poll::PollTransport),
}

impl Transport {
    /// Opens `kind` to `server`, resuming after `cursor`.
    pub fn open(kind: TransportKind, server: &ServerUrl, cursor: Option<&Cursor>, sink: Sink) -> Result<Self, String> {
        match kind {
            TransportKind::WebSocket => {
                websocket::WebSocketTransport::open(server, cursor, sink).map(Transport::WebSocket)
            }
            TransportKind::Sse => sse::SseTransport::open(server, cursor, sink).map(Transport::Sse),
            TransportKind::LongPoll => Ok(Transport::Poll(poll::PollTransport::open(server, cursor, sink, true))),
            TransportKind::Poll => Ok(Transport::Poll(poll::PollTransport::open(server, cursor, sink, false))),
        }
    }

    /// Asks for another stream on this connection (`subscribe`); only a WebSocket
    /// can (the engine asks only one whose hub said it takes it).
    pub fn subscribe(&self, subscribe: &Subscribe) -> Result<(), String> {
        match self {
            Transport::WebSocket(t) => t.send(&subscribe.to_json()),
            Transport::Sse(_) | Transport::Poll(_) => Err("only a WebSocket can change its stream".into()),
        }
    }

    /// Closes it; no callback fires afterwards.
    pub fn close(self) {
        match self {
            Transport::WebSocket(t) => t.close(),
            Transport::Sse(t) => t.close(),
            Transport::Poll(t) => t.close(),
        }
    }
}

/// Parses one JSON message, naming what was wrong (and quoting the start of it).
pub(crate) fn parse(text: &str) -> Result<ServerMessage, String> {
    pulse_protocol::from_json(text).map_err(|e| {
        let mut end = text.len().min(60);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("unreadable message from the server ({e}): {:?}", &text[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn unreadable_messages_are_named_not_panicked_on() {
        for bad in ["", "{", "<html>", r#"{"type":"nope"}"#, r#"{"type":"frame","seq":-1}"#, "ü".repeat(80).as_str()] {
            let error = parse(bad).expect_err(bad);
            assert!(error.starts_with("unreadable message from the server"), "{error}");
        }
        assert!(parse(r#"{"type":"heartbeat","seq":3,"ts":0}"#).is_ok());
    }
}
