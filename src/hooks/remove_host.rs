//! Removes a host gone for good, as an admin may (`DELETE /api/v1/hosts/ID`; the
//! hub refuses a connected host, its own host, and anyone but an admin, with a
//! JSON error the page shows as it is). The page asks the user to confirm first.
//! Handed to the fleet table and the host page as a context ([`HostRemoval`]), so
//! no component between them carries it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::history::encode;
use crate::transport::{send, ServerUrl};

/// What a page may do about hosts that are gone.
#[derive(Clone, Copy)]
pub struct HostRemoval {
    /// Whether this page may remove hosts (its session is an admin's: a signed-in
    /// admin, an admin token, or a loopback hub without users).
    pub allowed: Signal<bool>,
    /// Asks to confirm, then removes host `id`.
    pub remove: Callback<String>,
    /// The hub's refusal of the last removal, in its words.
    pub error: Signal<Option<String>>,
}

/// Removal against `server` (once known), allowed when `allowed` says so. A host
/// page that removed its own host loads again, and so says the host is gone.
pub fn use_host_removal(server: Signal<Option<ServerUrl>>, allowed: Signal<bool>) -> HostRemoval {
    let error = RwSignal::new(None::<String>);
    let remove = Callback::new(move |id: String| {
        let Some(server) = server.get_untracked() else { return };
        let question = format!("Remove host {id} from this hub? Its listing is forgotten; an agent that connects again as {id} is listed anew.");
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        let url = server.http_as_is(&format!("/api/v1/hosts/{}", encode(&id)));
        spawn_local(async move {
            match send("DELETE", &url, None).await {
                Ok(_) => {
                    error.set(None);
                    if crate::config::param("host").as_deref() == Some(id.as_str()) {
                        let _ = window().location().reload();
                    }
                }
                Err(refused) => error.set(Some(format!("could not remove {id}: {refused}"))),
            }
        });
    });
    HostRemoval { allowed, remove, error: error.into() }
}
