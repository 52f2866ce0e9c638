//! Where the page keeps its secrets across reloads of one tab (`sessionStorage`,
//! never `localStorage` and never a URL): a share link's, and a session's on
//! another origin.

use crate::access::fragment;

const SHARE_KEY: &str = "pulse.share";
const SESSION_KEY: &str = "pulse.session";

fn store() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Takes a share secret out of the address bar (`#share=…`) into storage, and
/// returns the share secret this tab holds, if any.
pub fn land_share() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().unwrap_or_default();
    if let Some(secret) = fragment::share_secret(&hash) {
        let kept = fragment::without_share(&hash);
        let url = format!("{}{}{kept}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        if let Some(store) = store() {
            let _ = store.set_item(SHARE_KEY, &secret);
        }
        return Some(secret);
    }
    store().and_then(|s| s.get_item(SHARE_KEY).ok().flatten()).filter(|s| !s.is_empty())
}

/// Forgets the share secret.
pub fn forget_share() {
    if let Some(store) = store() {
        let _ = store.remove_item(SHARE_KEY);
    }
}

/// The session secret kept by an earlier sign-in in this tab.
pub fn load_session_secret() -> Option<String> {
    store().and_then(|s| s.get_item(SESSION_KEY).ok().flatten()).filter(|s| !s.is_empty())
}

/// Keeps (or, given none, forgets) the session secret.
pub fn save_session_secret(secret: Option<&str>) {
    match secret {
        Some(secret) => {
            if let Some(store) = store() {
                let _ = store.set_item(SESSION_KEY, secret);
            }
        }
        None => forget_session_secret(),
    }
}

/// Forgets the session secret.
pub fn forget_session_secret() {
    if let Some(store) = store() {
        let _ = store.remove_item(SESSION_KEY);
    }
}
