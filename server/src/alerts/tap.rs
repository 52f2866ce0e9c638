//! The hub's side of the engine: every host's hub hands each frame to its [`Tap`],
//! which puts it on a bounded channel to the engine task and never waits. The
//! channel holds [`CAPACITY`] frames (a few seconds of ten thousand hosts at 1 Hz);
//! if the engine ever falls that far behind, frames are dropped, counted, and said
//! in the log at most once a minute (the rules see a gap, never a wrong value).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::history::SharedFrame;
use crate::hub::watcher::{Watcher, Watchers};

/// Frames queued for the engine before new ones are dropped.
pub const CAPACITY: usize = 65_536;

/// How often a full channel is said in the log, at most.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// One frame of one host, for the engine.
pub struct Seen {
    /// The host's id.
    pub host: Arc<str>,
    /// The frame, shared with the hub (nothing is copied).
    pub frame: Arc<SharedFrame>,
}

/// The sending end, shared by every host's tap.
pub struct Taps {
    sender: mpsc::Sender<Seen>,
    dropped: AtomicU64,
    reported: Mutex<Option<Instant>>,
}

/// One host's tap.
struct Tap {
    host: Arc<str>,
    taps: Arc<Taps>,
}

impl Taps {
    /// The taps and the engine's receiving end.
    pub fn new() -> (Arc<Taps>, mpsc::Receiver<Seen>) {
        let (sender, receiver) = mpsc::channel(CAPACITY);
        (Arc::new(Taps { sender, dropped: AtomicU64::new(0), reported: Mutex::new(None) }), receiver)
    }

    /// Host `id`'s tap.
    pub fn tap(self: &Arc<Self>, id: &str) -> Arc<dyn Watcher> {
        Arc::new(Tap { host: Arc::from(id), taps: Arc::clone(self) })
    }

    /// What the fleet calls for each host it makes.
    pub fn watchers(self: &Arc<Self>) -> Watchers {
        let taps = Arc::clone(self);
        Arc::new(move |id: &str| taps.tap(id))
    }

    /// Frames dropped so far because the engine was behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    fn full(&self) {
        let total = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
        let mut reported = self.reported.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if reported.is_none_or(|at| at.elapsed() >= REPORT_EVERY) {
            *reported = Some(Instant::now());
            tracing::warn!(dropped = total, "the alerts engine is behind: frames are skipped (rules see a gap)");
        }
    }
}

impl Watcher for Tap {
    fn saw(&self, frame: &Arc<SharedFrame>) {
        let seen = Seen { host: Arc::clone(&self.host), frame: Arc::clone(frame) };
        match self.taps.sender.try_send(seen) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => {}
            Err(mpsc::error::TrySendError::Full(_)) => self.taps.full(),
        }
    }
}
