//! The delivery schedule, pure: what an answer means ([`classify`]) and when to try
//! again ([`Schedule::next`]).
//!
//! Retries back off exponentially with full jitter: the n-th retry waits a random
//! time between about a second and `min(max_delay, first · 2^(n-1))`, so the first
//! comes within `first` (5 s) and later ones spread out, up to `horizon` (a day)
//! after the first attempt; the last try lands at the horizon at the latest. A
//! `Retry-After` is honoured as a floor; one that points past the horizon ends the
//! tries. The random draw comes from the caller's generator.

mod answer;
mod retry_after;

use std::time::Duration;

use rand::Rng;

pub use answer::{classify, Answer, Verdict};
pub use retry_after::parse_retry_after;

/// The shape of the retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The ceiling of the first retry's delay (default 5 s).
    pub first: Duration,
    /// The longest single delay (default an eighth of the horizon: 3 h for a day).
    pub max_delay: Duration,
    /// How long after the first attempt tries stop (default 1 day).
    pub horizon: Duration,
}

/// The least delay before a retry, so a receiver is never hammered.
pub const MIN_DELAY: Duration = Duration::from_secs(1);

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Delivered: forget it.
    Done,
    /// The receiver said 410 Gone: disable the endpoint, stop.
    Disable,
    /// A permanent failure (4xx): stop, and show it.
    Failed,
    /// Try again at this time (ms since the Unix epoch).
    RetryAt(u64),
    /// The horizon is reached: stop, and show it.
    GiveUp,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule::with_horizon(Duration::from_secs(86_400))
    }
}

impl Schedule {
    /// The default schedule over `horizon`.
    pub fn with_horizon(horizon: Duration) -> Schedule {
        Schedule { first: Duration::from_secs(5), max_delay: (horizon / 8).max(Duration::from_secs(5)), horizon }
    }

    /// The delay before retry number `retry` (from 1) for a draw `unit` in `[0, 1]`.
    pub fn delay(&self, retry: u32, unit: f64) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1).min(30));
        let ceiling = self.first.saturating_mul(doubling).min(self.max_delay);
        let floor = MIN_DELAY.min(ceiling);
        floor + (ceiling - floor).mul_f64(unit.clamp(0.0, 1.0))
    }

    /// What to do after attempt number `attempt` (from 1) got `answer` at `now_ms`, the
    /// first attempt having been at `first_ms`.
    pub fn next(&self, answer: Answer, attempt: u32, first_ms: u64, now_ms: u64, rng: &mut impl Rng) -> Next {
        let retry_after = match classify(answer) {
            Verdict::Delivered => return Next::Done,
            Verdict::Disable => return Next::Disable,
            Verdict::Failed => return Next::Failed,
            Verdict::Retry { retry_after } => retry_after,
        };
        let deadline = first_ms.saturating_add(self.horizon.as_millis() as u64);
        if now_ms >= deadline {
            return Next::GiveUp;
        }
        let floor = retry_after.unwrap_or_default().as_millis() as u64;
        if now_ms.saturating_add(floor) > deadline {
            return Next::GiveUp;
        }
        let jittered = self.delay(attempt, rng.random::<f64>()).as_millis() as u64;
        Next::RetryAt(now_ms.saturating_add(jittered.max(floor)).min(deadline))
    }
}

#[cfg(test)]
mod tests;
