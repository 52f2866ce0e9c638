//! `ServerMessage` is read by hand: in any field order, ignoring unknown fields, and
//! naming what is wrong with a message it cannot read.

use pulse_protocol::*;

fn read(json: &str) -> Result<ServerMessage, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
fn fields_are_read_in_any_order_and_unknown_ones_ignored() {
    let heartbeat = ServerMessage::Heartbeat(Heartbeat { seq: 3, ts: 9 });
    let cases = [
        r#"{"type":"heartbeat","seq":3,"ts":9}"#,
        r#"{"seq":3,"ts":9,"type":"heartbeat"}"#,
        r#"{"ts":9,"type":"heartbeat","extra":[1,{"a":null}],"seq":3}"#,
        // A field of another message type is skipped unread once the type is known.
        r#"{"type":"heartbeat","seq":3,"ts":9,"host":5,"catalog":"x"}"#,
    ];
    for json in cases {
        assert_eq!(read(json), Ok(heartbeat.clone()), "{json}");
    }
    let gap = ServerMessage::Gap(Gap { reason: GapReason::Lagged, next_seq: 4, missed: None });
    assert_eq!(read(r#"{"type":"gap","reason":"lagged","next_seq":4}"#), Ok(gap.clone()));
    assert_eq!(read(r#"{"next_seq":4,"missed":null,"reason":"lagged","type":"gap"}"#), Ok(gap));
    let bye = ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms: 5 });
    assert_eq!(read(r#"{"reason":"restarting","type":"bye","retry_ms":5}"#), Ok(bye));
}

#[test]
fn unreadable_messages_name_their_problem() {
    let cases = [
        (r#"{"seq":3,"ts":9}"#, "missing field `type`"),
        (r#"{"type":"nope","seq":3}"#, "unknown variant `nope`"),
        (r#"{"type":7}"#, "invalid type"),
        (r#"{"type":"heartbeat","seq":3}"#, "missing field `ts`"),
        (r#"{"type":"heartbeat","type":"heartbeat","seq":3,"ts":9}"#, "duplicate field `type`"),
        (r#"{"type":"heartbeat","seq":3,"seq":4,"ts":9}"#, "duplicate field `seq`"),
        (r#"{"type":"heartbeat","seq":-3,"ts":9}"#, "invalid value"),
        (r#"{"type":"gap","reason":"bored","next_seq":4}"#, "unknown variant `bored`"),
        (r#"{"type":"frame","seq":1,"ts":2,"host":"h"}"#, "missing field `values`"),
        (r#"{"type":"hello","protocol":1}"#, "missing field `epoch`"),
        (r#"["heartbeat",3,9]"#, "invalid type"),
        ("null", "invalid type"),
    ];
    for (json, want) in cases {
        let error = read(json).expect_err(json);
        assert!(error.contains(want), "{json}: {error}");
    }
}
