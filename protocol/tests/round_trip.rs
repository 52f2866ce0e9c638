//! Every message survives JSON and back, and carries the `type` tag the clients switch on.

use std::collections::BTreeMap;

use pulse_protocol::*;

fn frame() -> Frame {
    Frame {
        seq: 7,
        ts: 1_700_000_000_123,
        host: "web-1".into(),
        values: BTreeMap::from([("cpu.total".to_string(), 12.5), ("mem.used".to_string(), 1024.0)]),
        top: vec![ProcessInfo { pid: 1, name: "init".into(), cpu: 0.5, mem: 4096 }],
        columns: None,
    }
}

fn round_trip(message: ServerMessage, tag: &str) {
    let json = serde_json::to_string(&message).expect("serialise");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid json");
    assert_eq!(value["type"], tag, "{json}");
    let back: ServerMessage = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, message);
}

#[test]
fn every_server_message_round_trips_with_its_tag() {
    let catalog = Catalog {
        series: vec![SeriesInfo {
            id: "cpu.total".into(),
            host: "web-1".into(),
            group: "cpu".into(),
            label: "total".into(),
            unit: Unit::Percent,
            kind: SeriesKind::Gauge,
        }],
    };
    let hello = Hello {
        protocol: PROTOCOL_VERSION,
        epoch: Epoch("ab12".into()),
        seq: 7,
        catalog,
        heartbeat_ms: 5000,
        interval_ms: 1000,
        history_ms: 3_600_000,
        server_time: 1_700_000_000_000,
        host: Some("web-1".into()),
        subscribe: 1,
    };
    round_trip(ServerMessage::Hello(hello), "hello");
    round_trip(ServerMessage::Frame(frame()), "frame");
    round_trip(ServerMessage::Heartbeat(Heartbeat { seq: 7, ts: 1 }), "heartbeat");
    round_trip(ServerMessage::Gap(Gap { reason: GapReason::TooOld, next_seq: 9, missed: Some(3) }), "gap");
    round_trip(ServerMessage::Bye(Bye { reason: "restarting".into(), retry_ms: 1000 }), "bye");
    round_trip(ServerMessage::Hub(HubStatus { rev: 5, redis_down_since: Some(1_700_000_000_000) }), "hub");
    round_trip(ServerMessage::Hub(HubStatus { rev: 6, redis_down_since: None }), "hub");
    let error = ServerMessage::Error(ApiError { error: "not_found".into(), detail: "no host \"x\"".into() });
    round_trip(error.clone(), "error");
    assert_eq!(from_json::<ServerMessage>(&serde_json::to_string(&error).unwrap()), Ok(error));
}

#[test]
fn subscribe_is_written_by_the_page_as_serde_writes_it_and_read_back() {
    let cursor = Cursor { epoch: Epoch("e1".into()), seq: 7 };
    let cases = [
        Subscribe { v: SUBSCRIBE_VERSION, host: "web-1".into(), resume: Some(cursor), columns: false },
        Subscribe { v: SUBSCRIBE_VERSION, host: "@fleet".into(), resume: None, columns: false },
        Subscribe { v: 2, host: "odd \"name\"".into(), resume: None, columns: false },
    ];
    for subscribe in cases {
        let ours = subscribe.to_json();
        assert_eq!(ours, serde_json::to_string(&ClientMessage::Subscribe(subscribe.clone())).unwrap());
        assert_eq!(serde_json::from_str::<ClientMessage>(&ours).unwrap(), ClientMessage::Subscribe(subscribe));
    }
    for bad in [r#"{"type":"subscribe"}"#, r#"{"type":"subscribe","v":1}"#, r#"{"type":"subscribe","v":-1,"host":"a"}"#]
    {
        assert!(serde_json::from_str::<ClientMessage>(bad).is_err(), "{bad}");
    }
}

#[test]
fn units_and_reasons_use_snake_case_on_the_wire() {
    assert_eq!(serde_json::to_string(&Unit::BytesPerSecond).unwrap(), "\"bytes_per_second\"");
    assert_eq!(serde_json::to_string(&GapReason::EpochChanged).unwrap(), "\"epoch_changed\"");
}

#[test]
fn a_frame_without_processes_omits_them_and_reads_back_empty() {
    let mut bare = frame();
    bare.top.clear();
    let json = serde_json::to_string(&ServerMessage::Frame(bare.clone())).unwrap();
    assert!(!json.contains("top"), "{json}");
    assert_eq!(serde_json::from_str::<ServerMessage>(&json).unwrap(), ServerMessage::Frame(bare));
}

#[test]
fn poll_and_history_bodies_round_trip() {
    let poll = PollResponse { epoch: Epoch("ab12".into()), next: 7, messages: vec![ServerMessage::Frame(frame())] };
    let json = serde_json::to_string(&poll).unwrap();
    assert_eq!(serde_json::from_str::<PollResponse>(&json).unwrap(), poll);

    let history = HistoryResponse {
        tier: None,
        step_ms: None,
        epoch: Epoch("ab12".into()),
        first_seq: 5,
        last_seq: 6,
        ts: vec![1, 2],
        series: BTreeMap::from([(
            "cpu.total".to_string(),
            HistorySeries { host: "web-1".into(), values: vec![Some(1.0), None] },
        )]),
    };
    let json = serde_json::to_string(&history).unwrap();
    assert_eq!(serde_json::from_str::<HistoryResponse>(&json).unwrap(), history);
}

#[test]
fn client_ping_parses_and_garbage_does_not() {
    assert_eq!(serde_json::from_str::<ClientMessage>(r#"{"type":"ping"}"#).unwrap(), ClientMessage::Ping);
    assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"nope"}"#).is_err());
    assert!(serde_json::from_str::<ClientMessage>("not json").is_err());
}

/// The web app reads what the server writes: every body, through `from_json`.
#[test]
fn the_web_apps_reader_reads_what_serde_writes() {
    let message = ServerMessage::Frame(frame());
    assert_eq!(from_json::<ServerMessage>(&serde_json::to_string(&message).unwrap()), Ok(message));
    let mut bare = frame();
    bare.top.clear();
    bare.values.insert("odd \"id\" ü\u{1}".into(), -0.000123);
    let message = ServerMessage::Frame(bare);
    assert_eq!(from_json::<ServerMessage>(&serde_json::to_string(&message).unwrap()), Ok(message));

    let poll = PollResponse {
        epoch: Epoch("ab12".into()),
        next: 7,
        messages: vec![
            ServerMessage::Gap(Gap { reason: GapReason::EpochChanged, next_seq: 1, missed: None }),
            ServerMessage::Frame(frame()),
            ServerMessage::Bye(Bye { reason: "overloaded".into(), retry_ms: 250 }),
        ],
    };
    assert_eq!(from_json::<PollResponse>(&serde_json::to_string(&poll).unwrap()), Ok(poll));

    let history = HistoryResponse {
        tier: None,
        step_ms: None,
        epoch: Epoch("ab12".into()),
        first_seq: 5,
        last_seq: 7,
        ts: vec![1, 2, -3],
        series: BTreeMap::from([
            ("cpu.total".to_string(), HistorySeries { host: "web-1".into(), values: vec![Some(1.0), None, Some(2.5)] }),
            ("mem.used".to_string(), HistorySeries { host: "web-1".into(), values: vec![None, None, Some(1e12)] }),
        ]),
    };
    assert_eq!(from_json::<HistoryResponse>(&serde_json::to_string(&history).unwrap()), Ok(history));

    let series = Unit::ALL
        .iter()
        .enumerate()
        .map(|(i, &unit)| SeriesInfo {
            id: format!("s{i}"),
            host: "h".into(),
            group: "g".into(),
            label: format!("series {i}"),
            unit,
            kind: if i % 2 == 0 { SeriesKind::Gauge } else { SeriesKind::Rate },
        })
        .collect();
    let hello = ServerMessage::Hello(Hello {
        protocol: PROTOCOL_VERSION,
        epoch: Epoch("ab12".into()),
        seq: 0,
        catalog: Catalog { series },
        heartbeat_ms: 5000,
        interval_ms: 1000,
        history_ms: 3_600_000,
        server_time: 1_700_000_000_000,
        host: None,
        subscribe: 0,
    });
    assert_eq!(from_json::<ServerMessage>(&serde_json::to_string(&hello).unwrap()), Ok(hello));

    for reason in [GapReason::TooOld, GapReason::EpochChanged, GapReason::Lagged] {
        let gap = ServerMessage::Gap(Gap { reason, next_seq: 9, missed: Some(3) });
        assert_eq!(from_json::<ServerMessage>(&serde_json::to_string(&gap).unwrap()), Ok(gap));
    }
    let error = ApiError { error: "not_found".into(), detail: "no such path".into() };
    assert_eq!(from_json::<ApiError>(&serde_json::to_string(&error).unwrap()), Ok(error));
}
