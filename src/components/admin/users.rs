//! Users: add one with a role and a password, list, remove.

use leptos::html::{Input, Select};
use leptos::prelude::*;

use super::{role_select, value_of};
use crate::access::words;
use crate::hooks::Admin;

/// The users section.
#[component]
pub fn UsersSection(
    /// The lists and the calls that change them.
    admin: Admin,
) -> impl IntoView {
    let name: NodeRef<Input> = NodeRef::new();
    let role: NodeRef<Select> = NodeRef::new();
    let password: NodeRef<Input> = NodeRef::new();
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        admin.add_user.run((
            value_of(|| name.get_untracked()),
            value_of(|| role.get_untracked()),
            value_of(|| password.get_untracked()),
        ));
    };
    let rows = move || {
        admin.users.get().into_iter().map(|user| {
            let path = format!("/api/v1/users/{}", user.name);
            view! {
                <tr data-testid="user-row">
                    <td>{user.name.clone()}</td>
                    <td><span class="role-chip" data-role=words::role_label(user.role)>{words::role_label(user.role)}</span></td>
                    <td class="muted">{words::when(user.created, offset)}</td>
                    <td></td>
                    <td class="actions">
                        <button class="tool danger" on:click=move |_| admin.delete.run(path.clone()) data-testid="user-remove">"Remove"</button>
                    </td>
                </tr>
            }
        }).collect_view()
    };
    view! {
        <section class="admin-section" data-testid="users">
            <h2>"Users"</h2>
            <p class="muted">"Admins manage users, tokens and share links; viewers read."</p>
            <form class="admin-form" on:submit=submit>
                <input node_ref=name placeholder="Name" aria-label="Name" autocomplete="off" data-testid="user-name" />
                {role_select(role, &["viewer", "admin"], "user-role")}
                <input node_ref=password type="password" placeholder="Password (8+ characters)" aria-label="Password" autocomplete="new-password" data-testid="user-password" />
                <button class="tool primary" type="submit" data-testid="user-add">"Add user"</button>
            </form>
            <table class="admin-table">
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Added"</th><th></th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
