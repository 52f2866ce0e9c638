//! What can end a run.

/// Why a figure could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line.
    #[error("{0}")]
    Args(String),
    /// A socket or a file.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A WebSocket.
    #[error("websocket: {0}")]
    WebSocket(#[from] tokio_tungstenite::tungstenite::Error),
    /// JSON.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// The rules the bench wrote were refused (a bug in the bench).
    #[error("rules: {0}")]
    Rules(#[from] pulse_alerts::rules::RulesError),
    /// Something took longer than it may.
    #[error("timed out {0}")]
    Timeout(String),
    /// A peer said something unexpected, or a check failed.
    #[error("{0}")]
    Failed(String),
}

/// This crate's results.
pub type Result<T> = std::result::Result<T, Error>;
