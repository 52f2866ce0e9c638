//! The alerts' wire types: `GET /api/v1/alerts` (the current alerts and, with
//! `?history=1`, past ones) and `GET /api/v1/alerts/deliveries` (the webhook
//! delivery log, for admins). Times are ms since the Unix epoch, as everywhere on
//! the wire. The rules' API (listing, changes, mutes, tests) is `rules`; `live` is
//! the stream message that carries the current ones.

mod live;
mod rules;

use serde::{Deserialize, Serialize};

pub use rules::{
    MuteRequest, MuteResponse, RuleHosts, RuleInfo, RuleSource, RulesResponse, SetAsideInfo, TestQueued, WebhookInfo,
};

use crate::names::wire_names;

pub use live::{LiveAlert, LiveAlerts};

/// Answer to `GET /api/v1/alerts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertsResponse {
    /// The current alerts (pending, firing, and resolved ones not yet back to ok),
    /// then, with `?history=1`, past ones (resolved, with `until`), newest first.
    pub alerts: Vec<Alert>,
}

/// One rule on one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// The rule's name.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// Where it is.
    pub state: AlertState,
    /// Its level (pending: the level it is heading for).
    pub severity: Option<AlertSeverity>,
    /// When it entered `state` (for a past alert: when it began firing).
    pub since: i64,
    /// The last value of the rule's series (none for a host status rule).
    pub value: Option<f64>,
    /// A past alert: when it resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
}

wire_names! {
    /// Where an alert is (`ok` is never listed).
    pub enum AlertState {
        /// The condition holds, not yet for the rule's `for`.
        Pending = "pending",
        /// The condition has held for `for`.
        Firing = "firing",
        /// It fired and has recovered.
        Resolved = "resolved",
    }
}

wire_names! {
    /// How bad an alert is.
    pub enum AlertSeverity {
        /// Worth a look.
        Warning = "warning",
        /// Worth waking someone.
        Critical = "critical",
    }
}

/// Answer to `GET /api/v1/alerts/deliveries` (admins): one row per notification
/// and webhook, the newest first. Never a secret or a URL's credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveriesResponse {
    /// The deliveries.
    pub deliveries: Vec<Delivery>,
}

/// One notification to one webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// The Standard Webhooks message id (`webhook-id`), the same on every attempt.
    pub id: String,
    /// The webhook's name in the rules file.
    pub webhook: String,
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// `alert.firing`, `alert.resolved` or `alert.reminder`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where it is.
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// When it is tried next (pending only).
    pub next_attempt: Option<i64>,
    /// When it was queued.
    pub created: i64,
}

wire_names! {
    /// Where a delivery is.
    pub enum DeliveryStatus {
        /// Queued, or waiting for its next attempt.
        Pending = "pending",
        /// The receiver answered 2xx.
        Delivered = "delivered",
        /// A permanent failure (a 4xx, or retries ran out).
        Failed = "failed",
        /// The receiver answered 410 Gone: the webhook is disabled.
        Disabled = "disabled",
    }
}
