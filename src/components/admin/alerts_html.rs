//! The alerts section's tables, form and request body as text, every value
//! escaped (as `html.rs` does for the other admin lists, to keep the download
//! small). Pure, so it is tested natively.

use pulse_protocol::alerts::{AlertSeverity, Delivery, DeliveryStatus, RuleHosts, RuleInfo, RuleSource, WebhookInfo};
use pulse_protocol::json::quote;
use pulse_protocol::WireName;

use super::html::escape;

/// The mutes offered: (what the API takes, what the button says).
pub const MUTES: [(&str, &str); 3] = [("15m", "15 min"), ("1h", "1 h"), ("1d", "1 day")];

/// The rules table's body. `when` writes a time (ms) for people.
pub fn rule_rows(rules: &[RuleInfo], when: &dyn Fn(i64) -> String) -> String {
    let mut out = String::new();
    for rule in rules {
        let name = escape(&rule.name);
        let source = rule.source.as_str();
        let muted = rule.muted_until.map_or_else(|| "—".to_owned(), |until| format!("until {}", when(until)));
        out.push_str(&format!(
            "<tr data-testid=\"rule-row\" data-rule=\"{name}\"><td>{name}</td>\
             <td><span class=\"role-chip\" data-source=\"{source}\">{source}</span></td>\
             <td>{}</td><td>{}</td><td>{}</td><td class=\"muted\" data-testid=\"rule-muted\">{}</td><td class=\"actions\">",
            escape(&watches(rule)),
            escape(&hosts(&rule.hosts)),
            escape(&notify(&rule.notify)),
            escape(&muted),
        ));
        if rule.muted_until.is_some() {
            out.push_str(&button("unmute", &name, "", "Unmute", "rule-unmute"));
        } else {
            out.push_str("<span class=\"mute-group\">Mute ");
            for (arg, label) in MUTES {
                out.push_str(&button("mute", &name, arg, label, &format!("rule-mute-{arg}")));
            }
            out.push_str("</span>");
        }
        if rule.source == RuleSource::Ui {
            if editable(rule) {
                out.push_str(&button("edit", &name, "", "Edit", "rule-edit"));
            }
            out.push_str(&button("delete", &name, "", "Delete", "rule-delete"));
        }
        out.push_str("</td></tr>");
    }
    out
}

/// The webhooks table's body, each with its test button.
pub fn webhook_rows(webhooks: &[WebhookInfo]) -> String {
    let mut out = String::new();
    for webhook in webhooks {
        let name = escape(&webhook.name);
        let kind = webhook.preset.as_deref().map_or("Standard Webhooks (signed)".to_owned(), |p| format!("{p} preset"));
        out.push_str(&format!(
            "<tr data-testid=\"webhook-row\"><td>{name}</td><td class=\"muted\">{}</td><td class=\"actions\">{}</td></tr>",
            escape(&kind),
            button("test", &name, "", "Send a test", "webhook-test"),
        ));
    }
    out
}

/// The delivery log's heading row (no actions column).
pub const LOG_HEAD: &str = "<tr><th>Status</th><th>Type</th><th>Webhook</th><th>Rule</th><th>Host</th>\
<th>Attempts</th><th>Last error</th><th>Queued</th></tr>";

/// The delivery log's body, the newest `limit` rows.
pub fn delivery_rows(deliveries: &[Delivery], limit: usize, when: &dyn Fn(i64) -> String) -> String {
    let mut out = String::new();
    for delivery in deliveries.iter().take(limit) {
        let status = delivery.status.as_str();
        let kind = delivery.kind.strip_prefix("alert.").unwrap_or(&delivery.kind);
        let error = delivery.last_error.as_deref().unwrap_or("");
        let next = match (delivery.status, delivery.next_attempt) {
            (DeliveryStatus::Pending, Some(at)) if delivery.attempts > 0 => format!(", next {}", when(at)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "<tr data-testid=\"delivery-row\"><td><span class=\"status-chip\" data-status=\"{status}\">{status}</span></td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"muted\">{}</td><td class=\"muted\">{}</td></tr>",
            escape(kind),
            escape(&delivery.webhook),
            escape(if delivery.rule.is_empty() { "—" } else { &delivery.rule }),
            escape(if delivery.host.is_empty() { "—" } else { &delivery.host }),
            delivery.attempts,
            escape(&format!("{error}{next}")),
            escape(&when(delivery.created)),
        ));
    }
    out
}

/// The rule form's inputs, each under its label: each has a `name` the body is
/// read by. `series` are (id, words) from the catalogue.
pub fn rule_form(series: &[(String, String)], webhooks: &[WebhookInfo]) -> String {
    let mut out = String::new();
    out.push_str(&text("name", "Name", "e.g. disk almost full", ""));
    let mut watched: Vec<(String, String)> =
        series.iter().map(|(id, words)| (id.clone(), format!("{id} ({words})"))).collect();
    watched.push(("@down".to_owned(), "Host down".to_owned()));
    watched.push(("@stale".to_owned(), "Host stale or down".to_owned()));
    out.push_str(&choice("series", "Watches", &watched));
    let pairs = |names: &[&str]| names.iter().map(|n| ((*n).to_owned(), (*n).to_owned())).collect::<Vec<_>>();
    out.push_str(&choice("direction", "Fires when", &pairs(&["above", "below"])));
    out.push_str(&text("threshold", "Threshold", "e.g. 90", ""));
    out.push_str(&text("recover", "Recovers past", "optional, e.g. 80", ""));
    out.push_str(&text("for", "For", "e.g. 30s", "30s"));
    out.push_str(&choice("severity", "Severity", &pairs(&["warning", "critical"])));
    out.push_str(&text("hosts", "Hosts", "*, web1, web2 or tag:env=prod", "*"));
    out.push_str(&text("repeat", "Remind every", "optional, e.g. 1h", ""));
    let mut targets = vec![(String::new(), "every webhook".to_owned())];
    targets.extend(webhooks.iter().map(|w| (w.name.clone(), format!("{} only", w.name))));
    targets.push(("-".to_owned(), "none (shown here only)".to_owned()));
    out.push_str(&choice("notify", "Notifies", &targets));
    out
}

/// The form's values for `rule`, by input name; `None` for a rule the form cannot
/// show (two levels: edited through the API or the file).
pub fn form_values(rule: &RuleInfo) -> Option<Vec<(&'static str, String)>> {
    if !editable(rule) {
        return None;
    }
    let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    let (series, direction, threshold, recover) = match (&rule.condition, rule.above, rule.below) {
        (Some(condition), _, _) => (format!("@{condition}"), "above", String::new(), String::new()),
        (None, Some(above), _) => {
            (rule.series.clone().unwrap_or_default(), "above", above.to_string(), number(rule.recover_below))
        }
        (None, None, below) => {
            (rule.series.clone().unwrap_or_default(), "below", number(below), number(rule.recover_above))
        }
    };
    let notify = match rule.notify.as_slice() {
        [] => "-".to_owned(),
        [one] => one.clone(),
        _ => String::new(),
    };
    let severity = rule.severity.unwrap_or(AlertSeverity::Warning).as_str().to_owned();
    Some(vec![
        ("name", rule.name.clone()),
        ("series", series),
        ("direction", direction.to_owned()),
        ("threshold", threshold),
        ("recover", recover),
        ("for", rule.hold.clone()),
        ("severity", severity),
        ("hosts", hosts(&rule.hosts)),
        ("repeat", rule.repeat.clone().unwrap_or_default()),
        ("notify", notify),
    ])
}

/// The JSON body of the form, whose values `get` reads by input name. A threshold
/// that is not a number is sent as text, so the hub's answer names the field.
pub fn rule_body(get: &dyn Fn(&str) -> String) -> String {
    let mut fields = vec![format!("\"name\":{}", quote(get("name").trim()))];
    let series = get("series");
    match series.strip_prefix('@') {
        Some(condition) => fields.push(format!("\"condition\":{}", quote(condition))),
        None => {
            fields.push(format!("\"series\":{}", quote(&series)));
            let above = get("direction") != "below";
            let (at, recover) = if above { ("above", "recover_below") } else { ("below", "recover_above") };
            fields.push(format!("\"{at}\":{}", number(&get("threshold"))));
            if !get("recover").trim().is_empty() {
                fields.push(format!("\"{recover}\":{}", number(&get("recover"))));
            }
        }
    }
    let hosts = get("hosts");
    let hosts = hosts.trim();
    if hosts.contains(',') {
        let names: Vec<String> = hosts.split(',').map(str::trim).filter(|h| !h.is_empty()).map(quote).collect();
        fields.push(format!("\"hosts\":[{}]", names.join(",")));
    } else if !hosts.is_empty() {
        fields.push(format!("\"hosts\":{}", quote(hosts)));
    }
    for key in ["for", "severity", "repeat"] {
        let value = get(key);
        if !value.trim().is_empty() {
            fields.push(format!("\"{key}\":{}", quote(value.trim())));
        }
    }
    match get("notify").as_str() {
        "" => {}
        "-" => fields.push("\"notify\":[]".to_owned()),
        one => fields.push(format!("\"notify\":[{}]", quote(one))),
    }
    format!("{{{}}}", fields.join(","))
}

/// Whether the form can show `rule` (one level, or a host status rule).
fn editable(rule: &RuleInfo) -> bool {
    rule.condition.is_some() || rule.above.is_some() || rule.below.is_some()
}

/// What a rule watches, in words: `cpu.total above 90 (recovers below 80) for 30s, critical`.
fn watches(rule: &RuleInfo) -> String {
    let mut out = match (&rule.condition, &rule.series) {
        (Some(condition), _) if condition == "down" => "host down".to_owned(),
        (Some(_), _) => "host stale or down".to_owned(),
        (None, series) => {
            let series = series.as_deref().unwrap_or("?");
            let levels = [
                ("", rule.above, rule.recover_below, "above", "below"),
                ("", rule.below, rule.recover_above, "below", "above"),
                ("warning ", rule.warning_above, rule.warning_recover_below, "above", "below"),
                ("warning ", rule.warning_below, rule.warning_recover_above, "below", "above"),
                ("critical ", rule.critical_above, rule.critical_recover_below, "above", "below"),
                ("critical ", rule.critical_below, rule.critical_recover_above, "below", "above"),
            ];
            let parts: Vec<String> = levels
                .iter()
                .filter_map(|(level, at, recover, side, back)| {
                    let at = (*at)?;
                    let recover = recover.map_or(String::new(), |r| format!(" (recovers {back} {r})"));
                    Some(format!("{level}{side} {at}{recover}"))
                })
                .collect();
            format!("{series} {}", parts.join(", "))
        }
    };
    if rule.hold != "0" {
        out.push_str(&format!(" for {}", rule.hold));
    }
    if let Some(severity) = rule.severity {
        out.push_str(&format!(", {}", severity.as_str()));
    }
    if let Some(repeat) = &rule.repeat {
        out.push_str(&format!(", every {repeat} again"));
    }
    out
}

fn hosts(hosts: &RuleHosts) -> String {
    match hosts {
        RuleHosts::Pattern(pattern) => pattern.clone(),
        RuleHosts::Named(names) => names.join(", "),
    }
}

fn notify(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// A number as JSON, or the text quoted when it is not one.
fn number(text: &str) -> String {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => value.to_string(),
        _ => quote(text.trim()),
    }
}

/// A row's button; `name` is already escaped.
fn button(act: &str, name: &str, arg: &str, label: &str, testid: &str) -> String {
    let danger = if act == "delete" { " danger" } else { "" };
    format!(
        "<button type=\"button\" class=\"tool{danger}\" data-act=\"{act}\" data-rule=\"{name}\" data-arg=\"{arg}\" data-testid=\"{testid}\">{label}</button>"
    )
}

fn text(name: &str, label: &str, placeholder: &str, value: &str) -> String {
    format!(
        "<label class=\"rule-field\"><span>{label}</span><input type=\"text\" name=\"{name}\" value=\"{}\" placeholder=\"{}\" autocomplete=\"off\" data-testid=\"rule-{name}\"></label>",
        escape(value),
        escape(placeholder)
    )
}

fn choice(name: &str, label: &str, options: &[(String, String)]) -> String {
    let mut out =
        format!("<label class=\"rule-field\"><span>{label}</span><select name=\"{name}\" data-testid=\"rule-{name}\">");
    for (value, text) in options {
        out.push_str(&format!("<option value=\"{}\">{}</option>", escape(value), escape(text)));
    }
    out.push_str("</select></label>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, source: RuleSource) -> RuleInfo {
        RuleInfo {
            name: name.into(),
            source,
            series: Some("cpu.total".into()),
            above: Some(90.0),
            recover_below: Some(80.0),
            severity: Some(AlertSeverity::Critical),
            hold: "30s".into(),
            notify: vec!["ops".into()],
            ..RuleInfo::default()
        }
    }

    #[test]
    fn rows_say_what_a_rule_watches_and_offer_what_its_source_allows() {
        let when = |ms: i64| format!("t{ms}");
        let mut muted = rule("<b>", RuleSource::File);
        muted.muted_until = Some(5);
        let html = rule_rows(&[rule("ui one", RuleSource::Ui), muted], &when);
        assert!(html.contains("cpu.total above 90 (recovers below 80) for 30s, critical"), "{html}");
        assert!(html.contains("data-rule=\"&lt;b&gt;\""), "escaped: {html}");
        assert_eq!(html.matches("data-testid=\"rule-delete\"").count(), 1, "only the UI's rule is deleted here");
        assert_eq!(html.matches("data-testid=\"rule-mute-1h\"").count(), 1, "the muted one offers unmute");
        assert!(html.contains(">until t5<") && html.contains("data-testid=\"rule-unmute\""), "{html}");
    }

    #[test]
    fn the_form_reads_back_into_the_rule_it_showed() {
        let mut shown = rule("disk", RuleSource::Ui);
        shown.hosts = RuleHosts::Named(vec!["web1".into(), "web2".into()]);
        shown.repeat = Some("1h".into());
        let values = form_values(&shown).expect("editable");
        let get = |key: &str| values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or_default();
        assert_eq!(
            rule_body(&get),
            r#"{"name":"disk","series":"cpu.total","above":90,"recover_below":80,"hosts":["web1","web2"],"for":"30s","severity":"critical","repeat":"1h","notify":["ops"]}"#
        );
        let status = |key: &str| match key {
            "name" => "gone".to_owned(),
            "series" => "@down".to_owned(),
            "threshold" => "high".to_owned(),
            "hosts" => "tag:env=prod".to_owned(),
            "notify" => "-".to_owned(),
            _ => String::new(),
        };
        assert_eq!(rule_body(&status), r#"{"name":"gone","condition":"down","hosts":"tag:env=prod","notify":[]}"#);
        let typo = |key: &str| if key == "threshold" { " high ".to_owned() } else { String::new() };
        assert!(rule_body(&typo).contains(r#""above":"high""#), "sent as text, for the hub to name");
    }

    #[test]
    fn webhooks_and_deliveries_are_listed_escaped() {
        let hooks = [WebhookInfo { name: "o\"ps".into(), source: RuleSource::File, preset: Some("slack".into()) }];
        let html = webhook_rows(&hooks);
        assert!(html.contains("data-rule=\"o&quot;ps\"") && html.contains("slack preset"), "{html}");
        let form = rule_form(&[("cpu.total".into(), "CPU <total>".into())], &hooks);
        assert!(form.contains("<option value=\"cpu.total\">cpu.total (CPU &lt;total&gt;)</option>"), "{form}");
        assert!(form.contains("<option value=\"@down\">Host down</option>"), "{form}");
        assert!(form.contains("<option value=\"o&quot;ps\">o&quot;ps only</option>"), "{form}");
        assert!(form.contains("<span>Threshold</span><input type=\"text\" name=\"threshold\""), "{form}");
        let delivery = Delivery {
            id: "msg_1".into(),
            webhook: "ops".into(),
            rule: String::new(),
            host: String::new(),
            kind: "alert.test".into(),
            status: DeliveryStatus::Pending,
            attempts: 2,
            last_error: Some("HTTP <500>".into()),
            next_attempt: Some(9),
            created: 1,
        };
        let html = delivery_rows(&[delivery.clone(), delivery], 1, &|ms| format!("t{ms}"));
        assert_eq!(html.matches("<tr").count(), 1, "limited");
        assert!(html.contains("<td>test</td>") && html.contains("HTTP &lt;500&gt;, next t9"), "{html}");
    }
}
