//! `use_alert_rules`: the admin screen's alerts (the rules in force, the webhooks,
//! the delivery log and the series a rule may watch) and the calls that change
//! them: save a rule, delete it, mute it for a while, send a webhook a test. The
//! rules and the log are read again every few seconds while the screen is open.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::alerts::{
    DeliveriesResponse, Delivery, RuleInfo, RulesResponse, SetAsideInfo, TestQueued, WebhookInfo,
};
use pulse_protocol::from_json;

use super::admin::explain;
use crate::transport::{fetch_series, fetch_text, send, HttpError, ServerUrl};

/// How often the rules and the delivery log are read again.
const REFRESH: Duration = Duration::from_secs(5);

/// What an admin does to the alerts.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertAction {
    /// Saves a rule: a new one (`editing` none) or a replacement of `editing`.
    Save {
        /// The rule being edited, if any.
        editing: Option<String>,
        /// The rule as JSON, in the rules file's keys.
        body: String,
    },
    /// Deletes a rule made in the UI.
    Delete(String),
    /// Mutes a rule for a duration (`"1h"`), or unmutes it (`None`).
    Mute(String, Option<&'static str>),
    /// Sends a webhook a test notification.
    Test(String),
}

/// The alerts' signals and the call that changes them.
#[derive(Clone, Copy)]
pub struct AlertsAdmin {
    /// The rules in force.
    pub rules: Signal<Vec<RuleInfo>>,
    /// Rules kept but not in force.
    pub set_aside: Signal<Vec<SetAsideInfo>>,
    /// The webhooks rules may notify.
    pub webhooks: Signal<Vec<WebhookInfo>>,
    /// The delivery log, newest first.
    pub deliveries: Signal<Vec<Delivery>>,
    /// The series a rule may watch: (id, words), from the catalogue.
    pub series: Signal<Vec<(String, String)>>,
    /// The last error, as the hub explained it.
    pub error: Signal<Option<String>>,
    /// What the last action did (a test queued, a rule saved).
    pub notice: Signal<Option<String>>,
    /// Acts, then reads the lists again.
    pub act: Callback<AlertAction>,
}

/// Reads the lists from `server` and keeps them current.
pub fn use_alert_rules(server: ServerUrl) -> AlertsAdmin {
    let rules = RwSignal::new(Vec::<RuleInfo>::new());
    let set_aside = RwSignal::new(Vec::<SetAsideInfo>::new());
    let webhooks = RwSignal::new(Vec::<WebhookInfo>::new());
    let deliveries = RwSignal::new(Vec::<Delivery>::new());
    let series = RwSignal::new(Vec::<(String, String)>::new());
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let server = StoredValue::new(server);

    let reload = move || {
        let server = server.get_value();
        spawn_local(async move {
            for (i, path) in ["/api/v1/alerts/rules", "/api/v1/alerts/deliveries"].iter().enumerate() {
                let read = fetch_text(&server.http_as_is(path), None).await.and_then(|text| {
                    let body = |e: pulse_protocol::JsonError| HttpError::Body(e.to_string());
                    if i == 0 {
                        let listing = from_json::<RulesResponse>(&text).map_err(body)?;
                        rules.set(listing.rules);
                        webhooks.set(listing.webhooks);
                        set_aside.set(listing.set_aside);
                    } else {
                        deliveries.set(from_json::<DeliveriesResponse>(&text).map_err(body)?.deliveries);
                    }
                    Ok(())
                });
                if let Err(e) = read {
                    error.set(Some(explain(&e)));
                }
            }
        });
    };
    reload();
    spawn_local(async move {
        let Ok(catalog) = fetch_series(&server.get_value()).await else { return };
        let mut seen: Vec<(String, String)> = Vec::new();
        for info in catalog.series {
            if !seen.iter().any(|(id, _)| *id == info.id) {
                seen.push((info.id, format!("{} {}", info.group, info.label)));
            }
        }
        series.set(seen);
    });
    match set_interval_with_handle(reload, REFRESH) {
        Ok(handle) => on_cleanup(move || handle.clear()),
        Err(_) => leptos::logging::warn!("the alerts will not refresh by themselves"),
    }

    let act = Callback::new(move |action: AlertAction| {
        let server = server.get_value();
        spawn_local(async move {
            let (method, path, body) = request_for(&action);
            match send(method, &server.http_as_is(&path), body.as_deref()).await {
                Ok(text) => {
                    error.set(None);
                    notice.set(Some(match &action {
                        AlertAction::Test(name) => match from_json::<TestQueued>(&text) {
                            Ok(queued) => format!("Test queued for {name} ({}); see the delivery log.", queued.id),
                            Err(_) => format!("Test queued for {name}."),
                        },
                        AlertAction::Save { .. } => "Rule saved.".to_owned(),
                        AlertAction::Delete(name) => format!("Rule {name} deleted."),
                        AlertAction::Mute(name, Some(hold)) => format!("Rule {name} muted for {hold}."),
                        AlertAction::Mute(name, None) => format!("Rule {name} unmuted."),
                    }));
                    reload();
                }
                Err(e) => {
                    notice.set(None);
                    error.set(Some(explain(&e)));
                }
            }
        });
    });

    AlertsAdmin {
        rules: rules.into(),
        set_aside: set_aside.into(),
        webhooks: webhooks.into(),
        deliveries: deliveries.into(),
        series: series.into(),
        error: error.into(),
        notice: notice.into(),
        act,
    }
}

/// The request an action makes: method, path and JSON body.
fn request_for(action: &AlertAction) -> (&'static str, String, Option<String>) {
    let rule = |name: &str| format!("/api/v1/alerts/rules/{}", String::from(js_sys::encode_uri_component(name)));
    match action {
        AlertAction::Save { editing: None, body } => ("POST", "/api/v1/alerts/rules".to_owned(), Some(body.clone())),
        AlertAction::Save { editing: Some(name), body } => ("PUT", rule(name), Some(body.clone())),
        AlertAction::Delete(name) => ("DELETE", rule(name), None),
        AlertAction::Mute(name, Some(hold)) => {
            ("POST", format!("{}/mute", rule(name)), Some(pulse_protocol::json::object(&[("for", hold)])))
        }
        AlertAction::Mute(name, None) => ("DELETE", format!("{}/mute", rule(name)), None),
        AlertAction::Test(name) => {
            ("POST", format!("/api/v1/alerts/webhooks/{}/test", String::from(js_sys::encode_uri_component(name))), None)
        }
    }
}
