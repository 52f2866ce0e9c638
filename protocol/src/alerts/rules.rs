//! The alert rules' API (`/api/v1/alerts/rules`, `/api/v1/alerts/webhooks/{name}/test`):
//! a rule is listed in the rules file's own vocabulary (`series`, `hosts`, `above`,
//! `for`, …, see `alerts/README.md`), with where it comes from and its mute, so a
//! listed rule can be sent back as a body. Webhooks are listed by name only: never
//! a URL or a secret.

use serde::{Deserialize, Serialize};

use super::AlertSeverity;
use crate::names::wire_names;

/// Answer to `GET /api/v1/alerts/rules`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesResponse {
    /// The rules in force: the file's in file order, then the UI's as they were made.
    pub rules: Vec<RuleInfo>,
    /// The webhooks rules may notify (all from the rules file).
    pub webhooks: Vec<WebhookInfo>,
    /// Rules kept but not in force, and why.
    #[serde(default)]
    pub set_aside: Vec<SetAsideInfo>,
}

/// One rule, as the rules file would write it. Keys a rule does not use are left out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RuleInfo {
    /// Its name, unique across the file and the UI.
    pub name: String,
    /// Where it comes from.
    pub source: RuleSource,
    /// The series it watches (a threshold rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// `down` or `stale` (a host status rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// `"*"`, `"tag:KEY=VALUE"`, or a list of host names.
    pub hosts: RuleHosts,
    /// The threshold of a one-level `above` rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// The threshold of a one-level `below` rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// Its recovery threshold (an `above` rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recover_below: Option<f64>,
    /// Its recovery threshold (a `below` rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recover_above: Option<f64>,
    /// The level of a one-level rule or a status rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<AlertSeverity>,
    /// Two levels: the warning threshold (`above`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_above: Option<f64>,
    /// Two levels: the warning threshold (`below`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_below: Option<f64>,
    /// Two levels: the warning recovery (`above` rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_recover_below: Option<f64>,
    /// Two levels: the warning recovery (`below` rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning_recover_above: Option<f64>,
    /// Two levels: the critical threshold (`above`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_above: Option<f64>,
    /// Two levels: the critical threshold (`below`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_below: Option<f64>,
    /// Two levels: the critical recovery (`above` rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_recover_below: Option<f64>,
    /// Two levels: the critical recovery (`below` rules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_recover_above: Option<f64>,
    /// How long the condition must hold (`"30s"`; `"0"` for at once).
    #[serde(rename = "for")]
    pub hold: String,
    /// The reminder interval while firing, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    /// The webhooks it notifies.
    pub notify: Vec<String>,
    /// Muted until then (ms since the Unix epoch), while muted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted_until: Option<i64>,
}

/// Which hosts a rule applies to, as the rules file writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RuleHosts {
    /// `"*"` (every host) or `"tag:KEY=VALUE"`.
    Pattern(String),
    /// These host names or ids.
    Named(Vec<String>),
}

impl Default for RuleHosts {
    fn default() -> Self {
        RuleHosts::Pattern("*".to_owned())
    }
}

wire_names! {
    /// Where a rule (or a webhook) comes from.
    #[derive(Default)]
    pub enum RuleSource {
        /// The rules file (`--alerts FILE`).
        File = "file",
        /// Made by an admin in the UI, kept in `alerts.db`.
        #[default]
        Ui = "ui",
    }
}

/// A webhook rules may notify, by name (its URL and secrets stay in the file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookInfo {
    /// Its name.
    pub name: String,
    /// Where it is defined (always the file for now).
    pub source: RuleSource,
    /// The receiver's body format (`slack`, …), if not Standard Webhooks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
}

/// A rule kept but not in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetAsideInfo {
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub source: RuleSource,
    /// Why it is not in force.
    pub why: String,
}

/// Body of `POST /api/v1/alerts/rules/{name}/mute`: `{"for":"1h"}`, or
/// `{"for":null}` to unmute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuteRequest {
    /// How long, as a rules-file duration; `null` unmutes.
    #[serde(rename = "for")]
    pub hold: Option<String>,
}

/// Answer to a mute: until when (none: unmuted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MuteResponse {
    /// The rule.
    pub rule: String,
    /// Muted until then (ms since the Unix epoch); none once unmuted.
    pub muted_until: Option<i64>,
}

/// Answer to `POST /api/v1/alerts/webhooks/{name}/test` (202): the queued test's
/// message id, as the delivery log and the receiver's `webhook-id` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestQueued {
    /// The Standard Webhooks message id.
    pub id: String,
    /// The webhook.
    pub webhook: String,
}
