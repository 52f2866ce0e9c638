//! What stops the fleet bench, or one of its links.

/// Anything that goes wrong: an argument, a socket, the hub's answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag is missing, unknown or malformed.
    #[error("bad argument: {0}")]
    Args(String),
    /// A file or socket operation failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The WebSocket handshake or stream failed.
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
    /// JSON that does not parse or serialise.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// The hub said or did something an agent or a browser does not expect.
    #[error("protocol: {0}")]
    Protocol(String),
    /// A step took longer than its limit.
    #[error("timed out: {0}")]
    Timeout(&'static str),
}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;
