//! `<input type="datetime-local">` values (`2026-12-06T14:05`) to and from ms since
//! the Unix epoch, given the local time zone's offset. Pure: the browser supplies
//! the offset (`Date.getTimezoneOffset`), these do the calendar.

use crate::format::calendar::{civil_from_days, days_from_civil};

/// Minutes, in ms.
const MINUTE_MS: i64 = 60_000;
/// A day, in ms.
const DAY_MS: i64 = 86_400_000;

/// The input value for `ms` in a zone `offset_minutes` east of UTC, to the minute.
pub fn format(ms: f64, offset_minutes: f64) -> String {
    let local = ms as i64 + offset_minutes as i64 * MINUTE_MS;
    let days = local.div_euclid(DAY_MS);
    let minutes = local.rem_euclid(DAY_MS) / MINUTE_MS;
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The ms of an input value (`YYYY-MM-DDTHH:MM`, seconds allowed) in a zone
/// `offset_minutes` east of UTC, or `None` if it is not one.
pub fn parse(text: &str, offset_minutes: f64) -> Option<f64> {
    let (date, time) = text.trim().split_once('T')?;
    let mut date = date.splitn(3, '-').map(|part| part.parse::<i64>().ok());
    let (year, month, day) = (date.next()??, date.next()??, date.next()??);
    let mut time = time.splitn(3, ':');
    let hours = time.next()?.parse::<i64>().ok()?;
    let minutes = time.next()?.parse::<i64>().ok()?;
    let seconds = time.next().map_or(Some(0.0), |s| s.parse::<f64>().ok())?;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hours > 23
        || minutes > 59
        || !(0.0..60.0).contains(&seconds)
    {
        return None;
    }
    let local = days_from_civil(year, month, day) * DAY_MS + (hours * 60 + minutes) * MINUTE_MS;
    Some(local as f64 + seconds * 1_000.0 - offset_minutes * MINUTE_MS as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_in_local_time() {
        let cases = [
            (0.0, 0.0, "1970-01-01T00:00"),
            (0.0, -300.0, "1969-12-31T19:00"),
            (1_796_569_500_000.0, 60.0, "2026-12-06T16:05"),
            (951_782_400_000.0, 0.0, "2000-02-29T00:00"),
            (1_796_565_959_999.0, 0.0, "2026-12-06T14:05"),
        ];
        for (ms, offset, want) in cases {
            assert_eq!(format(ms, offset), want, "{ms} {offset}");
        }
    }

    #[test]
    fn values_are_read_back_and_nonsense_refused() {
        let cases = [
            ("2026-12-06T16:05", 60.0, Some(1_796_569_500_000.0)),
            ("1969-12-31T19:00", -300.0, Some(0.0)),
            ("2000-02-29T00:00:30", 0.0, Some(951_782_430_000.0)),
            ("2026-12-06T16:05:30.5", 0.0, Some(1_796_573_130_500.0)),
            ("", 0.0, None),
            ("2026-12-06", 0.0, None),
            ("2026-13-06T16:05", 0.0, None),
            ("2026-12-06T24:00", 0.0, None),
            ("2026-12-xxT16:05", 0.0, None),
        ];
        for (text, offset, want) in cases {
            assert_eq!(parse(text, offset), want, "{text:?}");
        }
        for ms in [0.0, 951_782_400_000.0, 1_796_569_500_000.0, -86_400_000.0 * 400.0] {
            assert_eq!(parse(&format(ms, 120.0), 120.0), Some(ms));
        }
    }
}
