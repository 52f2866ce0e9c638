//! The transport that worked last time, per server, in `localStorage`, with an
//! expiry so a network that changed is not stuck with an old fallback.

use crate::connection::TransportKind;
use crate::transport::ServerUrl;

/// How long a remembered fallback holds: one hour.
const REMEMBER_MS: u64 = 3_600_000;

fn key(server: &ServerUrl) -> String {
    format!("pulse.transport.{}", server.as_str())
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// `Date.now()` in whole milliseconds.
fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// The remembered transport, if any and not expired. The value is `NAME|UNTIL`,
/// `UNTIL` in whole ms since the Unix epoch (integers: no float parsing shipped).
pub fn load(server: &ServerUrl) -> Option<TransportKind> {
    let value = storage()?.get_item(&key(server)).ok()??;
    let (name, until) = value.split_once('|')?;
    let until: u64 = until.parse().ok()?;
    (until > now_ms()).then(|| TransportKind::parse(name)).flatten()
}

/// Remembers `transport` for an hour, or forgets (None: the best one works).
pub fn save(server: &ServerUrl, transport: Option<TransportKind>) {
    let Some(storage) = storage() else { return };
    let _ = match transport {
        Some(t) => storage.set_item(&key(server), &format!("{}|{}", t.as_str(), now_ms() + REMEMBER_MS)),
        None => storage.remove_item(&key(server)),
    };
}
