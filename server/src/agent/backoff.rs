//! How long the agent waits before trying a hub again: "full jitter", a random
//! delay between 0 and `min(cap, base·2^attempt)`, so many agents that lost the
//! same hub do not all come back in the same instant. A hub's `Retry-After` is a
//! floor. Pure: the random draw is passed in.

use std::time::Duration;

/// The first attempt's ceiling.
pub const BASE: Duration = Duration::from_secs(1);
/// The ceiling never grows past this.
pub const CAP: Duration = Duration::from_secs(30);
/// The longest `Retry-After` honoured (a hub asking for more is asked again then).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);
/// The least wait after a hub refused the agent's protocol version: only an
/// upgrade changes its answer, so the agent asks rarely instead of hammering.
pub const VERSION_MISMATCH_WAIT: Duration = MAX_RETRY_AFTER;

/// The delay before the next try after `attempt` failures in a row (0: the link
/// just dropped), for a draw `unit` in `[0, 1)`, at least `retry_after`.
pub fn delay(attempt: u32, unit: f64, retry_after: Option<Duration>) -> Duration {
    let ceiling = BASE.saturating_mul(2u32.saturating_pow(attempt.min(16))).min(CAP);
    let jittered = ceiling.mul_f64(unit.clamp(0.0, 1.0));
    jittered.max(retry_after.unwrap_or_default().min(MAX_RETRY_AFTER))
}

/// A `Retry-After` header in seconds (the HTTP-date form is not used by hubs).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_jitter_up_to_the_cap() {
        let ms = Duration::from_millis;
        let cases = [
            (0, 0.0, None, ms(0)),
            (0, 0.5, None, ms(500)),
            (0, 0.999, None, ms(999)),
            (1, 0.5, None, ms(1000)),
            (3, 0.5, None, ms(4000)),
            (4, 0.999, None, ms(15_984)),
            (5, 0.999, None, ms(29_970)),
            (6, 0.5, None, ms(15_000)),
            (40, 0.999, None, ms(29_970)),
            (u32::MAX, 1.5, None, CAP),
            (0, 0.1, Some(Duration::from_secs(5)), ms(5000)),
            (5, 0.5, Some(Duration::from_secs(5)), ms(15_000)),
            (0, 0.0, Some(Duration::from_secs(3600)), MAX_RETRY_AFTER),
        ];
        for (attempt, unit, retry_after, expected) in cases {
            let got = delay(attempt, unit, retry_after);
            let close = got.abs_diff(expected) <= ms(1);
            assert!(close, "attempt {attempt}, draw {unit}, retry-after {retry_after:?}: {got:?}, not {expected:?}");
        }
    }

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after(" 5 "), Some(Duration::from_secs(5)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after(""), None);
    }
}
