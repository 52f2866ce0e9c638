//! Whether a streaming client still reads, judged from what its TCP stack tells
//! ours: pure, so every rule is a table test.
//!
//! A client's kernel keeps acknowledging data after its program stops reading,
//! until its receive buffer is full: from outside the socket looks fine for as long
//! as that buffer takes to fill (minutes at 1 Hz). What does change at once is the
//! window the client advertises: a reader's returns to its largest as soon as the
//! program reads, a non-reader's shrinks by every byte it is sent. So a client is
//! *behind* while its window stays more than [`SLACK`] below the largest it has
//! advertised (or, where the kernel does not report the window, while bytes wait
//! in our send queue), and is let go once it has been behind for [`LIMIT`] and its
//! window has shrunk by more than [`SLACK`] meanwhile: data went on arriving and
//! none was read.
//!
//! A reader's window does not come back byte for byte either: its client
//! acknowledges each frame before its program reads it, and Linux announces freed
//! space only once it amounts to a segment (the connection's MSS: 1,448 bytes on
//! Ethernet, 64 KiB on loopback, which is where a local proxy such as the README's
//! nginx reads from). So a reader's window may sit up to a segment or two below its
//! largest and fall that far before it jumps back (and on loopback each unread
//! frame's buffer counts at the sender's size), though never below half of its
//! largest: once it is down to half, the reader's next read announces the space. A
//! non-reader's falls on to zero. So *behind* means more than a margin below the
//! largest: [`SLACK`] over a network, half the largest window (plus [`SLACK`]) on
//! a local path ([`LOCAL_MSS`]); *stopped* means behind for [`LIMIT`] and fallen by
//! more than [`SLACK`] since. Over a network a client that stops reading at 1 Hz
//! goes in about 25 s; on loopback it takes longer (half its window must go first:
//! about 70 s for a proxy that never read), and no reader is cut.

use std::time::Duration;

/// How far below its largest a reader's window may be while it reads.
pub const SLACK: u32 = 8 * 1024;

/// How long a client may stay behind before it is let go.
pub const LIMIT: Duration = Duration::from_secs(10);

/// What the kernel says about one connection at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// The receive window the client advertises (`None`: the kernel does not say).
    pub window: Option<u32>,
    /// Bytes sent or waiting to be, not yet acknowledged.
    pub queued: u64,
    /// The connection's segment size (`tcpi_snd_mss`; 0 when unknown).
    pub mss: u32,
}

/// Segments at least this large mean a local path (loopback, a local bridge).
pub const LOCAL_MSS: u32 = 16 * 1024;

impl Sample {
    /// How far below `largest` a reader's window may lag (see the module's
    /// documentation): [`SLACK`] over a network; on a local path, where the kernel
    /// hands over the sender's own buffers and a reader's window can sit tens of KiB
    /// low at every acknowledgement, half of it (plus [`SLACK`]), which a reader's
    /// window never falls below.
    pub fn margin(&self, largest: u32) -> u32 {
        if self.mss >= LOCAL_MSS {
            largest / 2 + SLACK
        } else {
            SLACK
        }
    }
}

/// The verdict on one sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It reads.
    Reading,
    /// It has not read for a while.
    Behind,
    /// It has not read for [`LIMIT`]: let it go.
    Stopped,
}

/// One connection's history as far as the rule needs it.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    largest_window: u32,
    /// Since when, and the window then.
    behind_since: Option<(Duration, u32)>,
}

impl Reading {
    /// Takes the sample made at `now` (any monotonic clock) and judges it.
    pub fn observe(&mut self, now: Duration, sample: Sample) -> Verdict {
        let behind = match sample.window {
            Some(window) => {
                self.largest_window = self.largest_window.max(window);
                self.largest_window - window > sample.margin(self.largest_window)
            }
            None => sample.queued > 0,
        };
        if !behind {
            self.behind_since = None;
            return Verdict::Reading;
        }
        let window = sample.window.unwrap_or(0);
        let (since, window_then) = *self.behind_since.get_or_insert((now, window));
        let shrunk = sample.window.is_none() || window_then.saturating_sub(window) > SLACK;
        if now.saturating_sub(since) >= LIMIT && shrunk {
            Verdict::Stopped
        } else {
            Verdict::Behind
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs samples `(second, window, queued)` and returns each verdict.
    fn run(samples: &[(u64, Option<u32>, u64)]) -> Vec<Verdict> {
        let mut reading = Reading::default();
        samples
            .iter()
            .map(|&(at, window, queued)| reading.observe(Duration::from_secs(at), Sample { window, queued, mss: 1448 }))
            .collect()
    }

    use Verdict::{Behind, Stopped};
    const READING: Verdict = Verdict::Reading;

    #[test]
    fn a_reader_whose_window_comes_back_is_never_let_go() {
        let mut samples = Vec::new();
        for second in 0..60 {
            let window = if second % 2 == 0 { 65_536 } else { 65_536 - 4_000 };
            samples.push((second, Some(window), 1_500));
        }
        assert!(run(&samples).iter().all(|v| *v == READING));
    }

    #[test]
    fn a_window_that_keeps_shrinking_is_let_go_after_the_limit() {
        let samples: Vec<_> = (0..30).map(|s| (s, Some(65_536 - 2_000 * s as u32), 0)).collect();
        let verdicts = run(&samples);
        // 2 KB a second: more than SLACK below the largest from second 5 on.
        assert_eq!(&verdicts[..5], &[READING; 5]);
        assert_eq!(&verdicts[5..15], &[Behind; 10]);
        assert_eq!(verdicts[15], Stopped);
    }

    #[test]
    fn reading_again_resets_the_clock() {
        let verdicts = run(&[
            (0, Some(100_000), 0),
            (1, Some(80_000), 0),
            (9, Some(70_000), 0),
            (10, Some(100_000), 0),
            (11, Some(80_000), 0),
            (20, Some(78_000), 0),
            (21, Some(70_000), 0),
        ]);
        assert_eq!(verdicts, [READING, Behind, Behind, READING, Behind, Behind, Stopped]);
    }

    #[test]
    fn a_window_that_stays_low_but_stops_shrinking_is_not_let_go() {
        let mut samples = vec![(0, Some(100_000), 0)];
        samples.extend((1..40).map(|s| (s, Some(80_000), 0)));
        assert!(run(&samples).iter().all(|v| *v != Stopped), "low but steady: the client reads what it gets");
    }

    #[test]
    fn a_window_that_grows_is_a_reader() {
        let verdicts = run(&[(0, Some(65_536), 0), (1, Some(1 << 20), 0), (2, Some((1 << 20) - 4096), 0)]);
        assert_eq!(verdicts, [READING; 3]);
    }

    #[test]
    fn without_a_window_bytes_left_waiting_decide() {
        let verdicts = run(&[(0, None, 0), (1, None, 100), (5, None, 0), (6, None, 100), (16, None, 100)]);
        assert_eq!(verdicts, [READING, Behind, READING, Behind, Stopped]);
    }

    #[test]
    fn a_reader_short_by_its_last_frame_at_every_look_is_never_let_go() {
        // Seen on loopback under load: every acknowledgement comes before the
        // program reads, so the window is 9–15 KiB short for minutes, and often a
        // little lower than the look before.
        let samples: Vec<_> = (0..300u64)
            .map(|s| (s, Some(if s == 0 { 1 << 20 } else { (1 << 20) - 9_000 - (s * 7_919 % 6_000) as u32 }), 0))
            .collect();
        assert!(run(&samples).iter().all(|v| *v != Stopped), "it reads every frame it is sent");
    }

    #[test]
    fn a_slow_trickle_is_let_go_once_it_has_shrunk_past_the_slack() {
        // 500 B a second: behind after 17 s, shrunk past SLACK 17 s later.
        let samples: Vec<_> = (0..60).map(|s| (s, Some(100_000 - 500 * s as u32), 0)).collect();
        let verdicts = run(&samples);
        let first = verdicts.iter().position(|v| *v == Stopped).expect("let go");
        assert!((30..40).contains(&first), "let go at second {first}");
    }

    #[test]
    fn on_loopback_a_reader_may_lag_by_two_segments_and_a_non_reader_still_goes() {
        const LOOPBACK_MSS: u32 = 65_483;
        let run = |windows: &[(u64, u32)]| {
            let mut reading = Reading::default();
            windows
                .iter()
                .map(|&(at, window)| {
                    let sample = Sample { window: Some(window), queued: 0, mss: LOOPBACK_MSS };
                    reading.observe(Duration::from_secs(at), sample)
                })
                .collect::<Vec<_>>()
        };
        // A reader whose window falls a segment and a half, 2 KB a second, then jumps
        // back, and now and then sits 60 KB low (an unread frame's buffer).
        let reader: Vec<_> = (0..200u64)
            .map(|s| (s, 4_000_000 - (s % 50) as u32 * 2_000 - if s % 7 == 0 { 60_000 } else { 0 }))
            .collect();
        assert!(run(&reader).iter().all(|v| *v != Stopped), "a reader on loopback was let go");
        // A non-reader that had read up to a 400 KB window: 2 KB a second, for good.
        let stopped: Vec<_> = (0..200u64).map(|s| (s, 400_000 - s as u32 * 2_000)).collect();
        let verdicts = run(&stopped);
        let first = verdicts.iter().position(|v| *v == Stopped).expect("let go");
        // Behind past half plus SLACK (208 KB, second 105), then 10 s and 8 KiB more.
        assert!((110..120).contains(&first), "let go at second {first}");
        // A non-reader on loopback whose window never grew (it never read): behind
        // once it is down by half plus SLACK (second 21), let go 10 s later.
        let small: Vec<_> = (0..60u64).map(|s| (s, 65_535u32.saturating_sub(s as u32 * 2_000))).collect();
        let first = run(&small).iter().position(|v| *v == Stopped).expect("a small window is let go too");
        assert!((30..35).contains(&first), "let go at second {first}");
        // A reader with that small window: it falls to half, then its read announces space.
        let reader: Vec<_> = (0..200u64).map(|s| (s, 65_535 - (s % 16) as u32 * 2_000)).collect();
        assert!(run(&reader).iter().all(|v| *v != Stopped), "a small-window reader on loopback was let go");
    }
}
