//! The alerts admin bodies read as serde writes them, by both readers.

use super::super::both::{round_trip, same};
use crate::alerts::*;

#[test]
fn rules_listings_round_trip() {
    let one = RuleInfo {
        name: "cpu busy".into(),
        source: RuleSource::File,
        series: Some("cpu.total".into()),
        hosts: RuleHosts::Pattern("tag:env=prod".into()),
        above: Some(90.0),
        recover_below: Some(80.0),
        severity: Some(AlertSeverity::Critical),
        hold: "30s".into(),
        repeat: Some("1h".into()),
        notify: vec!["ops".into()],
        muted_until: Some(1_765_000_000_000),
        ..RuleInfo::default()
    };
    let two = RuleInfo {
        name: "mem".into(),
        source: RuleSource::Ui,
        series: Some("mem.used_pct".into()),
        hosts: RuleHosts::Named(vec!["web1".into(), "web2".into()]),
        warning_below: Some(20.0),
        warning_recover_above: Some(25.0),
        critical_below: Some(10.0),
        critical_recover_above: Some(15.0),
        hold: "0".into(),
        ..RuleInfo::default()
    };
    let three = RuleInfo {
        name: "gone".into(),
        condition: Some("down".into()),
        severity: Some(AlertSeverity::Warning),
        hold: "1m".into(),
        ..RuleInfo::default()
    };
    let listing = RulesResponse {
        rules: vec![one, two, three],
        webhooks: vec![
            WebhookInfo { name: "ops".into(), source: RuleSource::File, preset: None },
            WebhookInfo { name: "chat".into(), source: RuleSource::File, preset: Some("slack".into()) },
        ],
        set_aside: vec![SetAsideInfo { name: "x".into(), source: RuleSource::File, why: "clash".into() }],
    };
    round_trip(&listing);
    round_trip(&TestQueued { id: "msg_1".into(), webhook: "ops".into() });
}

#[test]
fn deliveries_round_trip() {
    let row = |status, last_error: Option<&str>, next_attempt| Delivery {
        id: "msg_1".into(),
        webhook: "ops".into(),
        rule: "cpu".into(),
        host: "h".into(),
        kind: "alert.firing".into(),
        status,
        attempts: 3,
        last_error: last_error.map(str::to_owned),
        next_attempt,
        created: 5,
    };
    round_trip(&DeliveriesResponse {
        deliveries: vec![
            row(DeliveryStatus::Pending, Some("HTTP 500"), Some(9)),
            row(DeliveryStatus::Delivered, None, None),
        ],
    });
}

#[test]
fn malformed_bodies_are_refused_by_both_readers() {
    let rule = r#"{"name":"a","source":"ui","hosts":"*","for":"0","notify":[]"#;
    for json in [
        format!("{rule}}}"),
        format!("{rule},\"above\":1,\"above\":2}}"),
        format!("{rule},\"above\":\"high\"}}"),
        format!("{rule},\"hosts\":[1]}}"),
        r#"{"name":"a","source":"ui","hosts":"*","notify":[]}"#.to_owned(),
        format!("{rule},\"source\":\"elsewhere\"}}"),
        format!("{rule},\"above\":null}}"),
    ] {
        same::<RuleInfo>(&json);
    }
    same::<Delivery>(r#"{"id":"m","webhook":"w","rule":"r","host":"h","status":"pending","attempts":1,"created":1}"#);
    same::<Delivery>(
        r#"{"id":"m","webhook":"w","rule":"r","host":"h","type":"alert.test","status":"pending","attempts":1,"created":1,"last_error":null}"#,
    );
}
