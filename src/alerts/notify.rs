//! Which alerts deserve a desktop notification: those that fire now and did not
//! in the set before. The first set a page receives notifies nothing, so alerts
//! already firing when the page loads (or when it reconnects) are never announced.

use pulse_protocol::alerts::{AlertState, LiveAlert};

/// The alerts of `current` that newly fire, given the set seen before it (`None`:
/// this is the first set since the page loaded).
pub fn newly_firing<'a>(previous: Option<&[LiveAlert]>, current: &'a [LiveAlert]) -> Vec<&'a LiveAlert> {
    let Some(previous) = previous else { return Vec::new() };
    let fired = |alert: &LiveAlert| {
        previous.iter().any(|old| old.state == AlertState::Firing && old.rule == alert.rule && old.host == alert.host)
    };
    current.iter().filter(|alert| alert.state == AlertState::Firing && !fired(alert)).collect()
}

/// A notification's title and body for `alert`.
pub fn words(alert: &LiveAlert) -> (String, String) {
    let severity = alert.severity.map_or("warning", pulse_protocol::WireName::as_str);
    let title = format!("{}: {} on {}", severity, alert.rule, alert.host);
    let body = match (&alert.series, alert.value, alert.threshold) {
        (Some(series), Some(value), Some(threshold)) => {
            format!("{series} is {} (threshold {})", crate::format::fixed(value, 2), crate::format::fixed(threshold, 2))
        }
        _ => "firing".to_owned(),
    };
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(rule: &str, host: &str, state: AlertState) -> LiveAlert {
        LiveAlert {
            rule: rule.into(),
            host: host.into(),
            state,
            severity: None,
            since: 0,
            value: Some(97.25),
            series: Some("cpu.total".into()),
            threshold: Some(90.0),
        }
    }

    #[test]
    fn only_alerts_that_newly_fire_notify_and_never_the_first_set() {
        use AlertState::*;
        let before = [alert("cpu", "a", Firing), alert("cpu", "b", Pending)];
        let now =
            [alert("cpu", "a", Firing), alert("cpu", "b", Firing), alert("mem", "a", Firing), alert("x", "c", Pending)];
        let rules_hosts =
            |set: Vec<&LiveAlert>| set.into_iter().map(|a| (a.rule.clone(), a.host.clone())).collect::<Vec<_>>();
        assert_eq!(
            rules_hosts(newly_firing(Some(&before), &now)),
            [("cpu".to_owned(), "b".to_owned()), ("mem".to_owned(), "a".to_owned())]
        );
        assert!(newly_firing(None, &now).is_empty(), "nothing on page load");
        assert!(newly_firing(Some(&now), &now).is_empty(), "nothing when the same set comes again");
        assert_eq!(newly_firing(Some(&[]), &before).len(), 1);
    }

    #[test]
    fn a_notification_names_the_rule_host_value_and_threshold() {
        let (title, body) = words(&alert("cpu busy", "web1", AlertState::Firing));
        assert_eq!(title, "warning: cpu busy on web1");
        assert_eq!(body, "cpu.total is 97.25 (threshold 90.00)");
    }
}
