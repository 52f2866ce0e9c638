//! Retry delays: near one second for the first attempts of an outage (a restarted
//! server is back within a second or two), then exponential with full jitter up to
//! a cap. Server hints (`bye.retry_ms`, `Retry-After`) win for the first attempts,
//! jittered too (a deploy does not bring every client back in the same instant),
//! and after that never shorten the growing delay.

/// How long to wait before attempt number `failures` (1-based) of an outage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The base delay, ms.
    pub floor_ms: f64,
    /// The longest delay, ms.
    pub cap_ms: f64,
    /// Attempts that stay near `floor_ms` before the delay grows.
    pub fast_attempts: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { floor_ms: 1_000.0, cap_ms: 30_000.0, fast_attempts: 3 }
    }
}

impl Backoff {
    /// The delay before the next attempt; `random` is uniform in `[0, 1)`.
    pub fn delay(&self, failures: u32, hint_ms: Option<f64>, random: f64) -> f64 {
        let random = random.clamp(0.0, 1.0);
        let grown = self.grown(failures, random);
        match hint_ms.filter(|h| h.is_finite() && *h >= 0.0) {
            // A hint says when the server expects to be back; once it has been wrong
            // several times the growing backoff takes over, so a server that keeps
            // answering 1013 does not call every client back every second forever.
            Some(hint) => {
                let hinted = hint.min(self.cap_ms) * (0.75 + 0.5 * random);
                if failures <= self.fast_attempts {
                    hinted
                } else {
                    hinted.max(grown)
                }
            }
            None => grown,
        }
    }

    fn grown(&self, failures: u32, random: f64) -> f64 {
        if failures <= self.fast_attempts {
            return self.floor_ms * (0.5 + random);
        }
        let exponent = (failures - self.fast_attempts).min(16);
        let ceiling = (self.floor_ms * f64::from(1u32 << exponent)).min(self.cap_ms);
        (ceiling * random).max(self.floor_ms / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_attempts_stay_near_one_second_then_grow_up_to_the_cap() {
        let b = Backoff::default();
        for failures in 1..=3 {
            assert_eq!(b.delay(failures, None, 0.0), 500.0);
            assert_eq!(b.delay(failures, None, 0.999_999).round(), 1_500.0);
        }
        assert_eq!(b.delay(4, None, 0.999_999).round(), 2_000.0);
        assert_eq!(b.delay(6, None, 0.999_999).round(), 8_000.0);
        assert_eq!(b.delay(50, None, 0.999_999).round(), 30_000.0, "capped");
        assert_eq!(b.delay(50, None, 0.0), 500.0, "full jitter, but never zero: no reconnect storms");
    }

    #[test]
    fn server_hints_win_and_are_jittered_within_bounds() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, Some(1_000.0), 0.0), 750.0);
        assert_eq!(b.delay(3, Some(1_000.0), 1.0), 1_250.0);
        assert_eq!(b.delay(9, Some(1_000.0), 0.0), 750.0, "never below the hint");
        assert_eq!(b.delay(9, Some(1_000.0), 1.0), 30_000.0, "but a hint that keeps failing lets the backoff grow");
        assert_eq!(b.delay(1, Some(999_999.0), 0.5), 30_000.0, "a hint is capped too");
        assert_eq!(b.delay(1, Some(f64::NAN), 0.0), 500.0, "a nonsense hint is ignored");
    }
}
