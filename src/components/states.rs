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
    /// The address of the fleet page, offered when the hub has no such host.
    #[prop(optional, into)]
    fleet_href: Option<Signal<String>>,
) -> impl IntoView {
    let message = move || {
        let s = status.get();
        if s.state == LinkState::NoSuchHost {
            return Some(missing_host(s.last_error, fleet_href).into_any());
        }
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
            (LinkState::Stopped | LinkState::NoSuchHost, _) => (
                "error",
                "Pulse cannot start",
                "This page's settings are unusable, so it does not connect. Fix the one named below (in the page's address or its config.json) and reload.",
            ),
        };
        let detail = s.last_error.filter(|_| kind == "error");
        Some(
            view! {
                <div class=format!("banner {kind}") data-testid="status-banner" data-kind=kind role="status">
                    <strong>{title}</strong>
                    <span>{hint}</span>
                    {detail.map(|d| view! { <code class="muted">{d}</code> })}
                </div>
            }
            .into_any(),
        )
    };
    view! { {message} }
}

/// The hub has no host by the id in `?host=`: a wrong link, or a host removed since.
fn missing_host(detail: Option<String>, fleet_href: Option<Signal<String>>) -> impl IntoView {
    let id = crate::config::param("host").unwrap_or_default();
    view! {
        <div class="banner error" data-testid="status-banner" data-kind="no-such-host" role="status">
            <strong data-testid="no-such-host">{format!("No host '{id}' on this hub")}</strong>
            <span>"It may have been removed, not connected yet, or the link is mistyped. The page looks again every 15 s."</span>
            {fleet_href.map(|href| view! { <a href=href data-testid="all-hosts-link">"See all hosts"</a> })}
            {detail.map(|d| view! { <code class="muted">{d}</code> })}
        </div>
    }
}
