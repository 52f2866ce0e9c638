//! The admin screens (`?view=admin`, admins only): API tokens, share links and
//! users, each a form and a list; a secret just created is shown once; and the
//! alerts (`alerts`: rules, mutes, webhook tests, the delivery log).

mod alerts;
mod alerts_html;
mod html;
mod secret;
mod section;
mod shares;
mod tokens;
mod users;

use leptos::prelude::*;

use crate::hooks::{Admin, AlertsAdmin};

/// The admin page.
#[component]
pub fn AdminPage(
    /// The lists and the calls that change them.
    admin: Admin,
    /// The alerts' lists and the call that changes them.
    alerts: AlertsAdmin,
) -> impl IntoView {
    let error = Signal::derive(move || admin.error.get().unwrap_or_default());
    view! {
        <div class="admin" data-testid="admin">
            <h1 class="admin-title">"Access"</h1>
            <p class="admin-error" role="alert" data-testid="admin-error">{error}</p>
            <secret::SecretReveal revealed=admin.revealed dismiss=admin.dismiss />
            <tokens::TokensSection admin=admin />
            <shares::SharesSection admin=admin />
            <users::UsersSection admin=admin />
            <alerts::AlertsSection alerts=alerts />
        </div>
    }
}

/// A list's label, or a placeholder when it has none.
fn label_or_none(label: &str) -> String {
    if label.is_empty() {
        "(no label)".to_owned()
    } else {
        label.to_owned()
    }
}

/// Choices whose values are their labels.
fn choices(names: &[&str]) -> Signal<Vec<(String, String)>> {
    Signal::stored(names.iter().map(|n| ((*n).to_owned(), (*n).to_owned())).collect())
}

/// The form's values as `N` strings (missing ones empty).
fn take<const N: usize>(values: Vec<String>) -> [String; N] {
    let mut values = values.into_iter();
    std::array::from_fn(|_| values.next().unwrap_or_default())
}
