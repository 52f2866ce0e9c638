//! The alerts bodies and the live alerts message read as serde writes them, and
//! malformed ones are refused by both readers.

use super::super::both::{round_trip, same};
use crate::alerts::*;
use crate::json::from_json;
use crate::ServerMessage;

fn firing(host: &str) -> LiveAlert {
    LiveAlert {
        rule: "cpu busy".into(),
        host: host.into(),
        state: AlertState::Firing,
        severity: Some(AlertSeverity::Critical),
        since: 1_765_000_000_000,
        value: Some(97.5),
        series: Some("cpu.total".into()),
        threshold: Some(90.0),
    }
}

fn down(host: &str) -> LiveAlert {
    LiveAlert {
        rule: "host down".into(),
        host: host.into(),
        state: AlertState::Pending,
        severity: Some(AlertSeverity::Warning),
        since: 3,
        value: None,
        series: None,
        threshold: None,
    }
}

#[test]
fn live_alerts_read_as_serde_writes_them_alone_and_as_a_message() {
    let live = LiveAlerts { rev: 1_765_000_000_123, alerts: vec![firing("web1"), down("db \"2\"")] };
    round_trip(&live);
    round_trip(&LiveAlerts { rev: 1, alerts: vec![] });
    let message = ServerMessage::Alerts(live);
    let text = serde_json::to_string(&message).expect("serialise");
    assert!(text.starts_with(r#"{"type":"alerts","rev":"#), "{text}");
    assert_eq!(from_json::<ServerMessage>(&text), Ok(message.clone()));
    assert_eq!(serde_json::from_str::<ServerMessage>(&text).ok(), Some(message));
}

#[test]
fn the_alerts_answer_and_the_delivery_log_read_as_serde_writes_them() {
    let current = Alert {
        rule: "cpu busy".into(),
        host: "web1".into(),
        state: AlertState::Firing,
        severity: Some(AlertSeverity::Warning),
        since: 5,
        value: Some(-1.5e-3),
        until: None,
    };
    let past = Alert { state: AlertState::Resolved, severity: None, value: None, until: Some(9), ..current.clone() };
    round_trip(&AlertsResponse { alerts: vec![current, past] });
    round_trip(&AlertsResponse { alerts: vec![] });
    let delivery = Delivery {
        id: "msg_1".into(),
        webhook: "ops".into(),
        rule: "cpu busy".into(),
        host: "web1".into(),
        kind: "alert.firing".into(),
        status: DeliveryStatus::Failed,
        attempts: 3,
        last_error: Some("HTTP 404".into()),
        next_attempt: None,
        created: 7,
    };
    round_trip(&DeliveriesResponse { deliveries: vec![delivery] });
}

#[test]
fn malformed_alerts_are_refused_by_both_readers() {
    let cases = [
        r#"{"rev":1}"#,
        r#"{"alerts":[]}"#,
        r#"{"rev":-1,"alerts":[]}"#,
        r#"{"rev":1,"alerts":{}}"#,
        r#"{"rev":1,"rev":2,"alerts":[]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"ok","since":1}]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"firing","since":1,"severity":"fatal"}]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"firing"}]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"firing","since":1,"threshold":"90"}]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"firing","since":1,"value":null,"x":[1,]}]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"firing","since":1,"value":null}]}"#,
        r#"{"rev":1,"alerts":[{"rule":"r","host":"h","state":"firing","since":1,"later":{"a":[1,2]}}]}"#,
        r#"{"rev":1,"alerts":[]"#,
        r#"{"rev":1,"alerts":[],}"#,
    ];
    for json in cases {
        same::<LiveAlerts>(json);
    }
    let answers = [
        r#"{"alerts":[{"rule":"r","host":"h","state":"resolved","since":1,"until":2}]}"#,
        r#"{"alerts":[{"rule":"r","host":"h","state":"resolved","since":1,"until":"2"}]}"#,
        r#"{"alerts":[{"rule":"r","host":"h","since":1}]}"#,
        r#"{"alerts":null}"#,
    ];
    for json in answers {
        same::<AlertsResponse>(json);
    }
    let deliveries = [
        r#"{"deliveries":[{"id":"i","webhook":"w","rule":"r","host":"h","type":"alert.firing","status":"pending","attempts":0,"created":1}]}"#,
        r#"{"deliveries":[{"id":"i","webhook":"w","rule":"r","host":"h","status":"pending","attempts":0,"created":1}]}"#,
        r#"{"deliveries":[{"id":"i","webhook":"w","rule":"r","host":"h","type":"alert.firing","status":"lost","attempts":0,"created":1}]}"#,
        r#"{"deliveries":[{"id":"i","webhook":"w","rule":"r","host":"h","type":"t","type":"u","status":"pending","attempts":0,"created":1}]}"#,
    ];
    for json in deliveries {
        same::<DeliveriesResponse>(json);
    }
}

#[test]
fn malformed_alerts_messages_are_refused_by_both_readers() {
    let cases = [
        r#"{"type":"alerts","rev":1}"#,
        r#"{"type":"alerts","rev":1,"alerts":[],"seq":"not read"}"#,
        r#"{"rev":1,"alerts":[],"type":"alerts"}"#,
        r#"{"type":"alerts","rev":1,"alerts":[{"rule":"r"}]}"#,
        r#"{"type":"alarms","rev":1,"alerts":[]}"#,
    ];
    for json in cases {
        same::<ServerMessage>(json);
    }
}
