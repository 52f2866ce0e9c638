//! The alerts page's model: one [`Row`] per current alert (the live set, which is
//! newer than any fetched answer) and per past one (`?history=1`), the choices its
//! filters offer, and which rows a [`Filter`] keeps.

use pulse_protocol::alerts::{Alert, AlertSeverity, AlertState, LiveAlert};

/// One line of the alerts page.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The rule's name.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// Pending, firing, or resolved (past).
    pub state: AlertState,
    /// Its level.
    pub severity: Option<AlertSeverity>,
    /// When it entered its state (a past alert: when it began firing), ms.
    pub since: i64,
    /// A past alert: when it resolved, ms.
    pub until: Option<i64>,
    /// The last value known.
    pub value: Option<f64>,
}

/// What the page's filters chose; an empty text or `None` keeps every row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only this host (its id).
    pub host: String,
    /// Only this severity.
    pub severity: Option<AlertSeverity>,
    /// Only this rule.
    pub rule: String,
}

impl Filter {
    /// Whether `row` passes.
    pub fn keeps(&self, row: &Row) -> bool {
        (self.host.is_empty() || row.host == self.host)
            && (self.rule.is_empty() || row.rule == self.rule)
            && (self.severity.is_none() || row.severity == self.severity)
    }
}

/// The page's rows: the current alerts (from `live` once the stream sent a set,
/// else the fetched answer's current ones), then the past ones, newest first as the
/// hub lists them.
pub fn rows(live: Option<&[LiveAlert]>, fetched: &[Alert]) -> Vec<Row> {
    let current: Vec<Row> = match live {
        Some(live) => live
            .iter()
            .map(|a| Row {
                rule: a.rule.clone(),
                host: a.host.clone(),
                state: a.state,
                severity: a.severity,
                since: a.since,
                until: None,
                value: a.value,
            })
            .collect(),
        None => {
            fetched.iter().filter(|a| a.until.is_none() && a.state != AlertState::Resolved).map(from_answer).collect()
        }
    };
    let past = fetched.iter().filter(|a| a.until.is_some()).map(from_answer);
    current.into_iter().chain(past).collect()
}

fn from_answer(alert: &Alert) -> Row {
    Row {
        rule: alert.rule.clone(),
        host: alert.host.clone(),
        state: alert.state,
        severity: alert.severity,
        since: alert.since,
        until: alert.until,
        value: alert.value,
    }
}

/// The distinct values of one column, in first-seen order (the filters' choices).
pub fn choices(rows: &[Row], column: fn(&Row) -> &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for row in rows {
        let value = column(row);
        if !seen.iter().any(|v| v == value) {
            seen.push(value.to_owned());
        }
    }
    seen
}

#[cfg(test)]
mod tests;
