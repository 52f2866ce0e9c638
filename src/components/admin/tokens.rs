//! API tokens: create one for a script or an agent, list, revoke.

use leptos::html::{Input, Select};
use leptos::prelude::*;

use super::{role_select, value_of};
use crate::access::words;
use crate::hooks::Admin;

/// The API tokens section.
#[component]
pub fn TokensSection(
    /// The lists and the calls that change them.
    admin: Admin,
) -> impl IntoView {
    let label: NodeRef<Input> = NodeRef::new();
    let role: NodeRef<Select> = NodeRef::new();
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        admin.create_token.run((value_of(|| role.get_untracked()), value_of(|| label.get_untracked())));
    };
    let rows = move || {
        admin.tokens.get().into_iter().map(|token| {
            let path = format!("/api/v1/tokens/{}", token.id);
            let last_used = token.last_used.map_or_else(|| "never".to_owned(), |ms| words::when(ms, offset));
            view! {
                <tr data-testid="token-row">
                    <td>{if token.label.is_empty() { "(no label)".to_owned() } else { token.label.clone() }}</td>
                    <td><span class="role-chip" data-role=words::role_label(token.role)>{words::role_label(token.role)}</span></td>
                    <td class="muted">{words::when(token.created, offset)}</td>
                    <td class="muted">{last_used}</td>
                    <td class="actions">
                        <button class="tool danger" on:click=move |_| admin.delete.run(path.clone()) data-testid="token-revoke">"Revoke"</button>
                    </td>
                </tr>
            }
        }).collect_view()
    };
    view! {
        <section class="admin-section" data-testid="tokens">
            <h2>"API tokens"</h2>
            <p class="muted">"For scripts (Authorization: Bearer) and agents. Stored hashed; the secret is shown once."</p>
            <form class="admin-form" on:submit=submit>
                <input node_ref=label placeholder="Label, e.g. grafana" aria-label="Label" data-testid="token-label" />
                {role_select(role, &["viewer", "admin", "agent"], "token-role")}
                <button class="tool primary" type="submit" data-testid="token-create">"Create token"</button>
            </form>
            <table class="admin-table">
                <thead><tr><th>"Label"</th><th>"Role"</th><th>"Created"</th><th>"Last used"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
