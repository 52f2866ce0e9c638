//! The resume cursor, shared by every transport and every attempt: it decides
//! which frames are new, which are duplicates, and where samples are missing.

use pulse_protocol::{Cursor, Epoch, Frame, Gap, Hello};

use super::Command;

/// Counters the tests and the debug handle read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Frames accepted.
    pub frames: u64,
    /// Frames dropped because they were already delivered.
    pub duplicates: u64,
    /// Gap markers emitted.
    pub gaps: u64,
}

/// One position `(epoch, last seq)` and what it has seen.
#[derive(Debug, Clone, Default)]
pub struct Resume {
    cursor: Option<Cursor>,
    /// The epoch of the last hello, even before any frame.
    epoch: Option<Epoch>,
    /// A gap marker was emitted and no frame has followed it yet.
    gap_pending: bool,
    /// The host this stream's frames name (the store's rings a gap breaks), once
    /// one came.
    host: Option<String>,
    counters: Counters,
}

impl Resume {
    /// The position to resume after.
    pub fn cursor(&self) -> Option<&Cursor> {
        self.cursor.as_ref()
    }

    /// The server run last heard from.
    pub fn epoch(&self) -> Option<&Epoch> {
        self.epoch.as_ref()
    }

    /// Accepted, duplicate and gap counts.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The same position, counting on from `counters` (the counters are the page's,
    /// across every stream it showed).
    pub fn counting_from(self, counters: Counters) -> Self {
        Resume { counters, ..self }
    }

    /// Starts from a known position (e.g. the end of a history backfill).
    pub fn set(&mut self, cursor: Cursor) {
        self.epoch = Some(cursor.epoch.clone());
        self.cursor = Some(cursor);
    }

    /// A hello; returns true when it comes from a new server run, which is a gap.
    pub fn hello(&mut self, hello: &Hello, out: &mut Vec<Command>) -> bool {
        if self.cursor.as_ref().is_some_and(|c| c.epoch.0.is_empty()) {
            // Frames arrived before any hello: adopt this epoch for them.
            self.cursor = self.cursor.take().map(|c| Cursor { epoch: hello.epoch.clone(), ..c });
        }
        let known = self.epoch.as_ref().or(self.cursor.as_ref().map(|c| &c.epoch));
        let changed = known.is_some_and(|e| e != &hello.epoch);
        if changed {
            self.gap(out, "the server restarted (new epoch)");
            self.cursor = None;
        }
        self.epoch = Some(hello.epoch.clone());
        changed
    }

    /// A frame: delivered (batched with the frames just before it) unless it is a
    /// duplicate; a hole before it becomes a gap marker.
    pub fn frame(&mut self, frame: Frame, out: &mut Vec<Command>) {
        if self.host.as_deref() != Some(frame.host.as_str()) {
            self.host = Some(frame.host.clone());
        }
        match &self.cursor {
            Some(cursor) if frame.seq <= cursor.seq => {
                self.counters.duplicates += 1;
                return;
            }
            Some(cursor) if frame.seq > cursor.seq + 1 => {
                let missing = frame.seq - cursor.seq - 1;
                self.gap(out, &format!("{missing} frame(s) missing before seq {}", frame.seq));
            }
            _ => {}
        }
        let epoch = self.epoch.clone().unwrap_or_else(|| Epoch(String::new()));
        self.cursor = Some(Cursor { epoch, seq: frame.seq });
        self.counters.frames += 1;
        self.gap_pending = false;
        match out.last_mut() {
            Some(Command::Frames(batch)) => batch.push(frame),
            _ => out.push(Command::Frames(vec![frame])),
        }
    }

    /// The server says frames are gone; the stream goes on at `next_seq`.
    pub fn server_gap(&mut self, gap: &Gap, out: &mut Vec<Command>) {
        let missed = gap.missed.map(|n| format!(", {n} missed")).unwrap_or_default();
        self.gap(out, &format!("the server reports a gap ({:?}{missed})", gap.reason));
        let Some(epoch) = self.epoch.clone() else { return };
        let before_next = gap.next_seq.saturating_sub(1);
        let seq = match &self.cursor {
            // Never move back inside one run: that would deliver frames twice.
            Some(cursor) if cursor.epoch == epoch => cursor.seq.max(before_next),
            _ => before_next,
        };
        self.cursor = Some(Cursor { epoch, seq });
    }

    fn gap(&mut self, out: &mut Vec<Command>, why: &str) {
        out.push(Command::Log(format!("gap: {why}")));
        if !self.gap_pending {
            self.gap_pending = true;
            self.counters.gaps += 1;
            out.push(Command::Gap(self.host.clone()));
        }
    }
}
