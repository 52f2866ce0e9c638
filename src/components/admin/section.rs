//! One admin section: a title, a form, and a table whose rows each have a remove
//! button. Tokens, share links and users are all this one view (each would
//! otherwise compile its own copy of the form and table code into the wasm).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::html;

/// One input of a section's form.
#[derive(Clone)]
pub enum Field {
    /// A text input: its test id and placeholder.
    Text(&'static str, &'static str),
    /// A password input: its test id and placeholder.
    Password(&'static str, &'static str),
    /// A choice: its test id and the (value, label) options, the first chosen.
    Choice(&'static str, Signal<Vec<(String, String)>>),
}

/// One cell of a row: its text, and the role chip it shows as, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// What it says.
    pub text: String,
    /// Shown as a role chip (`admin`, `viewer`, `agent`) when set.
    pub chip: bool,
    /// Shown muted (dates).
    pub muted: bool,
}

impl Cell {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Cell { text: text.into(), chip: false, muted: false }
    }
    /// A date or other secondary text.
    pub fn muted(text: impl Into<String>) -> Self {
        Cell { text: text.into(), chip: false, muted: true }
    }
    /// A role chip.
    pub fn chip(text: impl Into<String>) -> Self {
        Cell { text: text.into(), chip: true, muted: false }
    }
}

/// One row, and the path that deletes what it lists (`/api/v1/tokens/ID`).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The cells, one per column.
    pub cells: Vec<Cell>,
    /// `DELETE` this to remove it.
    pub delete: String,
}

/// What a section says and does.
pub struct SectionText {
    /// `data-testid` prefix: `{id}-row`, `{id}-create`, `{id}-delete`.
    pub id: &'static str,
    /// The heading.
    pub title: &'static str,
    /// One sentence under it.
    pub blurb: &'static str,
    /// The submit button's label.
    pub submit: &'static str,
    /// The remove button's label.
    pub remove: &'static str,
    /// Column headings.
    pub columns: &'static [&'static str],
}

/// A section: the form sends its values in field order to `create`; a remove
/// button sends its row's path to `delete`.
#[component]
pub fn Section(
    /// Its words and test ids.
    text: SectionText,
    /// The form's inputs.
    fields: Vec<Field>,
    /// The rows.
    rows: Signal<Vec<Row>>,
    /// Creates an item from the form's values, in field order.
    create: Callback<Vec<String>>,
    /// Deletes by path.
    delete: Callback<String>,
) -> impl IntoView {
    let SectionText { id, title, blurb, submit, remove, columns } = text;
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(form) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let Ok(inputs) = form.query_selector_all("input, select") else { return };
        let values = (0..inputs.length())
            .filter_map(|i| inputs.item(i))
            .map(|node| {
                js_sys::Reflect::get(&node, &"value".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
            })
            .collect();
        create.run(values);
    };
    // One listener for every remove button: the clicked one names its path.
    let on_click = move |event: leptos::ev::MouseEvent| {
        let target = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let button = target.and_then(|t| t.closest("[data-delete]").ok().flatten());
        if let Some(path) = button.and_then(|b| b.get_attribute("data-delete")) {
            delete.run(path);
        }
    };
    // The form is written again only when a choice's options change (the host
    // list arrives once, before anyone types).
    let form = Signal::derive(move || {
        let filled: Vec<(Field, Vec<(String, String)>)> = fields
            .iter()
            .map(|f| {
                let options = match f {
                    Field::Choice(_, options) => options.get(),
                    _ => Vec::new(),
                };
                (f.clone(), options)
            })
            .collect();
        html::form(id, &filled, submit)
    });
    let body = Signal::derive(move || rows.with(|rows| html::rows(id, rows, remove)));
    view! {
        <section class="admin-section" data-testid=id>
            <h2>{title}</h2>
            <p class="muted">{blurb}</p>
            <form class="admin-form" on:submit=on_submit inner_html=form></form>
            <table class="admin-table">
                <thead inner_html=html::head(columns)></thead>
                <tbody on:click=on_click inner_html=body></tbody>
            </table>
        </section>
    }
}
