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
