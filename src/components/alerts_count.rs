//! The top bar's alert count: how many alerts fire across the fleet, in the colour
//! of the worst one's severity, linking to the alerts page. It changes only when an
//! alert does (a status, like the connection badge), so it is DOM text.

use leptos::prelude::*;
use pulse_protocol::alerts::LiveAlert;

use crate::alerts::summary::badge;

/// The count, or nothing while the hub has sent no set (alerts off, or an older hub).
#[component]
pub fn AlertsCount(
    /// The live set (`None` until the stream sent one).
    #[prop(into)]
    alerts: Signal<Option<Vec<LiveAlert>>>,
    /// The alerts page's address.
    href: String,
) -> impl IntoView {
    let summary = Memo::new(move |_| alerts.with(|set| set.as_deref().map(|set| badge(set, None))));
    let text = Signal::derive(move || match summary.get() {
        Some(b) if b.firing > 0 => format!("{} firing", b.firing),
        _ => "No alerts firing".to_owned(),
    });
    let severity = Signal::derive(move || summary.get().map_or("", |b| b.severity_name()).to_owned());
    view! {
        <a
            class="alerts-count"
            href=href
            data-testid="alerts-count"
            data-severity=severity
            hidden=Signal::derive(move || summary.get().is_none())
            title="Alerts"
        >
            <span class="alerts-bell" aria-hidden="true"></span>
            {text}
        </a>
    }
}
