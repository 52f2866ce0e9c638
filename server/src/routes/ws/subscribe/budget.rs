//! How many `subscribe` messages a socket may send: a token bucket per socket
//! ([`BURST`] at once, then [`PER_SECOND`]), so one socket cannot make its hub
//! recall history (a store read, a snapshot of memory) thousands of times a second.
//! A subscribe beyond it is refused with an `error`; a socket refused again and
//! again ([`STRIKES`], forgiven one per [`FORGIVE_AFTER`]) is closed. A page moving
//! between hosts by hand, even Back held down, stays far below.
//!
//! Pure: the caller passes the time in.

use std::time::{Duration, Instant};

/// Subscribes a socket may send at once.
pub const BURST: f64 = 8.0;
/// Subscribes a second a socket may send after its burst.
pub const PER_SECOND: f64 = 2.0;
/// Refusals (less those forgiven) after which the socket is closed.
pub const STRIKES: f64 = 16.0;
/// One refusal is forgiven after this long.
pub const FORGIVE_AFTER: Duration = Duration::from_secs(10);

/// What to do with one subscribe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Carry it out.
    Go,
    /// Refuse it with an `error`; the stream goes on.
    Refuse,
    /// Refuse it and close the socket: it keeps sending beyond the limit.
    Close,
}

/// One socket's subscribe budget.
#[derive(Debug, Clone)]
pub struct Budget {
    tokens: f64,
    strikes: f64,
    at: Instant,
}

impl Budget {
    /// A full bucket at `now` (a new socket).
    pub fn new(now: Instant) -> Self {
        Budget { tokens: BURST, strikes: 0.0, at: now }
    }

    /// Spends a token on a subscribe at `now`, if there is one.
    pub fn take(&mut self, now: Instant) -> Verdict {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.at = self.at.max(now);
        self.tokens = (self.tokens + elapsed * PER_SECOND).min(BURST);
        self.strikes = (self.strikes - elapsed / FORGIVE_AFTER.as_secs_f64()).max(0.0);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Verdict::Go;
        }
        self.strikes += 1.0;
        if self.strikes >= STRIKES {
            Verdict::Close
        } else {
            Verdict::Refuse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The verdicts for subscribes sent at these ms after the socket opened.
    fn check(at_ms: &[u64]) -> Vec<Verdict> {
        let start = Instant::now();
        let mut budget = Budget::new(start);
        at_ms.iter().map(|&ms| budget.take(start + Duration::from_millis(ms))).collect()
    }

    fn count(verdicts: &[Verdict], of: Verdict) -> usize {
        verdicts.iter().filter(|v| **v == of).count()
    }

    #[test]
    fn a_burst_then_two_a_second() {
        use Verdict::*;
        // (subscribe times in ms, verdicts)
        let cases: [(&[u64], &[Verdict]); 5] = [
            (&[0; 8], &[Go; 8]),
            (&[0; 9], &[Go, Go, Go, Go, Go, Go, Go, Go, Refuse]),
            // Half a second later the ninth has its token.
            (&[0, 0, 0, 0, 0, 0, 0, 0, 500], &[Go; 9]),
            (&[0, 0, 0, 0, 0, 0, 0, 0, 499], &[Go, Go, Go, Go, Go, Go, Go, Go, Refuse]),
            // A page switching every half second goes on for ever.
            (&[0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000], &[Go; 11]),
        ];
        for (at, expected) in cases {
            assert_eq!(check(at), expected, "{at:?}");
        }
    }

    #[test]
    fn a_flood_is_refused_then_closed_and_a_slow_abuser_later() {
        let flood = check(&[0; 100]);
        let closed = flood.iter().position(|v| *v == Verdict::Close).expect("closed");
        assert_eq!(closed, BURST as usize + STRIKES as usize - 1, "{flood:?}");
        assert_eq!(count(&flood[..closed], Verdict::Refuse), STRIKES as usize - 1);

        // Three a second: one refusal a second, forgiven one per 10 s, so closed
        // after about 18 s, not never.
        let three: Vec<u64> = (0..200).map(|i| i * 1000 / 3).collect();
        let verdicts = check(&three);
        let closed = verdicts.iter().position(|v| *v == Verdict::Close).expect("closed in the end");
        let after_s = three[closed] / 1000;
        assert!((15..=25).contains(&after_s), "closed after {after_s} s");

        // Refused now and then, forgiven in between: never closed.
        let bursts: Vec<u64> = (0..20).flat_map(|b| std::iter::repeat_n(b * 30_000, 9)).collect();
        let verdicts = check(&bursts);
        assert_eq!(count(&verdicts, Verdict::Close), 0);
        assert_eq!(count(&verdicts, Verdict::Refuse), 20);
    }

    #[test]
    fn a_clock_that_goes_back_refills_nothing() {
        let start = Instant::now() + Duration::from_secs(60);
        let mut budget = Budget::new(start);
        for _ in 0..8 {
            assert_eq!(budget.take(start), Verdict::Go);
        }
        assert_eq!(budget.take(start - Duration::from_secs(30)), Verdict::Refuse);
    }
}
