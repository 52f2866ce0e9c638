//! How many alerts fire, and the worst of their severities: the header's count
//! (the whole fleet) and a fleet row's badge (one host).

use pulse_protocol::alerts::{AlertSeverity, AlertState, LiveAlert};

/// A count of firing alerts and the worst severity among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Badge {
    /// Firing alerts (pending ones are not counted).
    pub firing: usize,
    /// The worst severity among them (`None` when none fire).
    pub worst: Option<AlertSeverity>,
}

impl Badge {
    /// The severity's name for CSS (`data-severity`), empty when nothing fires.
    pub fn severity_name(&self) -> &'static str {
        match self.worst {
            Some(AlertSeverity::Critical) => "critical",
            Some(AlertSeverity::Warning) => "warning",
            None => "",
        }
    }
}

/// The badge of every alert on `host` (every host when `None`).
pub fn badge(alerts: &[LiveAlert], host: Option<&str>) -> Badge {
    let mut badge = Badge::default();
    for alert in alerts {
        if alert.state != AlertState::Firing || host.is_some_and(|host| alert.host != host) {
            continue;
        }
        badge.firing += 1;
        // An alert that names no level counts as a warning.
        let severity = alert.severity.unwrap_or(AlertSeverity::Warning);
        if badge.worst != Some(AlertSeverity::Critical) {
            badge.worst = Some(severity);
        }
    }
    badge
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(host: &str, state: AlertState, severity: Option<AlertSeverity>) -> LiveAlert {
        LiveAlert {
            rule: "r".into(),
            host: host.into(),
            state,
            severity,
            since: 0,
            value: None,
            series: None,
            threshold: None,
        }
    }

    #[test]
    fn firing_alerts_are_counted_with_the_worst_severity() {
        use AlertSeverity::*;
        use AlertState::*;
        let set = [
            alert("a", Firing, Some(Warning)),
            alert("a", Pending, Some(Critical)),
            alert("b", Firing, Some(Critical)),
            alert("b", Firing, Some(Warning)),
            alert("c", Firing, None),
        ];
        // (host, firing, worst)
        let cases = [
            (None, 4, Some(Critical)),
            (Some("a"), 1, Some(Warning)),
            (Some("b"), 2, Some(Critical)),
            (Some("c"), 1, Some(Warning)),
            (Some("d"), 0, None),
        ];
        for (host, firing, worst) in cases {
            assert_eq!(badge(&set, host), Badge { firing, worst }, "{host:?}");
        }
        assert_eq!(badge(&[], None).severity_name(), "");
        assert_eq!(badge(&set, Some("b")).severity_name(), "critical");
    }
}
