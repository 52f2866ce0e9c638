//! Users: add one with a role and a password, list, remove.

use leptos::prelude::*;

use super::section::{Cell, Field, Row, Section, SectionText};
use crate::access::words;
use crate::hooks::{Admin, Change};

/// The users section.
#[component]
pub fn UsersSection(
    /// The lists and the calls that change them.
    admin: Admin,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let rows = Signal::derive(move || {
        admin.users.with(|users| {
            users
                .iter()
                .map(|u| Row {
                    cells: vec![
                        Cell::text(u.name.clone()),
                        Cell::chip(words::role_label(u.role)),
                        Cell::muted(words::when(u.created, offset)),
                        Cell::text(""),
                    ],
                    delete: format!("/api/v1/users/{}", u.name),
                })
                .collect()
        })
    });
    let roles = super::choices(&["viewer", "admin"]);
    let create = Callback::new(move |values: Vec<String>| {
        let [name, role, password] = super::take::<3>(values);
        admin.change.run(Change::AddUser { name, role, password });
    });
    let text = SectionText {
        id: "user",
        title: "Users",
        blurb: "Admins manage users, tokens and share links; viewers read.",
        submit: "Add user",
        remove: "Remove",
        columns: &["Name", "Role", "Added", ""],
    };
    let fields = vec![
        Field::Text("user-name", "Name"),
        Field::Choice("user-role", roles),
        Field::Password("user-password", "Password (8+ characters)"),
    ];
    view! { <Section text=text fields=fields rows=rows create=create delete=admin.delete /> }
}
