//! The admin tables and forms as HTML text, every value escaped. Lists of a few
//! dozen rows that change only when an admin acts are set as one `innerHTML`
//! each: as views, each row's cells and buttons compiled their own rendering code
//! into the wasm (the admin screens cost 25 KB of the gzipped download that way).

use super::section::{Field, Row};

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The table's body: a row per item, each ending with its remove button, which
/// carries the path that removes it (`data-delete`).
pub fn rows(id: &str, rows: &[Row], remove: &str) -> String {
    let mut out = String::new();
    for row in rows {
        out.push_str(&format!("<tr data-testid=\"{id}-row\">"));
        for cell in &row.cells {
            let text = escape(&cell.text);
            let muted = if cell.muted { " class=\"muted\"" } else { "" };
            if cell.chip {
                out.push_str(&format!("<td{muted}><span class=\"role-chip\" data-role=\"{text}\">{text}</span></td>"));
            } else {
                out.push_str(&format!("<td{muted}>{text}</td>"));
            }
        }
        out.push_str(&format!(
            "<td class=\"actions\"><button type=\"button\" class=\"tool danger\" data-testid=\"{id}-delete\" data-delete=\"{}\">{}</button></td></tr>",
            escape(&row.delete),
            escape(remove)
        ));
    }
    out
}

/// The table's heading row.
pub fn head(columns: &[&str]) -> String {
    let cells: String = columns.iter().map(|c| format!("<th>{}</th>", escape(c))).collect();
    format!("<tr>{cells}<th></th></tr>")
}

/// The form's inputs (with the choices' options as given) and its submit button.
pub fn form(id: &str, fields: &[(Field, Vec<(String, String)>)], submit: &str) -> String {
    let mut out = String::new();
    for (field, options) in fields {
        match field {
            Field::Text(testid, placeholder) | Field::Password(testid, placeholder) => {
                let kind = if matches!(field, Field::Password(..)) { "password" } else { "text" };
                let placeholder = escape(placeholder);
                out.push_str(&format!(
                    "<input type=\"{kind}\" placeholder=\"{placeholder}\" aria-label=\"{placeholder}\" autocomplete=\"off\" data-testid=\"{testid}\">"
                ));
            }
            Field::Choice(testid, _) => {
                out.push_str(&format!("<select data-testid=\"{testid}\" aria-label=\"{testid}\">"));
                for (value, label) in options {
                    out.push_str(&format!("<option value=\"{}\">{}</option>", escape(value), escape(label)));
                }
                out.push_str("</select>");
            }
        }
    }
    out.push_str(&format!(
        "<button class=\"tool primary\" type=\"submit\" data-testid=\"{id}-create\">{}</button>",
        escape(submit)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::super::section::Cell;
    use super::*;

    #[test]
    fn every_value_is_escaped() {
        assert_eq!(
            escape(r#"<img src=x onerror="a('b')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
        let row = Row {
            cells: vec![Cell::text("<b>web</b>"), Cell::chip("admin"), Cell::muted("6 Dec 14:05")],
            delete: "/api/v1/users/a\"b".into(),
        };
        let html = rows("user", &[row], "Remove");
        assert_eq!(
            html,
            "<tr data-testid=\"user-row\"><td>&lt;b&gt;web&lt;/b&gt;</td>\
             <td><span class=\"role-chip\" data-role=\"admin\">admin</span></td>\
             <td class=\"muted\">6 Dec 14:05</td>\
             <td class=\"actions\"><button type=\"button\" class=\"tool danger\" data-testid=\"user-delete\" \
             data-delete=\"/api/v1/users/a&quot;b\">Remove</button></td></tr>"
        );
        assert_eq!(rows("user", &[], "Remove"), "");
    }

    #[test]
    fn forms_list_their_inputs_in_order() {
        let fields = [
            (Field::Text("share-label", "Label"), vec![]),
            (
                Field::Choice("share-host", leptos::prelude::Signal::stored(vec![])),
                vec![("@fleet".into(), "All".into()), ("h<1".into(), "H".into())],
            ),
        ];
        let html = form("share", &fields, "Create link");
        assert!(html.starts_with("<input type=\"text\" placeholder=\"Label\""), "{html}");
        assert!(html.contains("<option value=\"@fleet\">All</option><option value=\"h&lt;1\">H</option></select>"));
        assert!(html.ends_with("data-testid=\"share-create\">Create link</button>"));
        assert_eq!(head(&["Name", "Role"]), "<tr><th>Name</th><th>Role</th><th></th></tr>");
    }
}
