//! The alerts page (`?view=alerts`): the current alerts, live from the stream, and
//! past ones (`GET /api/v1/alerts?history=1`), filterable by host, severity and
//! rule, and the button that allows desktop notifications.

mod html;

use leptos::prelude::*;
use pulse_protocol::alerts::{Alert, LiveAlert};

use crate::alerts::list::{choices, rows};
use crate::alerts::{Filter, Row};
use crate::hooks::{Notifications, PastAlerts};

/// Every alert the hub knows, with filters.
#[component]
pub fn AlertsPage(
    /// The live set (`None` until the stream sent one).
    #[prop(into)]
    live: Signal<Option<Vec<LiveAlert>>>,
    /// The hub's alert history.
    #[prop(into)]
    past: Signal<PastAlerts>,
    /// A host's page, by id.
    link: Callback<String, String>,
    /// Desktop notifications: their permission and the way to ask.
    notifications: Notifications,
) -> impl IntoView {
    let filter = RwSignal::new(Filter::default());
    let all = Memo::new(move |_| {
        past.with(|past| {
            let fetched: &[Alert] = match past {
                PastAlerts::Shown(alerts) => alerts,
                _ => &[],
            };
            live.with(|live| rows(live.as_deref(), fetched))
        })
    });
    let tz = -js_sys::Date::new_0().get_timezone_offset();
    let body = Signal::derive(move || {
        all.with(|all| {
            filter.with(|filter| {
                let kept: Vec<&Row> = all.iter().filter(|row| filter.keeps(row)).collect();
                html::rows(&kept, &|id| link.run(id.to_owned()), tz)
            })
        })
    });
    let shown = Signal::derive(move || all.with(|all| filter.with(|f| all.iter().filter(|r| f.keeps(r)).count())));
    let counts = Signal::derive(move || {
        all.with(|all| {
            let current = all.iter().filter(|row| html::current(row)).count();
            format!("{current} current · {} past", all.len() - current)
        })
    });
    let hosts = Signal::derive(move || {
        all.with(|all| filter.with(|f| html::options("Any host", &choices(all, |r| &r.host), &f.host)))
    });
    let rules = Signal::derive(move || {
        all.with(|all| filter.with(|f| html::options("Any rule", &choices(all, |r| &r.rule), &f.rule)))
    });
    let severities = Signal::derive(move || {
        let chosen = filter.with(|f| f.severity.map_or("", pulse_protocol::WireName::as_str));
        html::options("Any severity", &["critical".to_owned(), "warning".to_owned()], chosen)
    });
    let failed = Signal::derive(move || match past.get() {
        PastAlerts::Failed(reason) => format!("Past alerts could not be loaded: {reason}"),
        _ => String::new(),
    });
    let empty = Signal::derive(move || shown.get() > 0 || !matches!(past.get(), PastAlerts::Shown(_)));
    view! {
        <section class="alerts-page" data-testid="alerts-page">
            <div class="alerts-head">
                <h1>"Alerts"</h1>
                <span class="muted" data-testid="alerts-counts">{counts}</span>
                <NotifyButton notifications=notifications />
            </div>
            <div class="alerts-filters">
                <FilterSelect
                    label="Host"
                    test_id="filter-host"
                    options=hosts
                    choose=Callback::new(move |host| filter.update(|f| f.host = host))
                />
                <FilterSelect
                    label="Severity"
                    test_id="filter-severity"
                    options=severities
                    choose=Callback::new(move |chosen: String| {
                        filter.update(|f| f.severity = pulse_protocol::WireName::from_name(&chosen))
                    })
                />
                <FilterSelect
                    label="Rule"
                    test_id="filter-rule"
                    options=rules
                    choose=Callback::new(move |rule| filter.update(|f| f.rule = rule))
                />
            </div>
            <p class="error-note" role="alert" hidden=Signal::derive(move || failed.with(String::is_empty))>{failed}</p>
            <table class="alerts-table">
                <thead>
                    <tr>
                        <th>"State"</th>
                        <th>"Severity"</th>
                        <th>"Rule"</th>
                        <th>"Host"</th>
                        <th>"Since"</th>
                        <th>"Lasted"</th>
                        <th class="num">"Value"</th>
                    </tr>
                </thead>
                <tbody data-testid="alerts-rows" inner_html=body></tbody>
            </table>
            <p class="muted" data-testid="alerts-empty" hidden=empty>"No alerts match."</p>
        </section>
    }
}

/// One filter: a labelled choice whose options are given as HTML.
#[component]
fn FilterSelect(
    /// What it filters by.
    label: &'static str,
    /// `data-testid` of the `<select>`.
    test_id: &'static str,
    /// Its `<option>`s (`html::options`).
    options: Signal<String>,
    /// Told the chosen value (empty: any).
    choose: Callback<String>,
) -> impl IntoView {
    view! {
        <label>
            {label}
            <select data-testid=test_id inner_html=options on:change=move |ev| choose.run(event_target_value(&ev))></select>
        </label>
    }
}

/// Asks for desktop notifications, or says what the browser decided.
#[component]
fn NotifyButton(notifications: Notifications) -> impl IntoView {
    let permission = notifications.permission;
    let text = Signal::derive(move || {
        match permission.get() {
            "granted" => "Desktop notifications on",
            "denied" => "Desktop notifications blocked in this browser",
            "unsupported" => "No desktop notifications in this browser",
            _ => "Notify me on this desktop",
        }
        .to_owned()
    });
    let settled = Signal::derive(move || permission.get() != "default");
    view! {
        <button
            type="button"
            class="tool notify-button"
            data-testid="notify-button"
            data-permission=permission
            disabled=settled
            on:click=move |_| notifications.ask.run(())
        >
            {text}
        </button>
    }
}
