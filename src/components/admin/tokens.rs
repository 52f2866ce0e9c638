//! API tokens: create one for a script or an agent, list, revoke.

use leptos::prelude::*;

use super::section::{Cell, Field, Row, Section, SectionText};
use crate::access::words;
use crate::hooks::{Admin, Change};

/// The API tokens section.
#[component]
pub fn TokensSection(
    /// The lists and the calls that change them.
    admin: Admin,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let rows = Signal::derive(move || {
        admin.tokens.with(|tokens| {
            tokens
                .iter()
                .map(|t| Row {
                    cells: vec![
                        Cell::text(super::label_or_none(&t.label)),
                        Cell::chip(words::role_label(t.role)),
                        Cell::muted(words::when(t.created, offset)),
                        Cell::muted(t.last_used.map_or_else(|| "never".to_owned(), |ms| words::when(ms, offset))),
                    ],
                    delete: format!("/api/v1/tokens/{}", t.id),
                })
                .collect()
        })
    });
    let roles = super::choices(&["viewer", "admin", "agent"]);
    let create = Callback::new(move |values: Vec<String>| {
        let [label, role] = super::take::<2>(values);
        admin.change.run(Change::CreateToken { role, label });
    });
    let text = SectionText {
        id: "token",
        title: "API tokens",
        blurb: "For scripts (Authorization: Bearer) and agents. Stored hashed; the secret is shown once.",
        submit: "Create token",
        remove: "Revoke",
        columns: &["Label", "Role", "Created", "Last used"],
    };
    let fields = vec![Field::Text("token-label", "Label, e.g. grafana"), Field::Choice("token-role", roles)];
    view! { <Section text=text fields=fields rows=rows create=create delete=admin.delete /> }
}
