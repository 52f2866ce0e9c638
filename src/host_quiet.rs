//! What the host page says when its host has gone quiet: the page's link to the hub
//! is live (heartbeats keep it so), but the host itself has sent no sample for longer
//! than the hub waits before calling it stale, because its agent stopped or was cut
//! off. Without it a down host's page would read "Live" above charts that just stop.
//! Quiet is judged by when samples last *arrived* on the page's clock, so an agent
//! whose clock is off does not trip it; the words name the newest sample's own time.
//! Pure and table-tested: the times and the time zone are passed in.

use crate::format;

/// A quiet host's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quiet {
    /// The headline.
    pub title: String,
    /// What it means for what the page shows.
    pub detail: &'static str,
}

/// What it means for the charts.
const DETAIL: &str = "Its agent is not sending: stopped, cut off, or its host is down. \
    The charts carry on when it returns, with the samples it kept meanwhile.";

/// The hub calls a host stale after this many intervals without a sample.
const STALE_INTERVALS: f64 = 3.0;

/// Allowance beyond that for a sample's way to the page.
const SLACK_MS: f64 = 2_000.0;

/// The notice for host `name` (interval `interval_ms`), whose newest sample was
/// taken at `newest` and whose samples last arrived at `arrived_at` (the page's
/// clock), seen at `now` in a zone `offset_minutes` east of UTC. `None` while
/// samples arrive, or before the first.
pub fn quiet(
    name: &str,
    newest: Option<f64>,
    arrived_at: f64,
    interval_ms: f64,
    now: f64,
    offset_minutes: f64,
) -> Option<Quiet> {
    let newest = newest?;
    if now - arrived_at <= STALE_INTERVALS * interval_ms.max(100.0) + SLACK_MS {
        return None;
    }
    let clock = format::clock(newest, offset_minutes, true);
    let same_day = format::calendar::day(newest, offset_minutes) == format::calendar::day(now, offset_minutes);
    let when = if same_day { clock } else { format!("{} {clock}", format::calendar::day(newest, offset_minutes)) };
    Some(Quiet { title: format!("No samples from {name} since {when}"), detail: DETAIL })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 14:05:30 UTC.
    const T: f64 = 1_796_565_930_000.0;

    /// Newest sample, arrived at, interval, now, offset, the title expected.
    type Case = (Option<f64>, f64, f64, f64, f64, Option<&'static str>);

    #[test]
    fn a_host_is_quiet_once_nothing_arrived_for_three_intervals_and_the_slack() {
        let hour = 3_600_000.0;
        let cases: [Case; 7] = [
            (None, T, 1_000.0, T + hour, 0.0, None),
            (Some(T), T, 1_000.0, T + 1_000.0, 0.0, None),
            (Some(T), T, 1_000.0, T + 5_000.0, 0.0, None),
            (Some(T), T, 1_000.0, T + 5_001.0, 0.0, Some("No samples from web-1 since 14:05:30")),
            // A 10 s interval waits 32 s.
            (Some(T), T, 10_000.0, T + 31_000.0, 0.0, None),
            // An agent whose clock is an hour behind is not quiet while samples arrive.
            (Some(T - hour), T, 1_000.0, T + 1_000.0, 60.0, None),
            (Some(T), T, 1_000.0, T + 10.0 * hour, 0.0, Some("No samples from web-1 since 6 Dec 14:05:30")),
        ];
        for (newest, arrived, interval, now, offset, title) in cases {
            let got = quiet("web-1", newest, arrived, interval, now, offset);
            assert_eq!(got.as_ref().map(|q| q.title.as_str()), title, "{newest:?} {arrived} {interval} {now}");
            assert!(got.is_none_or(|q| q.detail == DETAIL));
        }
    }
}
