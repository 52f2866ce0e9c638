//! Where the page keeps its secrets across reloads of one tab (`sessionStorage`,
//! never `localStorage` and never a URL): a share link's, and a session's on
//! another origin. Each is kept under the server it belongs to, and handed only
//! to that server: a tab later sent to `?server=` another address (by any site
//! linking to the page) finds no secret for it, so none travels there.

use crate::access::fragment;
use crate::transport::ServerUrl;

const SHARE_KEY: &str = "pulse.share";
const SESSION_KEY: &str = "pulse.session";

fn store() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The storage key of one kind of secret for one server.
fn key(kind: &str, server: &ServerUrl) -> String {
    format!("{kind}@{}", server.as_str())
}

fn load(kind: &str, server: &ServerUrl) -> Option<String> {
    store().and_then(|s| s.get_item(&key(kind, server)).ok().flatten()).filter(|s| !s.is_empty())
}

fn save(kind: &str, server: &ServerUrl, secret: &str) {
    if let Some(store) = store() {
        let _ = store.set_item(&key(kind, server), secret);
    }
}

fn forget(kind: &str, server: &ServerUrl) {
    if let Some(store) = store() {
        let _ = store.remove_item(&key(kind, server));
    }
}

/// Takes a share secret out of the address bar (`#share=…`), so that it is in
/// no URL the tab keeps; [`keep_share`] files it once the server is known.
pub fn take_share_from_address() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    let secret = fragment::share_secret(&hash)?;
    let kept = fragment::without_share(&hash);
    let url = format!("{}{}{kept}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    Some(secret)
}

/// Keeps a share secret for `server`.
pub fn keep_share(server: &ServerUrl, secret: &str) {
    save(SHARE_KEY, server, secret);
}

/// The share secret this tab holds for `server`, if any.
pub fn share_for(server: &ServerUrl) -> Option<String> {
    load(SHARE_KEY, server)
}

/// Forgets the share secret held for `server`.
pub fn forget_share(server: &ServerUrl) {
    forget(SHARE_KEY, server);
}

/// The session secret an earlier sign-in to `server` kept in this tab.
pub fn session_for(server: &ServerUrl) -> Option<String> {
    load(SESSION_KEY, server)
}

/// Keeps (or, given none, forgets) the session secret for `server`.
pub fn save_session_secret(server: &ServerUrl, secret: Option<&str>) {
    match secret {
        Some(secret) => save(SESSION_KEY, server, secret),
        None => forget_session_secret(server),
    }
}

/// Forgets the session secret held for `server`.
pub fn forget_session_secret(server: &ServerUrl) {
    forget(SESSION_KEY, server);
}
