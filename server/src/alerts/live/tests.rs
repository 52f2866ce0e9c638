//! Which states are live alerts, with which threshold; when a set is published.

use super::*;
use pulse_alerts::rules::Rules;
use pulse_protocol::alerts::AlertSeverity;

const RULES: &str = r#"
[[rule]]
name = "cpu"
series = "cpu.total"
warning_above = 80
critical_above = 90
notify = []

[[rule]]
name = "down"
condition = "down"
notify = []
"#;

fn state(phase: Phase, severity: Option<Severity>) -> State {
    State { phase, severity, last_value: Some(95.0), ..State::new(7) }
}

#[test]
fn pending_and_firing_states_are_listed_with_their_levels_threshold() {
    let rules = RuleSet::merge(&Rules::parse(RULES).expect("rules"), &[], &BTreeMap::new());
    // (rule, phase, severity, listed as, threshold)
    let cases = [
        ("cpu", Phase::Firing, Some(Severity::Critical), Some(AlertState::Firing), Some(90.0)),
        ("cpu", Phase::Firing, Some(Severity::Warning), Some(AlertState::Firing), Some(80.0)),
        ("cpu", Phase::Pending, Some(Severity::Warning), Some(AlertState::Pending), Some(80.0)),
        ("cpu", Phase::Resolved, Some(Severity::Warning), None, None),
        ("cpu", Phase::Ok, None, None, None),
        ("down", Phase::Firing, Some(Severity::Warning), Some(AlertState::Firing), None),
        ("gone", Phase::Firing, Some(Severity::Warning), Some(AlertState::Firing), None),
    ];
    for (rule, phase, severity, listed, threshold) in cases {
        let states = BTreeMap::from([((rule.to_owned(), "web1".to_owned()), state(phase, severity))]);
        let alerts = collect(&states, &rules);
        assert_eq!(alerts.first().map(|alert| alert.state), listed, "{rule} {phase:?}");
        assert_eq!(alerts.first().and_then(|alert| alert.threshold), threshold, "{rule} {phase:?}");
        if let Some(alert) = alerts.first() {
            assert_eq!(alert.series.is_some(), rule == "cpu");
            assert_eq!(alert.since, 7);
            assert_eq!(alert.value, Some(95.0));
        }
    }
}

fn alert(host: &str, value: f64) -> LiveAlert {
    LiveAlert {
        rule: "cpu".into(),
        host: host.into(),
        state: AlertState::Firing,
        severity: Some(AlertSeverity::Critical),
        since: 1,
        value: Some(value),
        series: Some("cpu.total".into()),
        threshold: Some(90.0),
    }
}

#[test]
fn a_set_is_published_when_it_changes_in_more_than_values() {
    let publisher = Publisher::new(vec![alert("web1", 95.0)], 1_000);
    let mut rx = publisher.subscribe();
    assert_eq!(rx.borrow_and_update().rev, 1_000);
    publisher.publish(vec![alert("web1", 99.0)], 2_000);
    assert!(!rx.has_changed().expect("open"), "a new value alone is not a change");
    publisher.publish(vec![alert("web1", 99.0), alert("web2", 91.0)], 900);
    assert!(rx.has_changed().expect("open"));
    let snapshot = Arc::clone(&rx.borrow_and_update());
    assert_eq!(snapshot.rev, 1_001, "the revision grows even when the clock went back");
    publisher.publish(Vec::new(), 3_000);
    assert_eq!(rx.borrow_and_update().rev, 3_000);
}

#[test]
fn a_client_limited_to_one_host_sees_that_hosts_alerts_only() {
    let snapshot = Snapshot::new(5, vec![alert("web1", 95.0), alert("web2", 91.0)]);
    let all = pulse_protocol::from_json::<ServerMessage>(&snapshot.message_for(None)).expect("read");
    let one = pulse_protocol::from_json::<ServerMessage>(&snapshot.message_for(Some("web2"))).expect("read");
    let none = pulse_protocol::from_json::<ServerMessage>(&snapshot.message_for(Some("db"))).expect("read");
    let hosts = |message: ServerMessage| match message {
        ServerMessage::Alerts(live) => live.alerts.into_iter().map(|alert| alert.host).collect::<Vec<_>>(),
        other => panic!("not alerts: {other:?}"),
    };
    assert_eq!(hosts(all), ["web1", "web2"]);
    assert_eq!(hosts(one), ["web2"]);
    assert!(hosts(none).is_empty());
}
