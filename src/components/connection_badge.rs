//! The connection badge: transport, state, retry countdown and age of the data.

use leptos::prelude::*;

use crate::connection::{ConnectionStatus, LinkState};
use crate::format;
use crate::host_status::HostNote;

/// Data younger than this reads "just now": at one sample a second the age would
/// otherwise flicker between "just now" and "1 s ago", re-laying out the top bar.
const FRESH_MS: f64 = 2_500.0;

/// Shows how the page is connected and lets the user retry at once.
#[component]
pub fn ConnectionBadge(
    /// The connection as the engine reports it.
    #[prop(into)]
    status: Signal<ConnectionStatus>,
    /// The page clock (`Date.now()`), ticking about once a second.
    #[prop(into)]
    now: Signal<f64>,
    /// Starts the next attempt now.
    retry_now: Callback<()>,
    /// The shown host, when the hub lists it as not up: the link to the hub is
    /// live, but the badge says the host is down and when it was last seen
    /// instead of the age of the hub's heartbeats.
    #[prop(optional, into)]
    host_note: Option<Signal<Option<HostNote>>>,
) -> impl IntoView {
    let host_note = host_note.unwrap_or_default();
    let state = move || status.with(|s| s.state);
    let note = move || host_note.get().filter(|_| state() == LinkState::Live);
    let transport = move || status.with(|s| s.transport);
    let state_text = move || match state() {
        LinkState::Live => match note() {
            Some(note) if note.status == "stale" => "Host stale",
            Some(_) => "Host down",
            None => "Live",
        },
        LinkState::Connecting => "Connecting",
        LinkState::Reconnecting => "Reconnecting",
        LinkState::Offline => "Offline",
        LinkState::Stopped => "Not connected",
        LinkState::SignedOut => "Signed out",
        LinkState::NoSuchHost => "No such host",
    };
    let detail = move || {
        if let Some(note) = note() {
            return note.seen;
        }
        let s = status.get();
        let now = now.get();
        let mut parts = Vec::new();
        if s.state != LinkState::Live && s.attempt > 0 {
            parts.push(format!("attempt {}", s.attempt));
        }
        if let Some(at) = s.next_retry_at.filter(|_| s.state == LinkState::Reconnecting) {
            parts.push(format!("retry in {} s", ((at - now) / 1000.0).ceil().max(0.0)));
        }
        if let Some(at) = s.last_data_at {
            let age = if now - at < FRESH_MS { "just now".to_owned() } else { format::age(now - at) };
            parts.push(format!("data {age}"));
        }
        parts.join(" · ")
    };
    let error = move || status.with(|s| s.last_error.clone().filter(|_| s.state != LinkState::Live));
    view! {
        <div
            class="badge"
            data-testid="connection-badge"
            data-transport=Signal::derive(move || transport().map(|t| t.as_str()).unwrap_or("").to_owned())
            data-state=Signal::derive(move || state().as_str().to_owned())
            data-host-status=Signal::derive(move || note().map_or("", |n| n.status).to_owned())
            role="status"
            aria-live="polite"
            title=Signal::derive(move || error().unwrap_or_default())
        >
            <span class="dot" aria-hidden="true"></span>
            <span class="badge-state">{Signal::derive(move || state_text().to_owned())}</span>
            <span class="badge-transport">{Signal::derive(move || transport().map(|t| t.label()).unwrap_or("").to_owned())}</span>
            <span class="badge-detail">{Signal::derive(detail)}</span>
            {move || {
                matches!(state(), LinkState::Reconnecting | LinkState::Offline).then(|| {
                    view! {
                        <button type="button" class="retry" on:click=move |_| retry_now.run(())>
                            "Retry now"
                        </button>
                    }
                })
            }}
        </div>
    }
}
