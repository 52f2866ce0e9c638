//! Whether a host is reporting: pure, so the rule is a table test.

use pulse_protocol::HostStatus;

/// How many intervals without a sample make a connected host `stale`.
pub const STALE_AFTER_INTERVALS: u64 = 3;

/// The status of a host that is `connected` (its agent's link is open, or it is
/// the hub's own host), whose newest sample was taken at `last_seen` (ms; 0 for
/// never), at `now`, sampled every `interval_ms`.
pub fn status(connected: bool, last_seen: i64, now: i64, interval_ms: u64) -> HostStatus {
    if !connected {
        return HostStatus::Down;
    }
    let quiet_for = now.saturating_sub(last_seen);
    let limit = interval_ms.saturating_mul(STALE_AFTER_INTERVALS).min(i64::MAX as u64) as i64;
    if last_seen == 0 || quiet_for > limit {
        HostStatus::Stale
    } else {
        HostStatus::Up
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HostStatus::{Down, Stale, Up};

    #[test]
    fn status_table() {
        let cases = [
            // connected, last_seen, now, interval, expected
            (true, 10_000, 10_500, 1_000, Up),
            (true, 10_000, 13_000, 1_000, Up),
            (true, 10_000, 13_001, 1_000, Stale),
            (true, 0, 13_001, 1_000, Stale),
            (false, 10_000, 10_001, 1_000, Down),
            (false, 0, 0, 1_000, Down),
            (true, 10_000, 9_000, 1_000, Up), // a sample stamped ahead of our clock
            (true, 10_000, 10_500, 200, Up),
            (true, 10_000, 10_700, 200, Stale),
        ];
        for (connected, last_seen, now, interval, expected) in cases {
            assert_eq!(
                status(connected, last_seen, now, interval),
                expected,
                "{connected} {last_seen} {now} {interval}"
            );
        }
    }
}
