//! The alerts section of the admin screen: the rules in force (the file's and the
//! UI's, with their mutes), a form to make or edit a rule, the webhooks with their
//! test button, and the delivery log. Tables and form are set as escaped HTML
//! (`alerts_html`); one click listener per table reads the button's `data-act`.

use leptos::html::Form;
use leptos::prelude::*;
use pulse_protocol::WireName;
use wasm_bindgen::JsCast;

use super::alerts_html::{self as html, MUTES};
use crate::access::words;
use crate::hooks::{AlertAction, AlertsAdmin};

/// The delivery log's rows shown.
const LOG_ROWS: usize = 50;

/// The alerts section.
#[component]
pub fn AlertsSection(
    /// The lists and the call that changes them.
    alerts: AlertsAdmin,
) -> impl IntoView {
    let offset = -js_sys::Date::new_0().get_timezone_offset();
    let when = move |ms: i64| words::when(ms.max(0) as u64, offset);
    let editing = RwSignal::new(None::<String>);
    let form_ref = NodeRef::<Form>::new();

    let form = Signal::derive(move || alerts.series.with(|s| alerts.webhooks.with(|w| html::rule_form(s, w))));
    let rules = Signal::derive(move || alerts.rules.with(|rules| html::rule_rows(rules, &when)));
    let webhooks = Signal::derive(move || alerts.webhooks.with(|w| html::webhook_rows(w)));
    let log = Signal::derive(move || alerts.deliveries.with(|d| html::delivery_rows(d, LOG_ROWS, &when)));
    let set_aside = Signal::derive(move || {
        alerts.set_aside.with(|aside| {
            aside
                .iter()
                .map(|a| format!("Not in force: {} ({}): {}", a.name, a.source.as_str(), a.why))
                .collect::<Vec<_>>()
                .join(" ")
        })
    });
    let notice = Signal::derive(move || alerts.notice.get().unwrap_or_default());
    let error = Signal::derive(move || alerts.error.get().unwrap_or_default());
    let heading = Signal::derive(move || match editing.get() {
        Some(name) => format!("Editing rule \"{name}\": save to replace it."),
        None => "New rule: a series of the catalogue past a threshold, or a host down.".to_owned(),
    });
    let submit_label = Signal::derive(move || if editing.get().is_some() { "Save rule" } else { "Create rule" });

    let field = move |name: &str| -> Option<web_sys::Element> {
        form_ref.get()?.query_selector(&format!("[name=\"{name}\"]")).ok().flatten()
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let get = |name: &str| {
            field(name)
                .and_then(|node| js_sys::Reflect::get(&node, &"value".into()).ok())
                .and_then(|value| value.as_string())
                .unwrap_or_default()
        };
        let body = html::rule_body(&get);
        alerts.act.run(AlertAction::Save { editing: editing.get_untracked(), body });
        editing.set(None);
    };
    let cancel = move |_| {
        if let Some(form) = form_ref.get() {
            form.reset();
        }
        editing.set(None);
    };
    let on_rules = move |event: leptos::ev::MouseEvent| {
        let Some((act, rule, arg)) = clicked(&event) else { return };
        match act.as_str() {
            "mute" => {
                if let Some((hold, _)) = MUTES.iter().find(|(hold, _)| *hold == arg) {
                    alerts.act.run(AlertAction::Mute(rule, Some(*hold)));
                }
            }
            "unmute" => alerts.act.run(AlertAction::Mute(rule, None)),
            "delete" => alerts.act.run(AlertAction::Delete(rule)),
            "edit" => {
                let values = alerts
                    .rules
                    .with_untracked(|rules| rules.iter().find(|r| r.name == rule).and_then(html::form_values));
                for (name, value) in values.unwrap_or_default() {
                    if let Some(node) = field(name) {
                        let _ = js_sys::Reflect::set(&node, &"value".into(), &value.into());
                    }
                }
                editing.set(Some(rule));
            }
            _ => {}
        }
    };
    let on_webhooks = move |event: leptos::ev::MouseEvent| {
        if let Some((act, webhook, _)) = clicked(&event) {
            if act == "test" {
                alerts.act.run(AlertAction::Test(webhook));
            }
        }
    };

    view! {
        <section class="admin-section alerts-admin" data-testid="alerts-admin">
            <h2>"Alerts"</h2>
            <p class="muted">
                "Rules from the rules file are changed there, and can be muted here. Webhooks and their secrets live in the rules file."
            </p>
            <p class="admin-notice" role="status" data-testid="alerts-notice">{notice}</p>
            <p class="admin-error" role="alert" data-testid="alerts-error">{error}</p>
            <p class="admin-error" data-testid="alerts-set-aside">{set_aside}</p>
            <h3>"Rules"</h3>
            <table class="admin-table">
                <thead inner_html=super::html::head(&["Name", "Source", "Watches", "Hosts", "Notifies", "Muted"])></thead>
                <tbody on:click=on_rules inner_html=rules data-testid="rules"></tbody>
            </table>
            <p class="muted rule-heading" data-testid="rule-heading">{heading}</p>
            <form class="admin-form rule-form" node_ref=form_ref on:submit=on_submit>
                <div class="rule-fields" inner_html=form></div>
                <div class="rule-buttons">
                    <button class="tool primary" type="submit" data-testid="rule-save">{submit_label}</button>
                    <button class="tool" type="button" data-testid="rule-cancel" hidden=move || editing.get().is_none() on:click=cancel>
                        "Cancel"
                    </button>
                </div>
            </form>
            <h3>"Webhooks"</h3>
            <table class="admin-table">
                <thead inner_html=super::html::head(&["Name", "Format"])></thead>
                <tbody on:click=on_webhooks inner_html=webhooks data-testid="webhooks"></tbody>
            </table>
            <h3>"Delivery log"</h3>
            <table class="admin-table delivery-log">
                <thead inner_html=html::LOG_HEAD></thead>
                <tbody inner_html=log data-testid="deliveries"></tbody>
            </table>
        </section>
    }
}

/// The clicked button's `data-act`, `data-rule` and `data-arg`.
fn clicked(event: &leptos::ev::MouseEvent) -> Option<(String, String, String)> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let button = target.closest("[data-act]").ok().flatten()?;
    let attribute = |name: &str| button.get_attribute(name).unwrap_or_default();
    Some((attribute("data-act"), attribute("data-rule"), attribute("data-arg")))
}
