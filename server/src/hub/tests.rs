//! Numbering, serialising once, the catalogue revision and atomic subscription.

use std::collections::BTreeMap;
use std::time::Duration;

use pulse_protocol::{Catalog, Cursor, SeriesInfo, SeriesKind, ServerMessage, Unit};

use super::{Hub, Timing};
use crate::sampler::Sample;

fn hub() -> Hub {
    let second = Duration::from_secs(1);
    Hub::new("h".into(), Timing { interval: second, heartbeat: second, history: second * 100 })
}

fn sample(series: &[&str]) -> Sample {
    let info = |id: &&str| SeriesInfo {
        id: id.to_string(),
        host: "h".into(),
        group: "g".into(),
        label: id.to_string(),
        unit: Unit::Count,
        kind: SeriesKind::Gauge,
    };
    Sample {
        ts: 1,
        values: series.iter().map(|id| (id.to_string(), 1.0)).collect::<BTreeMap<_, _>>(),
        top: vec![],
        catalog: Catalog { series: series.iter().map(info).collect() },
    }
}

#[test]
fn the_epoch_is_twelve_characters_of_digits_and_lowercase() {
    let epoch = hub().epoch().0.clone();
    assert_eq!(epoch.len(), 12);
    assert!(pulse_protocol::Epoch::parse(&epoch).is_ok(), "{epoch}");
    assert_ne!(epoch, hub().epoch().0, "each run picks its own");
}

#[test]
fn frames_are_numbered_from_one_and_serialised_once_for_every_transport() {
    let hub = hub();
    let mut live = hub.subscribe(None).live;
    for _ in 0..3 {
        assert!(hub.publish(sample(&["a"])).is_some());
    }
    for want in 1..=3 {
        let shared = live.try_recv().expect("broadcast");
        assert_eq!(shared.frame.seq, want);
        let ServerMessage::Frame(frame) = serde_json::from_str(&shared.json).expect("json") else {
            panic!("a frame message")
        };
        assert_eq!(frame, shared.frame);
        let text_at = crate::fanout::text_offset(&shared.ws);
        assert_eq!(shared.ws[0], 0x81, "one final text message");
        assert_eq!(&shared.ws[text_at..], shared.json.as_bytes(), "the WebSocket message carries the same JSON");
        let sse = shared.sse(hub.epoch());
        let sse = std::str::from_utf8(&sse).expect("utf8");
        assert_eq!(sse, format!("id: {}:{want}\ndata: {}\n\n", hub.epoch(), shared.json));
    }
}

#[test]
fn the_catalogue_revision_moves_only_when_the_catalogue_changes() {
    let hub = hub();
    assert_eq!(hub.catalog_revision(), 0);
    hub.publish(sample(&["a"]));
    hub.publish(sample(&["a"]));
    assert_eq!(hub.catalog_revision(), 1);
    hub.publish(sample(&["a", "eth1"]));
    assert_eq!(hub.catalog_revision(), 2);
    assert!(hub.catalog().get("eth1").is_some());
}

#[test]
fn a_subscription_sees_each_frame_once_either_in_its_backlog_or_live() {
    let hub = hub();
    hub.publish(sample(&["a"]));
    let cursor = Cursor { epoch: hub.epoch().clone(), seq: 0 };
    let mut subscription = hub.subscribe(Some(&cursor));
    hub.publish(sample(&["a"]));
    let backlog: Vec<u64> = subscription.resume.backlog.iter().map(|f| f.frame.seq).collect();
    assert_eq!(backlog, vec![1]);
    assert_eq!(subscription.live.try_recv().expect("live").frame.seq, 2);
    assert!(subscription.live.try_recv().is_err(), "nothing twice");
}

#[test]
fn publishing_stops_once_shutdown_begins() {
    let hub = hub();
    let signal = hub.shutdown_signal();
    hub.begin_shutdown();
    assert!(*signal.borrow());
    assert!(hub.publish(sample(&["a"])).is_none(), "the sampler is told to end");
}

#[test]
fn a_frame_is_written_as_its_message_is() {
    use pulse_protocol::{Frame, ProcessInfo};
    let values = BTreeMap::from([("cpu.total".to_owned(), 12.5), ("nan".to_owned(), f64::NAN)]);
    for top in [vec![], vec![ProcessInfo { pid: 3, name: "a \"b\"\n".into(), cpu: 1.0, mem: 2 }]] {
        let frame = Frame { seq: 7, ts: -1, host: "h \u{e9}".into(), values: values.clone(), top, columns: None };
        assert_eq!(super::frame_json(&frame), super::to_json(&ServerMessage::Frame(frame.clone())));
    }
}

#[test]
fn the_newest_frame_is_the_one_published_last() {
    let hub = hub();
    assert!(hub.newest_frame().is_none(), "nothing before the first frame");
    for want in 1..=3 {
        let published = hub.publish(sample(&["a"])).expect("published");
        let newest = hub.newest_frame().expect("a frame");
        assert_eq!(newest.frame.seq, want);
        assert!(std::sync::Arc::ptr_eq(&newest, &published), "the frame shared, not a copy");
    }
}

/// An agent host's frames, each read into the buffers of the one history let go
/// of, read as `serde_json` reads them, whoever still holds a frame.
#[test]
fn a_frame_is_read_into_the_buffers_of_the_one_let_go() {
    let second = Duration::from_secs(1);
    let timing = Timing { interval: second, heartbeat: second, history: second * 100 };
    let hub = Hub::restored("h".into(), pulse_protocol::Epoch("e".into()), timing, (0, 0), true);
    let text = |seq: u64, values: &str| {
        format!(
            r#"{{"type":"frame","seq":{seq},"ts":{seq},"host":"h","values":{values},"top":[{{"pid":1,"name":"init","cpu":0.5,"mem":1}}]}}"#
        )
    };
    let mut first_id = Vec::new();
    let mut held = Vec::new();
    // Seq, the values, whether another holder keeps that frame, and whether its
    // first id is the one of the frame two before it (read into its buffers).
    let cases = [
        (1, r#"{"a":1,"b":2}"#, false, false),
        (2, r#"{"a":3,"b":4}"#, false, false),
        (3, r#"{"a":5,"b":6}"#, true, true),
        (4, r#"{"a":7,"b":8}"#, false, true),
        (5, r#"{"a":9,"c":1}"#, false, false), // frame 3 was still held
        (6, r#"{"a":9,"c":2}"#, false, true),
    ];
    for (seq, values, hold, reused) in cases {
        let json = text(seq, values);
        let Ok(ServerMessage::Frame(frame)) = hub.read(&json) else { panic!("frame {seq} reads") };
        let expected = serde_json::from_str::<ServerMessage>(&json).expect("reads");
        assert_eq!(ServerMessage::Frame(frame.clone()), expected, "frame {seq} as serde_json reads it");
        first_id.push(frame.values.keys().next().map(|id| id.as_ptr()));
        let two_before = (seq >= 3).then(|| first_id[seq as usize - 3]);
        assert_eq!(two_before == Some(first_id[seq as usize - 1]), reused, "frame {seq}: reused");
        let shared = hub.ingest_text(frame, &json).expect("a new frame");
        if hold {
            held.push(shared);
        }
    }
    assert_eq!(held[0].frame.values.get("a"), Some(&5.0), "a frame someone holds is never written over");
}

/// `pass_unless_watched` at `now`, with a grace of 60 s.
fn watched_at(hub: &Hub, now: i64) -> bool {
    hub.pass_unless_watched(now, Duration::from_secs(60))
}

#[test]
fn a_stream_nobody_asked_for_passes_its_seqs_and_keeps_no_frame() {
    let hub = hub();
    let now = super::now_ms();
    assert!(!watched_at(&hub, now), "never asked for");
    assert!(!watched_at(&hub, now + 1_000));
    assert_eq!(hub.newest_seq(), 2, "each passed-over second takes its seq");
    assert!(hub.newest_frame().is_none());
    // A client that starts now is told seq 2 and gets the next frame, seq 3.
    let start = hub.start(None);
    assert_eq!((start.seq, start.after), (2, 2));
    assert!(watched_at(&hub, super::now_ms()), "asked just now");
    assert_eq!(hub.publish(sample(&["a"])).map(|f| f.frame.seq), Some(3));
}

#[test]
fn a_stream_stays_made_while_watched_and_a_grace_after() {
    // (ms after the last ask, a live SSE receiver held, made) in turn.
    let hub = hub();
    let asked = super::now_ms();
    let live = hub.subscribe(None).live;
    assert!(watched_at(&hub, asked + 60_000), "asked 60 s ago: inside the grace");
    assert!(watched_at(&hub, asked + 600_000), "an SSE stream watches it");
    drop(live);
    assert!(watched_at(&hub, asked + 660_000), "seen watching 60 s ago");
    assert!(!watched_at(&hub, asked + 660_001), "the grace is over");
    hub.publish(sample(&["a"]));
    assert!(!watched_at(&hub, asked + 661_000));
    assert!(hub.newest_frame().is_none(), "a stream no longer made lets go of its history");
    let resume = hub.subscribe(Some(&Cursor { epoch: hub.epoch().clone(), seq: 1 })).resume;
    assert_eq!(resume.gap.map(|gap| gap.reason), Some(pulse_protocol::GapReason::TooOld));
    assert!(resume.backlog.is_empty());
}

#[test]
fn two_streams_numbered_in_step_stay_in_step_whichever_is_made() {
    let (keyed, columns) = (hub(), hub());
    let now = super::now_ms();
    columns.start(None);
    for second in 0..5 {
        let t = now + second * 1_000;
        for hub in [&keyed, &columns] {
            if watched_at(hub, t) {
                hub.publish(sample(&["a"]));
            }
        }
        assert_eq!(keyed.newest_seq(), columns.newest_seq(), "second {second}");
    }
    assert!(keyed.newest_frame().is_none());
    assert_eq!(columns.newest_frame().map(|f| f.frame.seq), Some(5));
    keyed.begin_shutdown();
    assert!(watched_at(&keyed, now + 600_000), "a stopped hub is published to, which ends its publisher");
    assert!(keyed.publish(sample(&["a"])).is_none());
}
