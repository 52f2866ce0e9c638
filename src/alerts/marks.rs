//! What a chart marks for the alerts on its host: each rule watching one of its
//! series draws its threshold, and a firing one shades the time since it fired.

use pulse_protocol::alerts::{AlertSeverity, AlertState, LiveAlert};

/// One alert drawn on a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The threshold's value, drawn as a line across the plot.
    pub threshold: Option<f64>,
    /// Firing since then (ms): shaded from there to the right edge.
    pub firing_since: Option<f64>,
    /// Drawn in the critical colour (else the warning one).
    pub critical: bool,
    /// The rule's name, written by its threshold line.
    pub rule: String,
}

/// The marks of `alerts` (one host's) on a chart drawing the series `ids`.
pub fn marks<'a>(alerts: &[LiveAlert], ids: impl Iterator<Item = &'a str> + Clone) -> Vec<Mark> {
    alerts
        .iter()
        .filter(|alert| alert.series.as_deref().is_some_and(|series| ids.clone().any(|id| id == series)))
        .map(|alert| Mark {
            threshold: alert.threshold,
            firing_since: (alert.state == AlertState::Firing).then_some(alert.since as f64),
            critical: alert.severity == Some(AlertSeverity::Critical),
            rule: alert.rule.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(series: Option<&str>, state: AlertState, severity: AlertSeverity) -> LiveAlert {
        LiveAlert {
            rule: "r".into(),
            host: "h".into(),
            state,
            severity: Some(severity),
            since: 1_000,
            value: Some(95.0),
            series: series.map(str::to_owned),
            threshold: series.map(|_| 90.0),
        }
    }

    #[test]
    fn a_chart_marks_the_alerts_on_its_series_only() {
        use AlertSeverity::*;
        use AlertState::*;
        let ids = ["cpu.total", "cpu.core:0"];
        // (alert, marks)
        let cases = [
            (
                alert(Some("cpu.total"), Firing, Critical),
                vec![Mark { threshold: Some(90.0), firing_since: Some(1_000.0), critical: true, rule: "r".into() }],
            ),
            (
                alert(Some("cpu.core:0"), Pending, Warning),
                vec![Mark { threshold: Some(90.0), firing_since: None, critical: false, rule: "r".into() }],
            ),
            (alert(Some("mem.used_pct"), Firing, Critical), vec![]),
            (alert(None, Firing, Critical), vec![]),
        ];
        for (alert, want) in cases {
            assert_eq!(marks(std::slice::from_ref(&alert), ids.iter().copied()), want, "{alert:?}");
        }
    }
}
