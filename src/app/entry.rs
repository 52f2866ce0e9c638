//! The app as `main.rs` mounts it: the connection engine's live metrics in the shell.

use leptos::prelude::*;

use super::Shell;

/// The whole app, fed by the connection engine.
#[component]
pub fn App() -> impl IntoView {
    let live = crate::hooks::use_live_metrics();
    view! { <Shell live=live /> }
}
