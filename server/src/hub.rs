//! The hub: numbers each sample, serialises it once, keeps it in history and
//! broadcasts it to every connection.
//!
//! Subscribing and snapshotting history happen under the same lock the publisher
//! takes, so a subscriber's backlog and its live frames meet with no hole and no
//! duplicate; what an older cursor needs from the store is read after that lock
//! is let go (every ingest takes it). SSE streams take live frames from a broadcast channel; WebSocket
//! clients get them written to their sockets by the [`Fanout`] (see `publisher`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use pulse_protocol::fleet::Columns;
use pulse_protocol::{
    read_frame_over, Catalog, Cursor, Epoch, Frame, Gap, GapReason, Heartbeat, Hello, Reusing, ServerMessage,
    PROTOCOL_VERSION, SUBSCRIBE_VERSION,
};
use rand::Rng;
use serde::de::DeserializeSeed;
use tokio::sync::{broadcast, watch};

use crate::fanout::Fanout;
use crate::history::{History, Resume, SharedFrame};
use crate::sampler::Sample;

pub mod keeper;
pub mod publisher;
pub mod watcher;

pub use keeper::Keeper;
pub use watcher::Watcher;

/// Live frames buffered per subscriber before it counts as lagging (a lagging
/// SSE stream is refilled from history, so this is memory, not behaviour).
const BROADCAST_CAPACITY: usize = 64;
/// The same for an agent's host: a hub holds thousands, each with its own
/// buffer (64 slots were 2.5 KiB a host), and seldom an SSE stream on one.
const MIRROR_BROADCAST_CAPACITY: usize = 16;

/// Timing a client needs to know, sent in `hello`.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// How often the host is sampled.
    pub interval: Duration,
    /// The longest silence on a stream before a heartbeat.
    pub heartbeat: Duration,
    /// How much history is kept.
    pub history: Duration,
}

/// Shared by the sampler and every connection.
pub struct Hub {
    /// This host's name, carried by every series.
    host: String,
    /// This server run.
    epoch: Epoch,
    /// Sampling, heartbeat and history durations.
    timing: Timing,
    /// History and catalogue; held briefly.
    inner: Mutex<Inner>,
    /// Live frames to every SSE stream and long-poll, made when the first one
    /// subscribes: a hub of thousands of agents' hosts seldom has one on any.
    live: OnceLock<broadcast::Sender<Arc<SharedFrame>>>,
    /// How many frames [`Hub::live`] buffers per stream.
    live_capacity: usize,
    /// Live frames to every WebSocket client.
    fanout: Fanout,
    /// Flips to true once when the server starts shutting down.
    shutdown: watch::Sender<bool>,
    /// Set when the sampler must stop.
    stopped: AtomicBool,
    /// The history store, when there is one.
    keeper: Option<Arc<dyn Keeper>>,
    /// Told of every frame (the alerts engine), when there is one.
    watcher: Option<Arc<dyn Watcher>>,
    /// The most frames a resume is sent (the newest, after a gap), when bounded:
    /// the `@fleet` summary's frames are each the whole state.
    resume_at_most: Option<usize>,
}

struct Inner {
    /// Recent frames, for resuming and backfill.
    history: History,
    /// Every series the host has now.
    catalog: Arc<Catalog>,
    /// Bumped whenever the catalogue changes (an interface or mount came or went).
    catalog_revision: u64,
    /// The last frame history let go of whole, once nobody else held it: the
    /// next frame read for this host is read into its buffers ([`Hub::read`]).
    spare: Option<Frame>,
    /// When a client last asked for this stream or was seen watching it, ms
    /// since the Unix epoch (0: never): a stream made only while watched (the
    /// `@fleet` summary's shapes, [`Hub::pass_unless_watched`]) is made while
    /// this is recent.
    asked: i64,
}

/// A new subscriber's starting point.
pub struct Subscription {
    /// The catalogue at subscription time, for `hello` (see [`Hub::hello`]).
    pub catalog: Arc<Catalog>,
    /// The resume result: an optional gap and the frames after the cursor.
    pub resume: Resume,
    /// Live frames from here on.
    pub live: broadcast::Receiver<Arc<SharedFrame>>,
    /// The newest seq at subscription time.
    pub seq: u64,
    /// The seq after which the client is sent frames (see [`Start::after`]).
    pub after: u64,
}

/// Where a new WebSocket client starts (it takes live frames from the [`Fanout`]).
pub struct Start {
    /// The catalogue now, for `hello` (see [`Hub::hello`]).
    pub catalog: Arc<Catalog>,
    /// The resume result: an optional gap and the frames after the cursor.
    pub resume: Resume,
    /// The newest seq now.
    pub seq: u64,
    /// The seq after which the client is sent frames: the newest, or its cursor
    /// when that is a little ahead in this epoch (an agent is replaying what a
    /// restarted hub had not stored; the client has those frames already).
    pub after: u64,
}

/// How far ahead of the newest frame a cursor of this epoch may be and still be
/// waited for (an agent's replay after a hub crash); further is taken as "now".
const AHEAD: u64 = 600;

impl Hub {
    /// A hub for `host` with a fresh random epoch, keeping every frame of its
    /// history whole.
    pub fn new(host: String, timing: Timing) -> Self {
        Hub::with_history(host, random_epoch(), timing, History::new(capacity(&timing)), BROADCAST_CAPACITY)
    }

    /// A hub like [`Hub::new`] whose older frames keep only their JSON (see
    /// [`History::lean`]): the fleet summary's, whose frames hold a value of every
    /// host and are seldom asked for again.
    pub fn lean(host: String, timing: Timing) -> Self {
        Hub::with_history(host, random_epoch(), timing, History::lean(capacity(&timing)), BROADCAST_CAPACITY)
    }

    /// A hub for a host an agent samples: its frames keep the agent's `epoch` and
    /// seqs, so clients resume the host's stream with the same cursor whichever
    /// hub or agent restarted (see [`Hub::ingest`]). Its history is compact (see
    /// [`History::compact`]): a hub holds thousands of these.
    pub fn mirror(host: String, epoch: Epoch, timing: Timing) -> Self {
        let history = History::compact(capacity(&timing));
        Hub::with_history(host, epoch, timing, history, MIRROR_BROADCAST_CAPACITY)
    }

    fn with_history(host: String, epoch: Epoch, timing: Timing, history: History, live: usize) -> Self {
        Hub {
            host,
            epoch,
            timing,
            inner: Mutex::new(Inner { history, catalog: Arc::default(), catalog_revision: 0, spare: None, asked: 0 }),
            live: OnceLock::new(),
            live_capacity: live,
            fanout: Fanout::default(),
            shutdown: watch::channel(false).0,
            stopped: AtomicBool::new(false),
            keeper: None,
            watcher: None,
            resume_at_most: None,
        }
    }

    /// A hub of `epoch` for `host` that continues a stream the store holds up to
    /// seq `newest`, taken at `newest_ts` (after a restart): its next frame is
    /// `newest + 1`, and clients resume from cursors of before the restart.
    /// `mirror`: an agent's host (compact history), else the hub's own.
    pub fn restored(host: String, epoch: Epoch, timing: Timing, newest: (u64, i64), mirror: bool) -> Self {
        let (mut history, live) = if mirror {
            (History::compact(capacity(&timing)), MIRROR_BROADCAST_CAPACITY)
        } else {
            (History::new(capacity(&timing)), BROADCAST_CAPACITY)
        };
        history.start_after(newest.0, newest.1);
        Hub::with_history(host, epoch, timing, history, live)
    }

    /// This hub numbering its frames in `epoch` (the `@fleet` summary's columnar
    /// hub shares the keyed one's, so a cursor means the same on both).
    pub fn numbered_in(mut self, epoch: Epoch) -> Self {
        self.epoch = epoch;
        self
    }

    /// This hub with the history store behind it.
    pub fn keeping(mut self, keeper: Arc<dyn Keeper>) -> Self {
        self.keeper = Some(keeper);
        self
    }

    /// This hub with `watcher` told of every frame (none: nobody is).
    pub fn watched(mut self, watcher: Option<Arc<dyn Watcher>>) -> Self {
        self.watcher = watcher;
        self
    }

    /// This hub sending a resuming client at most its newest `frames` frames, after a
    /// gap for the older ones (see [`Resume::at_most`]).
    pub fn resuming_at_most(mut self, frames: usize) -> Self {
        self.resume_at_most = Some(frames);
        self
    }

    /// Whether this hub's frames go to the history store.
    pub fn keeps(&self) -> bool {
        self.keeper.is_some()
    }

    /// The newest seq safely stored: what an agent is acknowledged (without a
    /// store, the newest in memory).
    pub fn stored_seq(&self) -> u64 {
        let newest = self.newest_seq();
        self.keeper.as_ref().and_then(|k| k.stored(&self.epoch)).map_or(newest, |stored| stored.min(newest))
    }

    /// Stores and broadcasts a frame an agent numbered (the caller offers it to the
    /// [`Fanout`]). A frame the hub has already is ignored (`None`); after a hole
    /// (the agent's buffer overflowed), history starts again at the new frame, so
    /// every client is told of the hole with an explicit gap.
    pub fn ingest(&self, frame: Frame) -> Option<Arc<SharedFrame>> {
        self.ingest_as(frame, None)
    }

    /// [`Hub::ingest`] of a frame whose `{"type":"frame",…}` message is `text`,
    /// exactly as the hub would write it (an agent's, see `routes/agent`), so
    /// it is not serialised again.
    pub fn ingest_text(&self, frame: Frame, text: &str) -> Option<Arc<SharedFrame>> {
        self.ingest_as(frame, Some(text))
    }

    fn ingest_as(&self, frame: Frame, text: Option<&str>) -> Option<Arc<SharedFrame>> {
        let mut inner = self.lock();
        let newest = inner.history.newest_seq();
        if frame.seq <= newest {
            return None;
        }
        if newest != 0 && frame.seq != newest + 1 {
            inner.history.clear();
        }
        if let Some(keeper) = &self.keeper {
            keeper.keep(&self.epoch, &frame, &inner.catalog, false);
        }
        let shared = Arc::new(match text {
            Some(text) => SharedFrame::from_json(frame, text),
            None => share(frame),
        });
        let let_go = inner.history.push(Arc::clone(&shared));
        inner.spare = let_go.and_then(Arc::into_inner).map(|frame| frame.frame);
        if let Some(live) = self.live.get() {
            let _ = live.send(Arc::clone(&shared));
        }
        if let Some(watcher) = &self.watcher {
            watcher.saw(&shared);
        }
        Some(shared)
    }

    /// Reads a message of this host's stream (an agent's, or one its stream in
    /// Redis holds), as `serde_json::from_str` does, into the buffers of the last
    /// frame history let go of when nobody else holds it: a frame naming the same
    /// series and processes as that one allocates nothing for them, and one in
    /// the hub's own layout is read without serde (`read_frame_over`).
    pub fn read(&self, text: &str) -> serde_json::Result<ServerMessage> {
        let mut spare = self.lock().spare.take();
        if let Some(frame) = spare.take_if(|frame| read_frame_over(text, frame)) {
            return Ok(ServerMessage::Frame(frame));
        }
        let mut reader = serde_json::Deserializer::from_str(text);
        let message = Reusing(spare).deserialize(&mut reader)?;
        reader.end()?;
        Ok(message)
    }

    /// Lets go of the spare frame ([`Hub::read`]): the host's link ended, and a
    /// host that is down reads nothing into it.
    pub fn let_go_spare(&self) {
        self.lock().spare = None;
    }

    /// For a stream made only while someone watches it (the `@fleet` summary's
    /// shapes): whether a client watches it now (a WebSocket client or an SSE
    /// stream) or asked for it (a subscribe, a poll, `/history`) within `grace`
    /// of `now` (ms since the Unix epoch), in which case the caller makes and
    /// publishes its next frame. Otherwise that frame is passed over: the next
    /// seq is taken without a frame and history let go of (a client that starts
    /// now is told that seq and gets the next frame; one resuming from before
    /// gets a gap), so this hub keeps numbering in step with another that made
    /// it. Decided and done under the hub's lock, which every subscribe takes,
    /// so a client is never told a seq that is then passed over. Once the hub is
    /// stopped this says `true`: the caller's publish then tells it to end.
    pub fn pass_unless_watched(&self, now: i64, grace: Duration) -> bool {
        if self.stopped.load(Ordering::Relaxed) {
            return true;
        }
        // Outside the lock (the fan-out's own): a WebSocket client asks (`start`,
        // under the lock) before it joins the fan-out, so none is missed.
        let watching = self.fanout.has_open() || self.live.get().is_some_and(|live| live.receiver_count() > 0);
        let mut inner = self.lock();
        if watching {
            inner.asked = now;
        }
        if now.saturating_sub(inner.asked) <= grace.as_millis() as i64 {
            return true;
        }
        let seq = inner.history.newest_seq() + 1;
        inner.history.start_after(seq, now);
        false
    }

    /// Sets the catalogue (an agent's `hello` carries it).
    pub fn set_catalog(&self, catalog: Catalog) {
        let mut inner = self.lock();
        if *inner.catalog != catalog {
            inner.catalog = Arc::new(catalog);
            inner.catalog_revision += 1;
        }
    }

    /// When the newest frame was sampled, ms since the Unix epoch (0: none yet).
    pub fn newest_ts(&self) -> i64 {
        self.lock().history.newest_ts()
    }

    /// The host name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// This server run.
    pub fn epoch(&self) -> &Epoch {
        &self.epoch
    }

    /// Interval, heartbeat and history durations.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// The WebSocket clients that take live frames.
    pub fn fanout(&self) -> &Fanout {
        &self.fanout
    }

    /// Numbers, serialises, stores and broadcasts a sample to SSE streams; the
    /// caller offers the frame it returns to the [`Fanout`] (see `publisher`).
    /// Returns `None` once the hub is stopped, telling the sampler to end.
    pub fn publish(&self, sample: Sample) -> Option<Arc<SharedFrame>> {
        let Sample { ts, values, top, catalog } = sample;
        self.publish_frame(catalog, |seq, host| Frame { seq, ts, host, values, top, columns: None })
    }

    /// [`Hub::publish`] of a fleet summary in columns taken at `ts` (its `values`
    /// map empty), with the summary's `catalog`.
    pub fn publish_columns(&self, ts: i64, columns: Columns, catalog: Catalog) -> Option<Arc<SharedFrame>> {
        self.publish_frame(catalog, |seq, host| Frame {
            seq,
            ts,
            host,
            values: Default::default(),
            top: Vec::new(),
            columns: Some(columns),
        })
    }

    /// Numbers the frame `make` makes (from its seq and the host name), then
    /// stores, serialises and broadcasts it.
    fn publish_frame(&self, catalog: Catalog, make: impl FnOnce(u64, String) -> Frame) -> Option<Arc<SharedFrame>> {
        if self.stopped.load(Ordering::Relaxed) {
            return None;
        }
        let (frame, catalog) = {
            let mut inner = self.lock();
            let seq = inner.history.newest_seq() + 1;
            let frame = make(seq, self.host.clone());
            if *inner.catalog != catalog {
                inner.catalog = Arc::new(catalog);
                inner.catalog_revision += 1;
                if inner.catalog_revision > 1 {
                    tracing::info!(revision = inner.catalog_revision, "the series catalogue changed");
                }
            }
            (frame, Arc::clone(&inner.catalog))
        };
        // Stored before anyone sees it: this host has no agent to replay a frame a
        // crash lost, and a client must never hold a seq the store does not. Out
        // of the hub's lock: the store may be busy with other hosts' batches, and
        // `/healthz` and every reader of this host take that lock. Only one task
        // publishes to a hub (its sampler, or the fleet summary's), so the seq
        // taken above is still the next one.
        if let Some(keeper) = &self.keeper {
            keeper.keep(&self.epoch, &frame, &catalog, true);
        }
        let mut inner = self.lock();
        let shared = Arc::new(share(frame));
        inner.history.push(Arc::clone(&shared));
        if let Some(live) = self.live.get() {
            let _ = live.send(Arc::clone(&shared));
        }
        if let Some(watcher) = &self.watcher {
            watcher.saw(&shared);
        }
        Some(shared)
    }

    /// Subscribes to live frames and computes the resume backlog atomically.
    /// The store is read (for a cursor older than memory) after the lock is let go:
    /// every ingest of this host takes that lock.
    pub fn subscribe(&self, cursor: Option<&Cursor>) -> Subscription {
        let (live, start) = {
            let mut inner = self.lock();
            inner.asked = now_ms();
            (self.live_sender().subscribe(), self.start_in(&inner, cursor))
        };
        let Start { catalog, resume, seq, after } = self.recalled(start, cursor);
        Subscription { catalog, resume, live, seq, after }
    }

    /// Where a WebSocket client at `cursor` starts: history, not a broadcast channel.
    /// The store is read after the lock is let go, as for [`Hub::subscribe`].
    pub fn start(&self, cursor: Option<&Cursor>) -> Start {
        let start = {
            let mut inner = self.lock();
            inner.asked = now_ms();
            self.start_in(&inner, cursor)
        };
        self.recalled(start, cursor)
    }

    /// `start` with its hole filled from the store, if it has one the store holds.
    /// Out of the lock: the backlog already holds the frames memory had, so frames
    /// memory drops meanwhile are not lost, and the recalled run must end just
    /// before the backlog's first frame to be joined.
    fn recalled(&self, mut start: Start, cursor: Option<&Cursor>) -> Start {
        if let (Some(keeper), Some(cursor)) = (&self.keeper, cursor) {
            self.recall_gap(keeper.as_ref(), cursor, &mut start.resume);
        }
        start
    }

    fn start_in(&self, inner: &Inner, cursor: Option<&Cursor>) -> Start {
        let seq = inner.history.newest_seq();
        let resume = match self.resume_at_most {
            Some(frames) => inner.history.resume_at_most(&self.epoch, cursor, frames),
            None => inner.history.resume(&self.epoch, cursor),
        };
        let after = match cursor {
            Some(c) if c.epoch == self.epoch && c.seq > seq && c.seq - seq <= AHEAD => c.seq,
            _ => seq,
        };
        Start { catalog: Arc::clone(&inner.catalog), resume, seq, after }
    }

    /// Fills a resume's hole from the store: a client of this epoch whose cursor
    /// is older than memory gets the stored frames in between (at most a history
    /// window of them), and a gap only for what the store lacks too.
    fn recall_gap(&self, keeper: &dyn Keeper, cursor: &Cursor, resume: &mut Resume) {
        let Some(gap) = resume.gap.as_ref().filter(|gap| gap.reason == GapReason::TooOld && cursor.epoch == self.epoch)
        else {
            return;
        };
        let oldest = gap.next_seq;
        let recalled = keeper.recall(&self.epoch, cursor.seq, oldest, capacity(&self.timing));
        let Some(first) = recalled.first().map(|f| f.seq) else { return };
        // Only a run that ends where memory starts joins it without a hole.
        if recalled.last().is_none_or(|f| f.seq + 1 != oldest) {
            return;
        }
        let missed = first - cursor.seq - 1;
        resume.gap = (missed > 0).then_some(Gap { reason: GapReason::TooOld, next_seq: first, missed: Some(missed) });
        let mut backlog: Vec<Arc<SharedFrame>> =
            recalled.into_iter().map(|f| Arc::new(share(Frame { host: self.host.clone(), ..f }))).collect();
        backlog.append(&mut resume.backlog);
        resume.backlog = backlog;
    }

    /// Frames after `seq` still in history (to refill a lagging subscriber).
    pub fn frames_after(&self, seq: u64) -> Vec<Arc<SharedFrame>> {
        let mut inner = self.lock();
        inner.asked = now_ms();
        inner.history.after(seq)
    }

    /// Waits (at most `limit`) for the first frame, so that the first clients get a
    /// full catalogue in `hello` rather than an empty one.
    pub async fn first_frame(&self, limit: Duration) {
        // Made outside the hub's lock: a frame pushed before it is seen below.
        let mut live = self.live_sender().subscribe();
        if self.newest_seq() == 0 {
            let _ = tokio::time::timeout(limit, live.recv()).await;
        }
    }

    /// The newest seq.
    pub fn newest_seq(&self) -> u64 {
        self.lock().history.newest_seq()
    }

    /// The newest frame still in history, read under one lock (the fleet listing
    /// asks every host for it).
    pub fn newest_frame(&self) -> Option<Arc<SharedFrame>> {
        self.lock().history.newest()
    }

    /// The current catalogue.
    pub fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.lock().catalog)
    }

    /// How many times the catalogue has changed (1 after the first sample).
    pub fn catalog_revision(&self) -> u64 {
        self.lock().catalog_revision
    }

    /// The frames with `ts >= from` (all when `None`), and the newest seq. Only the
    /// `Arc`s are copied under the lock (and a compact history's older frames
    /// rebuilt); callers build their answer after it.
    pub fn frames_since_time(&self, from: Option<i64>) -> (Vec<Arc<SharedFrame>>, u64) {
        let mut inner = self.lock();
        inner.asked = now_ms();
        (inner.history.since_time(from), inner.history.newest_seq())
    }

    /// A receiver that sees `true` when shutdown starts.
    pub fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Tells every stream the server is going away, and stops the sampler.
    pub fn begin_shutdown(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.shutdown.send_replace(true);
    }

    /// The `hello` for a subscription to host `id` (the id the client asked for, or
    /// `@fleet`; not [`Hub::host`], the name, which can differ), serialised (only
    /// when a client needs one: most polls do not).
    pub fn hello(&self, catalog: &Catalog, seq: u64, id: &str) -> String {
        let hello = ServerMessage::Hello(Hello {
            protocol: PROTOCOL_VERSION,
            epoch: self.epoch.clone(),
            seq,
            catalog: catalog.clone(),
            heartbeat_ms: self.timing.heartbeat.as_millis() as u64,
            interval_ms: self.timing.interval.as_millis() as u64,
            history_ms: self.timing.history.as_millis() as u64,
            server_time: now_ms(),
            host: Some(id.to_owned()),
            subscribe: SUBSCRIBE_VERSION,
        });
        to_json(&hello)
    }

    /// A heartbeat saying the newest frame is `seq`, serialised.
    pub fn heartbeat(&self, seq: u64) -> String {
        to_json(&ServerMessage::Heartbeat(Heartbeat { seq, ts: now_ms() }))
    }

    /// The SSE streams' channel, made on first use.
    fn live_sender(&self) -> &broadcast::Sender<Arc<SharedFrame>> {
        self.live.get_or_init(|| broadcast::channel(self.live_capacity).0)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave history half-written (push is
        // one VecDeque operation), so a poisoned lock is still safe to use.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Serialises a frame once, for every transport.
fn share(frame: Frame) -> SharedFrame {
    let json = frame_json(&frame);
    SharedFrame::from_json(frame, &json)
}

/// `{"type":"frame",…}`, as [`to_json`] writes a [`ServerMessage::Frame`], without
/// copying the frame into one: its fields follow the tag in the same order.
fn frame_json(frame: &Frame) -> String {
    const TAG: &[u8] = br#"{"type":"frame""#;
    let mut out = Vec::with_capacity(1024);
    out.extend_from_slice(TAG);
    match serde_json::to_writer(&mut out, frame) {
        // The frame's own `{` becomes the comma after the tag.
        Ok(()) if out.get(TAG.len()) == Some(&b'{') => {
            out[TAG.len()] = b',';
            String::from_utf8(out).unwrap_or_else(|_| to_json(&ServerMessage::Frame(frame.clone())))
        }
        _ => to_json(&ServerMessage::Frame(frame.clone())),
    }
}

/// How many frames `timing`'s history holds.
fn capacity(timing: &Timing) -> usize {
    let frames = (timing.history.as_secs_f64() / timing.interval.as_secs_f64().max(0.001)).ceil() as usize;
    frames.max(1)
}

/// A protocol message as JSON. The protocol's types are plain structs, enums,
/// strings, numbers and string-keyed maps, which serde_json always serialises
/// (non-finite floats become `null`), so the error arm is never taken; it is logged
/// rather than trusted to stay impossible.
pub fn to_json(message: &ServerMessage) -> String {
    serde_json::to_string(message).unwrap_or_else(|error| {
        tracing::error!(%error, "a protocol message did not serialise");
        String::from(r#"{"type":"heartbeat","seq":0,"ts":0}"#)
    })
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn random_epoch() -> Epoch {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    Epoch((0..12).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect())
}

#[cfg(test)]
mod tests;
