//! The live alerts message (`{"type":"alerts",…}` on every stream): the fleet's
//! pending and firing alerts, with what a chart needs to draw each one.
//!
//! A stream carries it only to a client that asks (`alerts=REV` in the stream's
//! query), after `hello` and whenever the set changes. It carries no `seq` and moves
//! no cursor: resuming a stream is the same with or without it.

use serde::{Deserialize, Serialize};

use super::{AlertSeverity, AlertState};

/// The pending and firing alerts a client may see, as of `rev`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveAlerts {
    /// Which set this is: a new number whenever the set changes (never 0, which a
    /// client sends when it has none). Compare for equality only.
    pub rev: u64,
    /// Every pending and firing alert, ordered by rule, then host.
    pub alerts: Vec<LiveAlert>,
}

/// One pending or firing alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveAlert {
    /// The rule's name.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// Pending or firing.
    pub state: AlertState,
    /// Firing: its level; pending: the level it is heading for.
    pub severity: Option<AlertSeverity>,
    /// When it entered `state`, in ms since the Unix epoch.
    pub since: i64,
    /// The series' value when the set last changed (none for a host status rule).
    pub value: Option<f64>,
    /// The rule's series (none for a host status rule).
    pub series: Option<String>,
    /// The threshold of `severity`'s level (none for a host status rule).
    pub threshold: Option<f64>,
}
