//! The admin screens (`?view=admin`, admins only): API tokens, share links and
//! users, each a form and a list; a secret just created is shown once.

mod secret;
mod shares;
mod tokens;
mod users;

use leptos::prelude::*;

use crate::hooks::Admin;

/// The admin page.
#[component]
pub fn AdminPage(
    /// The lists and the calls that change them.
    admin: Admin,
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
        </div>
    }
}

/// A `<select>` of roles.
fn role_select(node: NodeRef<leptos::html::Select>, roles: &'static [&'static str], testid: &'static str) -> impl IntoView {
    view! {
        <select node_ref=node data-testid=testid aria-label="Role">
            {roles.iter().map(|r| view! { <option value=*r>{*r}</option> }).collect_view()}
        </select>
    }
}

/// The value of an input or select, empty when it is gone.
fn value_of<E: Into<web_sys::Element> + Clone + 'static>(node: impl Fn() -> Option<E>) -> String {
    node()
        .map(|element| {
            let element: web_sys::Element = element.into();
            js_sys::Reflect::get(&element, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
        })
        .unwrap_or_default()
}
