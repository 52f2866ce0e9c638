//! A browser-like client of one host's stream on a hub: `/api/v1/ws?host=ID`, and
//! after a close, again from its cursor (`since`, `epoch`), as the web app does (on
//! the next of its hubs, when given several). It records every frame it is given,
//! in order, and every gap.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use pulse_protocol::ServerMessage;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// The most messages a watcher reads before it gives up (bounds its loop).
const MAX_MESSAGES: usize = 20_000;
/// The most times it reconnects.
const MAX_CONNECTS: usize = 100;

/// A frame as a browser got it.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub epoch: String,
    pub seq: u64,
    pub ts: i64,
}

/// Asserts the frames are one epoch's seqs, each one more than the one before.
pub fn assert_contiguous(frames: &[Seen]) {
    assert!(!frames.is_empty(), "no frames");
    for pair in frames.windows(2) {
        assert_eq!(pair[0].epoch, pair[1].epoch, "the epoch changed: {pair:?}");
        assert_eq!(pair[1].seq, pair[0].seq + 1, "a hole or a duplicate: {pair:?}");
        assert!(pair[1].ts >= pair[0].ts, "out of order: {pair:?}");
    }
}

pub struct Watcher {
    frames: Arc<Mutex<Vec<Seen>>>,
    gaps: Arc<Mutex<Vec<String>>>,
    count: watch::Receiver<usize>,
    task: tokio::task::JoinHandle<()>,
}

impl Watcher {
    /// Watches `host` on the hub at `hub` from now on.
    pub fn start(hub: SocketAddr, host: &str) -> Self {
        Watcher::start_on(vec![hub], host, None)
    }

    /// Watches `host` on the first of `hubs` from `cursor` (`(epoch, seq)`; none:
    /// from now), moving to the next hub whenever a connection ends or fails.
    pub fn start_on(hubs: Vec<SocketAddr>, host: &str, cursor: Option<(String, u64)>) -> Self {
        let frames = Arc::new(Mutex::new(Vec::new()));
        let gaps = Arc::new(Mutex::new(Vec::new()));
        let (count, counted) = watch::channel(0);
        let seen = Record { frames: Arc::clone(&frames), gaps: Arc::clone(&gaps), count };
        let task = tokio::spawn(watch_host(hubs, host.to_owned(), cursor, seen));
        Watcher { frames, gaps, count: counted, task }
    }

    /// Every gap so far, as sent.
    pub fn gaps(&self) -> Vec<String> {
        self.gaps.lock().expect("gaps").clone()
    }

    /// Every frame so far.
    pub fn frames(&self) -> Vec<Seen> {
        self.frames.lock().expect("frames").clone()
    }

    /// Waits until some frame satisfies `done`.
    pub async fn wait_for(&mut self, what: &str, limit: Duration, done: impl Fn(&Seen) -> bool) {
        let frames = Arc::clone(&self.frames);
        let found = move || frames.lock().expect("frames").iter().any(&done);
        let ok = matches!(tokio::time::timeout(limit, self.count.wait_for(|_| found())).await, Ok(Ok(_)));
        assert!(ok, "no frame {what} within {limit:?}; got {:?}", self.frames().last());
    }

    /// Waits until it holds `count` frames.
    pub async fn wait_for_count(&mut self, count: usize, limit: Duration) {
        let ok = matches!(tokio::time::timeout(limit, self.count.wait_for(|n| *n >= count)).await, Ok(Ok(_)));
        assert!(ok, "not {count} frames within {limit:?}: {}", self.frames().len());
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where a watcher's task records what it is sent.
struct Record {
    frames: Arc<Mutex<Vec<Seen>>>,
    gaps: Arc<Mutex<Vec<String>>>,
    count: watch::Sender<usize>,
}

async fn watch_host(hubs: Vec<SocketAddr>, host: String, mut cursor: Option<(String, u64)>, seen: Record) {
    let Record { frames, gaps, count } = seen;
    let mut read = 0;
    for attempt in 0..MAX_CONNECTS {
        let hub = hubs[attempt % hubs.len()];
        let query = match &cursor {
            Some((epoch, seq)) => format!("?host={host}&since={seq}&epoch={epoch}"),
            None => format!("?host={host}"),
        };
        let url = format!("ws://{hub}/api/v1/ws{query}");
        let Ok(Ok((mut socket, _))) =
            tokio::time::timeout(Duration::from_secs(5), tokio_tungstenite::connect_async(url)).await
        else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        let mut epoch = cursor.as_ref().map(|(epoch, _)| epoch.clone()).unwrap_or_default();
        while let Some(Ok(message)) = socket.next().await {
            read += 1;
            if read > MAX_MESSAGES {
                return;
            }
            let Message::Text(text) = message else { continue };
            match serde_json::from_str::<ServerMessage>(&text) {
                Ok(ServerMessage::Hello(hello)) => epoch = hello.epoch.0,
                Ok(ServerMessage::Frame(frame)) => {
                    cursor = Some((epoch.clone(), frame.seq));
                    let total = {
                        let mut frames = frames.lock().expect("frames");
                        frames.push(Seen { epoch: epoch.clone(), seq: frame.seq, ts: frame.ts });
                        frames.len()
                    };
                    count.send_replace(total);
                }
                Ok(ServerMessage::Gap(_)) => gaps.lock().expect("gaps").push(text.to_string()),
                _ => {}
            }
        }
    }
}
