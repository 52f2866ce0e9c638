//! The bearer this page holds, if any: a session's secret (a page on another
//! origin, where the hub's cookie cannot ride along) or a share link's. Every
//! request and stream carries it (`Authorization`, or the WebSocket subprotocol);
//! without one, the hub's `HttpOnly` cookie rides along on the page's own origin.
//!
//! It lives here, in memory, so the transports need no extra argument; keeping it
//! across reloads (`sessionStorage`) is the access hook's business.

use std::cell::RefCell;
use std::rc::Rc;

use pulse_protocol::access::{BEARER_PROTOCOL_PREFIX, WS_PROTOCOL};

thread_local! {
    static BEARER: RefCell<Option<String>> = const { RefCell::new(None) };
    static ON_UNAUTHORIZED: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Holds `secret` as the bearer for every request from now on (none: drop it).
pub fn set_bearer(secret: Option<String>) {
    BEARER.with(|b| *b.borrow_mut() = secret.filter(|s| !s.is_empty()));
}

/// The bearer held, if any.
pub fn bearer() -> Option<String> {
    BEARER.with(|b| b.borrow().clone())
}

/// The `Authorization` header's value for `secret`.
pub fn authorization(secret: &str) -> String {
    format!("Bearer {secret}")
}

/// The WebSocket subprotocols to offer with `secret`: the hub answers the first.
pub fn websocket_protocols(secret: &str) -> [String; 2] {
    [WS_PROTOCOL.to_owned(), format!("{BEARER_PROTOCOL_PREFIX}{secret}")]
}

/// Calls `callback` whenever a data request (not a sign-in) is answered 401.
pub fn on_unauthorized(callback: Option<Rc<dyn Fn()>>) {
    ON_UNAUTHORIZED.with(|c| *c.borrow_mut() = callback);
}

/// A data request was answered 401: tells whoever listens (the access hook).
pub(super) fn unauthorized() {
    let callback = ON_UNAUTHORIZED.with(|c| c.borrow().clone());
    if let Some(callback) = callback {
        callback();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_travels_as_a_header_or_a_subprotocol() {
        assert_eq!(authorization("s3"), "Bearer s3");
        assert_eq!(websocket_protocols("s3"), ["pulse".to_owned(), "pulse.bearer.s3".to_owned()]);
        set_bearer(Some("s3".into()));
        assert_eq!(bearer().as_deref(), Some("s3"));
        set_bearer(Some(String::new()));
        assert_eq!(bearer(), None, "an empty secret is none");
    }
}
