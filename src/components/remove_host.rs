//! The "Remove" button of a host that is down (a fleet row, a host's page) and the
//! hub's answer when it refuses; both show only where the page may remove hosts
//! (a [`HostRemoval`] in the context, allowing it).

use leptos::prelude::*;

use crate::hooks::HostRemoval;

/// A button removing host `id` (after a confirmation), shown while `down` and the
/// page may remove hosts.
#[component]
pub fn RemoveHostButton(
    /// The host's id.
    #[prop(into)]
    id: Signal<String>,
    /// Whether the host is down (the hub refuses a connected one anyway).
    #[prop(into)]
    down: Signal<bool>,
) -> impl IntoView {
    let removal = use_context::<HostRemoval>();
    let hidden = Signal::derive(move || !(down.get() && removal.is_some_and(|r| r.allowed.get())));
    view! {
        <button
            type="button"
            class="remove-host"
            data-testid="remove-host"
            hidden=hidden
            on:click=move |_| {
                if let Some(removal) = removal {
                    removal.remove.run(id.get_untracked());
                }
            }
        >
            "Remove"
        </button>
    }
}

/// The hub's refusal of the last removal, in its words (nothing otherwise).
#[component]
pub fn RemoveHostError() -> impl IntoView {
    let error = use_context::<HostRemoval>().map(|r| r.error);
    move || {
        error.and_then(|e| e.get()).map(|text| {
            view! { <p class="remove-error" role="alert" data-testid="remove-error">{text}</p> }
        })
    }
}
