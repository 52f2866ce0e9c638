//! `ServerMessage` is read by hand twice: by serde (`message/de.rs`, for the server's
//! tests and the Rust clients) and by `json::from_json` (the web app). Both read
//! fields in any order, ignore unknown fields, and name what is wrong with a message
//! they cannot read; each case here runs through both.

use pulse_protocol::*;

fn serde(json: &str) -> Result<ServerMessage, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

fn ours(json: &str) -> Result<ServerMessage, String> {
    from_json(json).map_err(|e| e.to_string())
}

#[test]
fn fields_are_read_in_any_order_and_unknown_ones_ignored() {
    let heartbeat = ServerMessage::Heartbeat(Heartbeat { seq: 3, ts: 9 });
    let gap = ServerMessage::Gap(Gap { reason: GapReason::Lagged, next_seq: 4, missed: None });
    let cases = [
        (r#"{"type":"heartbeat","seq":3,"ts":9}"#, &heartbeat),
        (r#"{"seq":3,"ts":9,"type":"heartbeat"}"#, &heartbeat),
        (r#" { "ts" : 9 , "type" : "heartbeat" , "extra" : [1,{"a":null}] , "seq" : 3 } "#, &heartbeat),
        // A field of another message type is skipped unread once the type is known.
        (r#"{"type":"heartbeat","seq":3,"ts":9,"host":5,"catalog":"x"}"#, &heartbeat),
        (r#"{"type":"gap","reason":"lagged","next_seq":4}"#, &gap),
        (r#"{"next_seq":4,"missed":null,"reason":"lagged","type":"gap"}"#, &gap),
    ];
    for (json, want) in cases {
        assert_eq!(serde(json).as_ref(), Ok(want), "serde: {json}");
        assert_eq!(ours(json).as_ref(), Ok(want), "ours: {json}");
    }
    let bye = ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms: 5 });
    let json = r#"{"reason":"restarting","type":"bye","retry_ms":5}"#;
    assert_eq!((serde(json), ours(json)), (Ok(bye.clone()), Ok(bye)));
}

#[test]
fn unreadable_messages_name_their_problem() {
    // (message, what serde says, what the web app's reader says)
    let cases = [
        (r#"{"seq":3,"ts":9}"#, "missing field `type`", "missing field `type` at byte 16"),
        (r#"{"type":"nope","seq":3}"#, "unknown variant `nope`", "unknown variant `nope`, expected one of `hello`"),
        (r#"{"type":7}"#, "invalid type", "expected a string at byte 8"),
        (r#"{"type":"heartbeat","seq":3}"#, "missing field `ts`", "missing field `ts` at byte 28"),
        (
            r#"{"type":"heartbeat","type":"heartbeat","seq":3,"ts":9}"#,
            "duplicate field `type`",
            "duplicate field `type` at byte 27",
        ),
        (r#"{"type":"heartbeat","seq":3,"seq":4,"ts":9}"#, "duplicate field `seq`", "duplicate field `seq` at byte 34"),
        (r#"{"type":"heartbeat","seq":-3,"ts":9}"#, "invalid value", "expected an unsigned integer at byte 26"),
        (r#"{"type":"heartbeat","seq":3.5,"ts":9}"#, "invalid type", "expected an integer at byte 26"),
        (r#"{"type":"gap","reason":"bored","next_seq":4}"#, "unknown variant `bored`", "unknown variant `bored`"),
        (r#"{"type":"frame","seq":1,"ts":2,"host":"h"}"#, "missing field `values`", "missing field `values`"),
        (r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{"a":null}}"#, "invalid type", "expected a number"),
        (r#"{"type":"hello","protocol":1}"#, "missing field `epoch`", "missing field `epoch`"),
        (r#"["heartbeat",3,9]"#, "invalid type", "expected an object at byte 0"),
        ("null", "invalid type", "expected an object at byte 0"),
        ("", "EOF while parsing", "unexpected end of input at byte 0"),
        (r#"{"type":"heartbeat","seq":3,"ts":9"#, "EOF while parsing", "unexpected end of input"),
        (r#"{"type":"heartbeat","seq":3,"ts":9} x"#, "trailing characters", "trailing characters at byte 36"),
        (r#"{"type":"heartbeat","seq":3,"ts":9,}"#, "trailing comma", "expected a string at byte 35"),
        ("<html>", "expected value", "expected an object at byte 0"),
    ];
    for (json, serde_says, we_say) in cases {
        let error = serde(json).expect_err(json);
        assert!(error.contains(serde_says), "serde: {json}: {error}");
        let error = ours(json).expect_err(json);
        assert!(error.contains(we_say), "ours: {json}: {error}");
    }
}

#[test]
fn every_body_the_web_app_reads_is_read_like_serde() {
    let cases = [
        (r#"{"error":"bad_request","detail":"from must be a number"}"#, "ApiError"),
        (
            r#"{"series":[{"id":"cpu","host":"h","group":"cpu","label":"CPU","unit":"percent","kind":"gauge"}]}"#,
            "Catalog",
        ),
        (r#"{"series":[{"id":"x","host":"h","group":"g","label":"x","unit":"furlongs","kind":"gauge"}]}"#, "Catalog"),
        (r#"{"epoch":"e1","next":3,"messages":[]}"#, "PollResponse"),
        (r#"{"epoch":"e1","next":3,"messages":[{"type":"heartbeat","seq":3,"ts":1}],"extra":{}}"#, "PollResponse"),
        (r#"{"epoch":"e1","next":3}"#, "PollResponse"),
        (
            r#"{"epoch":"e","first_seq":1,"last_seq":2,"ts":[5,6],"series":{"a":{"host":"h","values":[1.5,null]}}}"#,
            "History",
        ),
        (
            r#"{"epoch":"e","first_seq":1,"last_seq":2,"ts":[5,6],"series":{"a":{"host":"h","values":[true]}}}"#,
            "History",
        ),
    ];
    for (json, kind) in cases {
        match kind {
            "ApiError" => same::<ApiError>(json),
            "Catalog" => same::<Catalog>(json),
            "PollResponse" => same::<PollResponse>(json),
            _ => same::<HistoryResponse>(json),
        }
    }
}

/// Checks that serde and `from_json` both read `json`, to the same value, or both refuse it.
fn same<T>(json: &str)
where
    T: serde::de::DeserializeOwned + json::Decode + PartialEq + std::fmt::Debug,
{
    assert_eq!(serde_json::from_str::<T>(json).ok(), from_json::<T>(json).ok(), "{json}");
}

#[test]
fn a_hello_that_names_no_protocol_reads_as_the_unstated_version() {
    let hello = |protocol: &str| {
        format!(
            r#"{{"type":"hello",{protocol}"epoch":"e","seq":1,"catalog":{{"series":[]}},"heartbeat_ms":1,"interval_ms":1,"history_ms":1,"server_time":1}}"#
        )
    };
    // (the protocol field as sent, the version every reader must see)
    let cases = [("", UNSTATED_PROTOCOL), (r#""protocol":1,"#, 1), (r#""protocol":7,"#, 7)];
    for (field, want) in cases {
        let json = hello(field);
        for (reader, read) in [("serde", serde(&json)), ("ours", ours(&json))] {
            let Ok(ServerMessage::Hello(hello)) = read else { panic!("{reader}: {json}: {read:?}") };
            assert_eq!(hello.protocol, want, "{reader}: {json}");
        }
        let derived: Hello = serde_json::from_str(&json).expect("the derived reader");
        assert_eq!(derived.protocol, want, "derived: {json}");
    }
}

#[test]
fn every_name_of_a_wire_enum_reads_the_same_in_both_readers() {
    fn check<T>()
    where
        T: WireName + serde::Serialize + serde::de::DeserializeOwned + json::Decode + PartialEq + std::fmt::Debug,
    {
        for &value in T::ALL {
            let json = serde_json::to_string(&value).expect("serde writes it");
            assert_eq!(json, format!("\"{}\"", value.as_str()));
            assert_eq!(serde_json::from_str::<T>(&json).ok(), Some(value), "serde: {json}");
            assert_eq!(from_json::<T>(&json).ok(), Some(value), "ours: {json}");
        }
        let unknown = r#""no_such_name""#;
        let serde_says = serde_json::from_str::<T>(unknown).expect_err("serde refuses it").to_string();
        let we_say = from_json::<T>(unknown).expect_err("we refuse it").to_string();
        for said in [&serde_says, &we_say] {
            assert!(said.contains("unknown variant `no_such_name`"), "{said}");
            assert!(T::NAMES.iter().all(|name| said.contains(&format!("`{name}`"))), "{said}");
        }
    }
    check::<Unit>();
    check::<SeriesKind>();
    check::<GapReason>();
    check::<pulse_protocol::alerts::AlertState>();
    check::<pulse_protocol::alerts::AlertSeverity>();
    check::<pulse_protocol::alerts::DeliveryStatus>();
}

#[test]
fn a_poll_answer_carrying_the_live_alerts_reads_like_serde_and_a_bad_one_is_refused_by_both() {
    let alert = r#"{"rule":"cpu","host":"h","state":"firing","severity":"critical","since":5,"value":97.5,"series":"cpu.total","threshold":90.0}"#;
    let cases = [
        format!(
            r#"{{"epoch":"e","next":3,"messages":[{{"type":"alerts","rev":9,"alerts":[{alert}]}},{{"type":"heartbeat","seq":3,"ts":1}}]}}"#
        ),
        format!(r#"{{"epoch":"e","next":3,"messages":[{{"alerts":[{alert}],"rev":9,"type":"alerts"}}]}}"#),
        r#"{"epoch":"e","next":3,"messages":[{"type":"alerts","rev":9,"alerts":[{"rule":"cpu"}]}]}"#.to_owned(),
        r#"{"epoch":"e","next":3,"messages":[{"type":"alerts","rev":"9","alerts":[]}]}"#.to_owned(),
    ];
    for json in &cases {
        same::<PollResponse>(json);
    }
    let read: PollResponse = from_json(&cases[0]).expect("ours reads it");
    assert!(matches!(&read.messages[0], ServerMessage::Alerts(live) if live.rev == 9 && live.alerts.len() == 1));
}

#[test]
fn a_hub_status_reads_like_serde_in_any_order_and_a_bad_one_is_refused_by_both() {
    let cases = [
        r#"{"type":"hub","rev":4,"redis_down_since":1700000000000}"#,
        r#"{"redis_down_since":null,"rev":4,"type":"hub"}"#,
        r#"{"type":"hub","rev":4}"#,
        r#"{"type":"hub","redis_down_since":5}"#,
        r#"{"type":"hub","rev":4,"redis_down_since":"soon"}"#,
    ];
    for json in cases {
        same::<ServerMessage>(json);
    }
    let read: ServerMessage = from_json(cases[0]).expect("ours reads it");
    assert_eq!(read, ServerMessage::Hub(HubStatus { rev: 4, redis_down_since: Some(1_700_000_000_000) }));
}
