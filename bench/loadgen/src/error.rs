//! The load generator's errors: bad arguments, and what can go wrong on one connection.

use std::io;

/// Anything that stops the load generator or one of its clients.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line argument is missing, unknown or malformed.
    #[error("bad argument: {0}")]
    Args(String),
    /// A socket operation failed.
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
    /// The WebSocket handshake or stream failed.
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
    /// The server answered something this client does not understand.
    #[error("protocol: {0}")]
    Protocol(String),
    /// A JSON body could not be parsed.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// The peer closed the connection.
    #[error("connection closed by the server")]
    Closed,
    /// A step took longer than its limit.
    #[error("timed out: {0}")]
    Timeout(&'static str),
}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;
