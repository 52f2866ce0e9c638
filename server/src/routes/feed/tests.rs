//! The feed against a real hub with hand-made samples: order, lag, heartbeat, bye.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use pulse_protocol::{Catalog, GapReason, ServerMessage};

use super::{Feed, Outgoing};
use crate::hub::{Hub, Timing};
use crate::sampler::Sample;

fn hub(history_frames: u64) -> Arc<Hub> {
    let interval = Duration::from_secs(1);
    let timing = Timing { interval, heartbeat: Duration::from_secs(5), history: interval * history_frames as u32 };
    Arc::new(Hub::new("test-host".into(), timing))
}

fn publish(hub: &Hub, count: usize) {
    for i in 0..count {
        let sample = Sample { ts: i as i64, values: BTreeMap::new(), top: vec![], catalog: Catalog::default() };
        assert!(hub.publish(sample).is_some());
    }
}

/// What the feed yields, as protocol messages (frames parsed back from their shared JSON).
async fn take(feed: &mut Feed, count: usize) -> Vec<ServerMessage> {
    let mut out = Vec::new();
    for _ in 0..count {
        let item = tokio::time::timeout(Duration::from_secs(60), feed.next()).await.expect("in time");
        let text = match item.expect("the feed goes on") {
            Outgoing::Json(json) | Outgoing::Bye(json) => json,
            Outgoing::Frame(frame) => frame.json.to_string(),
        };
        out.push(serde_json::from_str(&text).expect("a protocol message"));
    }
    out
}

fn frame_seqs(messages: &[ServerMessage]) -> Vec<u64> {
    messages.iter().filter_map(|m| if let ServerMessage::Frame(f) = m { Some(f.seq) } else { None }).collect()
}

#[tokio::test]
async fn a_subscriber_that_lags_within_history_is_refilled_without_a_gap() {
    let hub = hub(3600);
    let mut feed = Feed::new(hub.clone(), "h", None, Duration::from_secs(1));
    publish(&hub, 200); // far more than the broadcast buffer holds
    let messages = take(&mut feed, 201).await;
    assert!(matches!(messages[0], ServerMessage::Hello(_)));
    assert_eq!(frame_seqs(&messages), (1..=200).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_subscriber_that_lags_beyond_history_gets_a_lagged_gap() {
    let hub = hub(10);
    let mut feed = Feed::new(hub.clone(), "h", None, Duration::from_secs(1));
    publish(&hub, 100);
    let messages = take(&mut feed, 12).await;
    let ServerMessage::Gap(gap) = &messages[1] else { panic!("a gap after hello: {messages:?}") };
    assert_eq!((gap.reason, gap.next_seq, gap.missed), (GapReason::Lagged, 91, Some(90)));
    assert_eq!(frame_seqs(&messages), (91..=100).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn an_idle_feed_sends_heartbeats_and_says_bye_on_shutdown() {
    let hub = hub(10);
    publish(&hub, 3);
    let mut feed = Feed::new(hub.clone(), "h", None, Duration::from_millis(1500));
    let messages = take(&mut feed, 3).await;
    assert!(matches!(messages[0], ServerMessage::Hello(_)));
    for message in &messages[1..] {
        let ServerMessage::Heartbeat(beat) = message else { panic!("heartbeat expected: {message:?}") };
        assert_eq!(beat.seq, 3);
    }
    hub.begin_shutdown();
    let ServerMessage::Bye(bye) = &take(&mut feed, 1).await[0] else { panic!("bye expected") };
    assert_eq!((bye.reason.as_str(), bye.retry_ms), ("restarting", 1500));
    assert!(feed.next().await.is_none(), "nothing after bye");
}
