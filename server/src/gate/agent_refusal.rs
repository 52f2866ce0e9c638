//! One log line for every agent the hub turns away (a wrong or missing token, a
//! host already connected or the hub's own, a protocol it does not read, bad
//! headers): the hub's side of "a clear error on both sides". The line holds the
//! peer's address and the refusal the agent was sent, never a header's value
//! beyond what that refusal quotes (`quote::shown`), so never the token.

use std::net::SocketAddr;

use crate::error::AppError;

/// Logs `error` as the refusal of an agent from `peer` (warn for a token, info
/// for the rest) and hands it back to be sent.
pub fn logged(peer: Option<SocketAddr>, error: AppError) -> AppError {
    let peer = peer.map_or_else(|| "an unknown address".to_owned(), |peer| peer.to_string());
    let (status, code) = error.code();
    if status.as_u16() == 401 || status.as_u16() == 403 {
        tracing::warn!(%peer, status = status.as_u16(), code, "an agent was refused: {error}");
    } else {
        tracing::info!(%peer, status = status.as_u16(), code, "an agent was refused: {error}");
    }
    error
}
