//! The columnar fleet summary ([`crate::fleet::Columns`]) read by both readers:
//! serde's (`message/de.rs`, the server and native clients) and the page's
//! (`json/`), which must agree on every frame a hub writes and refuse the same
//! malformed ones.

use super::both::{round_trip, same};
use crate::fleet::Columns;
use crate::{Frame, ServerMessage};

fn frame(columns: Option<Columns>) -> Frame {
    Frame { seq: 9, ts: 1_765_000_000_000, host: "@fleet".into(), values: Default::default(), top: vec![], columns }
}

fn columns(hosts: &[&str], values: &[Option<f64>]) -> Columns {
    Columns {
        rev: 3,
        metrics: vec!["cpu".into(), "status".into()],
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        values: values.to_vec(),
    }
}

#[test]
fn columnar_frames_read_alike_in_both_readers() {
    let cases = [
        ("keyed (no columns)", frame(None)),
        ("no hosts", frame(Some(columns(&[], &[])))),
        ("two hosts", frame(Some(columns(&["a", "web-1.example"], &[Some(12.5), Some(0.0), Some(1e9), Some(2.0)])))),
        ("empty slots", frame(Some(columns(&["a"], &[None, Some(1.0)])))),
        ("escaped ids", frame(Some(columns(&["d\u{e9}j\u{e0} \"vu\""], &[Some(-0.5), None])))),
    ];
    // Each helper names the text it read when the readers disagree.
    for (_what, frame) in cases {
        round_trip(&frame);
        round_trip(&ServerMessage::Frame(frame));
    }
}

#[test]
fn malformed_columns_are_refused_by_both_readers() {
    let frame = |columns: &str| {
        format!(r#"{{"type":"frame","seq":1,"ts":2,"host":"@fleet","values":{{}},"columns":{columns}}}"#)
    };
    let cases = [
        ("null is none", frame("null")),
        ("a missing rev", frame(r#"{"metrics":[],"hosts":[],"values":[]}"#)),
        ("a missing hosts", frame(r#"{"rev":1,"metrics":[],"values":[]}"#)),
        ("a string value", frame(r#"{"rev":1,"metrics":["cpu"],"hosts":["a"],"values":["1"]}"#)),
        ("a negative rev", frame(r#"{"rev":-1,"metrics":[],"hosts":[],"values":[]}"#)),
        ("a host not a string", frame(r#"{"rev":1,"metrics":["cpu"],"hosts":[1],"values":[1]}"#)),
        ("an unknown field", frame(r#"{"rev":1,"metrics":[],"hosts":[],"values":[],"later":true}"#)),
        ("not an object", frame("[1,2]")),
        ("twice", frame(r#"{"rev":1,"metrics":[],"hosts":[],"values":[]},"columns":null"#)),
    ];
    for (_what, json) in cases {
        same::<ServerMessage>(&json);
        same::<Frame>(&json.replacen(r#""type":"frame","#, "", 1));
    }
}
