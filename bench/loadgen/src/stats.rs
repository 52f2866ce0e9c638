//! Counters shared by every client task on the (single-threaded) runtime.
//!
//! All clients live on one thread, so plain `Cell`s do; nothing here locks.

use std::cell::{Cell, RefCell};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::hist::Histogram;
use crate::msg::{Head, Kind};

/// Everything the clients count; read once at the end of the window.
#[derive(Default)]
pub struct Stats {
    /// True while the measuring window is open: only then are latencies recorded.
    pub measuring: Cell<bool>,
    /// Latency of each frame received in the window.
    pub hist: RefCell<Histogram>,
    /// Frames received in the window.
    pub window_frames: Cell<u64>,
    /// Frames received since start.
    pub frames: Cell<u64>,
    /// Frames received while the window was open whose `ts` was missing.
    pub frames_without_ts: Cell<u64>,
    /// `hello` messages received.
    pub hellos: Cell<u64>,
    /// `heartbeat` messages received.
    pub heartbeats: Cell<u64>,
    /// `gap` messages received.
    pub gaps: Cell<u64>,
    /// Sequence numbers skipped between consecutive frames of one client.
    pub missed_seqs: Cell<u64>,
    /// Clients whose handshake completed and that are still open.
    pub connected: Cell<usize>,
    /// Clients that have received at least one frame.
    pub clients_with_frames: Cell<usize>,
    /// Connection attempts that failed before the handshake completed.
    pub connect_failures: Cell<usize>,
    /// Connected clients that were closed or failed later.
    pub disconnects: Cell<usize>,
    /// Disconnects that happened while the window was open.
    pub window_disconnects: Cell<usize>,
    /// The first few distinct error messages, to say why things failed.
    pub errors: RefCell<Vec<String>>,
}

/// How many distinct error messages are kept.
const MAX_ERRORS: usize = 5;

impl Stats {
    /// Counts one more of a counter.
    pub fn bump(cell: &Cell<u64>, by: u64) {
        cell.set(cell.get() + by);
    }

    /// Remembers an error message, if it is new and there is room.
    pub fn note_error(&self, message: String) {
        let mut errors = self.errors.borrow_mut();
        if errors.len() < MAX_ERRORS && !errors.contains(&message) {
            errors.push(message);
        }
    }

    /// Opens the measuring window: the counts of the window start from zero.
    pub fn open_window(&self) {
        self.window_frames.set(0);
        self.window_disconnects.set(0);
        *self.hist.borrow_mut() = Histogram::default();
        self.measuring.set(true);
    }
}

/// One client's view: where its stream is, and whether it has been counted as up.
pub struct Cursor {
    last_seq: Option<u64>,
    got_frame: bool,
}

impl Cursor {
    /// A client that has received nothing yet.
    pub fn new() -> Self {
        Cursor { last_seq: None, got_frame: false }
    }

    /// Accounts for one message. `replay` marks frames the server sent from its
    /// history (a long-poll's first answer): they count, but not as latencies.
    pub fn on_head(&mut self, stats: &Stats, head: Head, replay: bool) {
        match head.kind {
            Kind::Frame => self.on_frame(stats, head, replay),
            Kind::Hello => Stats::bump(&stats.hellos, 1),
            Kind::Heartbeat => Stats::bump(&stats.heartbeats, 1),
            Kind::Gap => Stats::bump(&stats.gaps, 1),
            Kind::Other => {}
        }
    }

    fn on_frame(&mut self, stats: &Stats, head: Head, replay: bool) {
        Stats::bump(&stats.frames, 1);
        if !self.got_frame {
            self.got_frame = true;
            stats.clients_with_frames.set(stats.clients_with_frames.get() + 1);
        }
        if let (Some(seq), Some(last)) = (head.seq, self.last_seq) {
            if seq > last + 1 {
                Stats::bump(&stats.missed_seqs, seq - last - 1);
            }
        }
        if head.seq.is_some() {
            self.last_seq = head.seq;
        }
        if !stats.measuring.get() || replay {
            return;
        }
        Stats::bump(&stats.window_frames, 1);
        match head.ts {
            Some(ts) => stats.hist.borrow_mut().record(now_us() - ts * 1000),
            None => Stats::bump(&stats.frames_without_ts, 1),
        }
    }
}

/// Wall-clock time in microseconds since the Unix epoch.
pub fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(seq: u64, ts: i64) -> Head {
        Head { kind: Kind::Frame, seq: Some(seq), ts: Some(ts) }
    }

    #[test]
    fn counts_frames_gaps_and_window_latencies() {
        let stats = Stats::default();
        let mut cursor = Cursor::new();
        let now_ms = now_us() / 1000;
        cursor.on_head(&stats, frame(1, now_ms), false);
        stats.open_window();
        cursor.on_head(&stats, frame(2, now_ms), false);
        cursor.on_head(&stats, frame(5, now_ms), true);
        assert_eq!(stats.frames.get(), 3);
        assert_eq!(stats.window_frames.get(), 1);
        assert_eq!(stats.missed_seqs.get(), 2);
        assert_eq!(stats.clients_with_frames.get(), 1);
        assert_eq!(stats.hist.borrow().total(), 1);
    }
}
