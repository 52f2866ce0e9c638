//! What the page says when there is nothing to chart yet, and what to do about it.

use leptos::prelude::*;

use crate::connection::{ConnectionStatus, LinkState};

/// A banner for the loading, unreachable and offline states; nothing while data flows.
#[component]
pub fn StatusBanner(
    /// The connection as the engine reports it.
    #[prop(into)]
    status: Signal<ConnectionStatus>,
    /// Whether any sample has arrived since the page opened.
    #[prop(into)]
    has_data: Signal<bool>,
) -> impl IntoView {
    let message = move || {
        let s = status.get();
        let (kind, title, hint) = match (s.state, has_data.get()) {
            (LinkState::Live, true) => return None,
            (LinkState::Live, false) => (
                "loading",
                "Connected",
                "Waiting for this host's next sample… A host whose agent is down sends none: its stored history is under 6h, 24h, 7d and 30d.",
            ),
            (LinkState::Connecting, false) => ("loading", "Connecting to the server…", "The first sample usually arrives within a second."),
            (LinkState::Connecting, true) => return None,
            (LinkState::Reconnecting, _) => (
                "error",
                "Server unreachable",
                "Pulse keeps retrying by itself. Check that pulse-server is running (./pulse run) and reachable, or press Retry now.",
            ),
            (LinkState::Offline, _) => ("offline", "You are offline", "Pulse reconnects as soon as the network is back."),
            (LinkState::SignedOut, _) => (
                "error",
                "Sign-in needed",
                "The server no longer accepts this page's credential.",
            ),
            (LinkState::Stopped, _) => (
                "error",
                "Pulse cannot start",
                "This page's settings are unusable, so it does not connect. Fix the one named below (in the page's address or its config.json) and reload.",
            ),
        };
        let detail = s.last_error.filter(|_| kind == "error");
        Some(view! {
            <div class=format!("banner {kind}") data-testid="status-banner" data-kind=kind role="status">
                <strong>{title}</strong>
                <span>{hint}</span>
                {detail.map(|d| view! { <code class="muted">{d}</code> })}
            </div>
        })
    };
    view! { {message} }
}
