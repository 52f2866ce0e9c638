//! A secret just created: shown once, with a copy button.

use leptos::prelude::*;

use crate::hooks::Revealed;

/// The new token or share link, until dismissed.
#[component]
pub fn SecretReveal(
    /// What was just created.
    revealed: Signal<Option<Revealed>>,
    /// Hides it.
    dismiss: Callback<()>,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    move || {
        revealed.get().map(|secret| {
            copied.set(false);
            let text = secret.text.clone();
            let copy = move |_| {
                if let Some(window) = web_sys::window() {
                    let _ = window.navigator().clipboard().write_text(&text);
                    copied.set(true);
                }
            };
            let copy_label = Signal::derive(move || if copied.get() { "Copied" } else { "Copy" });
            view! {
                <section class="secret" data-testid="secret" role="status">
                    <h2>{format!("New {}", secret.what.to_lowercase())}</h2>
                    <p class="muted">"Copy it now: you will not see it again."</p>
                    <div class="secret-row">
                        <code class="secret-text" data-testid="secret-text">{secret.text.clone()}</code>
                        <button class="tool primary" on:click=copy data-testid="secret-copy">{copy_label}</button>
                        <button class="tool" on:click=move |_| dismiss.run(())>"Done"</button>
                    </div>
                </section>
            }
        })
    }
}
