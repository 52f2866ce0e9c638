//! The benchmark's errors: bad arguments, the server process, and one connection.

use std::io;

/// Anything that stops the benchmark or one connection attempt.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line argument is missing, unknown or malformed.
    #[error("bad argument: {0}")]
    Args(String),
    /// A socket or process operation failed.
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
    /// The WebSocket handshake or stream failed.
    #[error("websocket: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
    /// `pulse-server` did not start, or did not stop, as expected.
    #[error("server: {0}")]
    Server(String),
    /// A step took longer than its limit.
    #[error("timed out: {0}")]
    Timeout(String),
}

impl Error {
    /// True when nothing listened on the port (the server was down).
    pub fn is_refused(&self) -> bool {
        matches!(self, Error::Io(e) if e.kind() == io::ErrorKind::ConnectionRefused)
    }
}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;
