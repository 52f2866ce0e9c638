//! `use_past_alerts`: the alerts page's `GET /api/v1/alerts?history=1`, fetched
//! when the server is known and again whenever the live set changes (an alert that
//! leaves it has just become a past one). An answer older than the newest asked
//! for is dropped.

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::alerts::{Alert, AlertsResponse, LiveAlert};

use super::history_picture::HistoryClient;
use crate::transport::fetch_json;

/// What the alerts page has of the hub's alert history.
#[derive(Debug, Clone, PartialEq)]
pub enum PastAlerts {
    /// Nothing yet.
    Loading,
    /// The hub's answer: current alerts, then past ones, newest first.
    Shown(Vec<Alert>),
    /// The last fetch failed: why, in words.
    Failed(String),
}

/// The alert history of the page's hub, kept current with `live`.
pub fn use_past_alerts(client: HistoryClient, live: Signal<Option<Vec<LiveAlert>>>) -> Signal<PastAlerts> {
    let (past, set_past) = signal(PastAlerts::Loading);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        live.track();
        let Some(server) = client.server().get() else { return };
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            let result = fetch_json::<AlertsResponse>(&server.http_as_is("/api/v1/alerts?history=1"), None).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            set_past.set(match result {
                Ok(answer) => PastAlerts::Shown(answer.alerts),
                Err(error) => PastAlerts::Failed(error.to_string()),
            });
        });
    });
    past.into()
}
