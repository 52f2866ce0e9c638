//! The sign-in page: a user name, a password, and what went wrong.

use leptos::html::Input;
use leptos::prelude::*;

use crate::hooks::SignInForm;

/// The page shown instead of the dashboard while the hub wants a sign-in.
#[component]
pub fn SignInPage(
    /// The form's error, whether a sign-in is in flight, and why the page asks.
    form: SignInForm,
    /// Signs in with (user, password).
    submit: Callback<(String, String)>,
) -> impl IntoView {
    let user: NodeRef<Input> = NodeRef::new();
    let password: NodeRef<Input> = NodeRef::new();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = |input: NodeRef<Input>| input.get_untracked().map(|i| i.value()).unwrap_or_default();
        submit.run((value(user), value(password)));
    };
    let error = Signal::derive(move || form.error.get().unwrap_or_default());
    let notice = Signal::derive(move || form.notice.get().unwrap_or_default());
    let label = Signal::derive(move || if form.busy.get() { "Signing in…" } else { "Sign in" });
    view! {
        <main class="gate">
            <form class="gate-card" on:submit=on_submit data-testid="sign-in" aria-describedby="sign-in-error">
                <div class="brand gate-brand" aria-label="Pulse">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Pulse"
                </div>
                <h1>"Sign in"</h1>
                <p class="gate-notice muted" data-testid="sign-in-notice">{notice}</p>
                <label class="field">
                    <span>"User name"</span>
                    <input node_ref=user name="user" autocomplete="username" required autofocus data-testid="sign-in-user" />
                </label>
                <label class="field">
                    <span>"Password"</span>
                    <input node_ref=password name="password" type="password" autocomplete="current-password" required data-testid="sign-in-password" />
                </label>
                <p id="sign-in-error" class="gate-error" role="alert" data-testid="sign-in-error">{error}</p>
                <button class="tool primary gate-submit" type="submit" disabled=form.busy data-testid="sign-in-submit">{label}</button>
            </form>
        </main>
    }
}

/// The page a share link shows once it stopped working.
#[component]
pub fn RevokedPage() -> impl IntoView {
    view! {
        <main class="gate">
            <div class="gate-card" data-testid="share-revoked" role="status">
                <div class="brand gate-brand" aria-label="Pulse">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Pulse"
                </div>
                <h1>"This link no longer works"</h1>
                <p class="muted">
                    "This shared link was revoked or has expired. Ask whoever shared it for a new one."
                </p>
            </div>
        </main>
    }
}
