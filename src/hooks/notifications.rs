//! `use_alert_notifications`: a desktop notification (the browser's Notification
//! API) for every alert that newly fires while the page is open, once the user
//! allowed them. The first set after the page loads announces nothing
//! (`alerts::notify`), so alerts already firing are never notified on load.

use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use crate::alerts::notify::{newly_firing, words};

/// The page's notification permission and the way to ask for it.
#[derive(Clone, Copy)]
pub struct Notifications {
    /// `granted`, `denied`, `default` (not asked yet), or `unsupported`.
    pub permission: Signal<&'static str>,
    /// Asks the browser (from a click: browsers ignore it otherwise).
    pub ask: Callback<()>,
}

/// Notifies of each alert that newly fires in `alerts`.
pub fn use_alert_notifications(alerts: Signal<Option<Vec<LiveAlert>>>) -> Notifications {
    let (permission, set_permission) = signal(current());
    let seen: StoredValue<Option<Vec<LiveAlert>>> = StoredValue::new(None);
    Effect::new(move |_| {
        alerts.with(|set| {
            let Some(set) = set else { return };
            if permission.get_untracked() == "granted" {
                seen.with_value(|before| newly_firing(before.as_deref(), set).into_iter().for_each(show));
            }
            seen.set_value(Some(set.clone()));
        });
    });
    let ask = Callback::new(move |()| {
        let Ok(promise) = Notification::request_permission() else { return };
        leptos::task::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
            set_permission.set(current());
        });
    });
    Notifications { permission: permission.into(), ask }
}

/// The permission as the browser has it now.
fn current() -> &'static str {
    let supported = js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false);
    if !supported {
        return "unsupported";
    }
    match Notification::permission() {
        NotificationPermission::Granted => "granted",
        NotificationPermission::Denied => "denied",
        _ => "default",
    }
}

/// One notification; a repeat of the same rule and host replaces the last (`tag`).
fn show(alert: &LiveAlert) {
    let (title, body) = words(alert);
    let options = NotificationOptions::new();
    options.set_body(&body);
    options.set_tag(&format!("pulse-alert:{}:{}", alert.rule, alert.host));
    let _ = Notification::new_with_options(&title, &options);
}
