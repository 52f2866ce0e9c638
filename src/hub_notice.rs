//! What the page says about its hub that is not data: while the hub's link to its
//! shared log (Redis, `--redis`) is down, a notice that this hub's own hosts stay
//! live and the others catch up when it returns. Pure and table-tested: the time
//! and the time zone are passed in.

use crate::format;

/// A notice's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The headline.
    pub title: String,
    /// What it means for what the page shows.
    pub detail: &'static str,
}

/// What it means for the page while Redis is out of reach.
const DETAIL: &str = "This hub's own host and its agents' hosts stay live; \
    hosts on other hubs pause here and catch up when it returns.";

/// The notice while Redis has been out of reach since `down_since` (ms), seen at
/// `now` (ms) in a zone `offset_minutes` east of UTC: the time alone on the same
/// day, with the day before it otherwise. `None` while it answers.
pub fn notice(down_since: Option<i64>, now: f64, offset_minutes: f64) -> Option<Notice> {
    let since = down_since? as f64;
    let same_day = format::calendar::day(since, offset_minutes) == format::calendar::day(now, offset_minutes);
    let clock = format::clock(since, offset_minutes, false);
    let when = if same_day { clock } else { format!("{} {clock}", format::calendar::day(since, offset_minutes)) };
    Some(Notice { title: format!("Shared log (Redis) unreachable since {when}"), detail: DETAIL })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 14:05:30 UTC.
    const T: i64 = 1_796_565_930_000;

    #[test]
    fn the_notice_names_when_redis_went_away_in_local_time() {
        let hour = 3_600_000.0;
        let cases: [(Option<i64>, f64, f64, Option<&str>); 5] = [
            (None, T as f64, 0.0, None),
            (Some(T), T as f64 + 60_000.0, 0.0, Some("Shared log (Redis) unreachable since 14:05")),
            (Some(T), T as f64, 60.0, Some("Shared log (Redis) unreachable since 15:05")),
            (Some(T), T as f64 + 10.0 * hour, 0.0, Some("Shared log (Redis) unreachable since 6 Dec 14:05")),
            (Some(T), T as f64 + 10.0 * hour, -600.0, Some("Shared log (Redis) unreachable since 04:05")),
        ];
        for (since, now, offset, title) in cases {
            let got = notice(since, now, offset);
            assert_eq!(got.as_ref().map(|n| n.title.as_str()), title, "{since:?} at {now} {offset}");
            assert!(got.is_none_or(|n| n.detail == DETAIL));
        }
    }
}
