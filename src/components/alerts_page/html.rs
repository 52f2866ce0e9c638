//! The alerts page's table rows and filter options as HTML text, every value
//! escaped. The list changes only when an alert does, so it is set as one
//! `innerHTML` rather than compiled as views (which cost the download per cell).

use pulse_protocol::alerts::{AlertSeverity, AlertState};
use pulse_protocol::WireName;

use crate::alerts::Row;
use crate::format;

/// `text` safe inside an element or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The table's rows; `link` gives a host's page, `tz` is minutes east of UTC.
pub fn rows(rows: &[&Row], link: &dyn Fn(&str) -> String, tz: f64) -> String {
    let mut out = String::new();
    for row in rows {
        let state = row.state.as_str();
        let severity = row.severity.map_or("", AlertSeverity::as_str);
        let when = |ms: i64| format!("{} {}", format::calendar::day(ms as f64, tz), format::clock(ms as f64, tz, true));
        let (since, lasted) = match row.until {
            Some(until) => (when(row.since), format::duration((until - row.since) as f64 / 1e3)),
            None => (when(row.since), String::new()),
        };
        let value = row.value.map(compact).unwrap_or_default();
        out.push_str(&format!(
            "<tr data-testid=\"alert-row\" data-state=\"{state}\" data-severity=\"{severity}\">\
             <td><span class=\"alert-state\" data-state=\"{state}\">{state}</span></td>\
             <td><span class=\"severity-chip\" data-severity=\"{severity}\">{severity}</span></td>\
             <td>{}</td><td><a href=\"{}\">{}</a></td><td>{since}</td><td>{lasted}</td><td class=\"num\">{value}</td></tr>",
            escape(&row.rule),
            escape(&link(&row.host)),
            escape(&row.host),
        ));
    }
    out
}

/// A value whose unit the page may not know (another host's series): two decimals
/// below a thousand, else three digits and a decimal prefix (`1.34 G`).
fn compact(value: f64) -> String {
    let mut scaled = value;
    for prefix in ["", " k", " M", " G", " T", " P"] {
        if scaled.abs() < 999.5 || prefix == " P" {
            let decimals = if prefix.is_empty() || scaled.abs() < 9.995 {
                2
            } else if scaled.abs() < 99.95 {
                1
            } else {
                0
            };
            return format!("{}{prefix}", format::fixed(scaled, decimals));
        }
        scaled /= 1000.0;
    }
    format::fixed(value, 2)
}

/// A filter's `<option>`s: "any" (the empty value) then each choice, `chosen` selected.
pub fn options(any: &str, choices: &[String], chosen: &str) -> String {
    let mut out = format!("<option value=\"\">{}</option>", escape(any));
    for choice in choices {
        let selected = if choice == chosen { " selected" } else { "" };
        let text = escape(choice);
        out.push_str(&format!("<option value=\"{text}\"{selected}>{text}</option>"));
    }
    out
}

/// Whether a row is current (pending or firing) rather than past.
pub fn current(row: &Row) -> bool {
    row.until.is_none() && row.state != AlertState::Resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(host: &str, until: Option<i64>) -> Row {
        Row {
            rule: "cpu <busy>".into(),
            host: host.into(),
            state: if until.is_some() { AlertState::Resolved } else { AlertState::Firing },
            severity: Some(AlertSeverity::Critical),
            since: 1_765_000_000_000,
            until,
            value: Some(97.5),
        }
    }

    #[test]
    fn rows_escape_every_value_and_say_how_long_a_past_alert_lasted() {
        let (firing, past) = (row("web\"1", None), row("db", Some(1_765_000_090_000)));
        let html = rows(&[&firing, &past], &|id| format!("?host={id}&x=1"), 0.0);
        assert_eq!(html.matches("data-testid=\"alert-row\"").count(), 2);
        assert!(html.contains("cpu &lt;busy&gt;"), "{html}");
        assert!(html.contains("href=\"?host=web&quot;1&amp;x=1\""), "{html}");
        assert!(html.contains("<td>6 Dec 05:46:40</td>"), "{html}");
        assert!(html.contains("<td>1 min 30 s</td>"), "{html}");
        assert!(html.contains("data-state=\"resolved\""), "{html}");
        assert!(html.contains("<td class=\"num\">97.50</td>"), "{html}");
        assert!(current(&firing) && !current(&past));
    }

    #[test]
    fn values_of_unknown_unit_are_written_short() {
        let cases = [
            (97.5, "97.50"),
            (0.0, "0.00"),
            (-3.25, "-3.25"),
            (1_341_927_424.0, "1.34 G"),
            (45_600.0, "45.6 k"),
            (999_999.0, "1.00 M"),
            (512e3, "512 k"),
        ];
        for (value, want) in cases {
            assert_eq!(compact(value), want, "{value}");
        }
    }

    #[test]
    fn options_mark_the_chosen_one() {
        let choices = ["a".to_owned(), "b<".to_owned()];
        assert_eq!(
            options("Any host", &choices, "b<"),
            "<option value=\"\">Any host</option><option value=\"a\">a</option>\
             <option value=\"b&lt;\" selected>b&lt;</option>"
        );
    }
}
