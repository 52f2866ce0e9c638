//! Durations as the rules file writes them: a number and a unit, repeated (`"30s"`,
//! `"5m"`, `"1h30m"`, `"250ms"`, `"2d"`), or `"0"`. Units: `ms`, `s`, `m`, `h`, `d`.

use std::time::Duration;

use thiserror::Error;

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DurationError {
    /// Nothing was written.
    #[error("an empty duration (write for example \"30s\", \"5m\" or \"1h30m\")")]
    Empty,
    /// A unit without a number before it, or a number without a unit after it.
    #[error("`{0}` is not a duration (write a number and a unit: ms, s, m, h or d, as in \"30s\" or \"1h30m\")")]
    Malformed(String),
    /// A unit that is not one of ours.
    #[error("unknown unit `{unit}` in `{text}` (use ms, s, m, h or d)")]
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole duration.
        text: String,
    },
    /// More than anyone means.
    #[error("`{0}` is too long")]
    TooLong(String),
}

/// Reads a duration such as `"30s"` or `"1h30m"`.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DurationError::Empty);
    }
    if trimmed == "0" {
        return Ok(Duration::ZERO);
    }
    let malformed = || DurationError::Malformed(text.to_owned());
    let mut total_ms: u64 = 0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 {
            return Err(malformed());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| DurationError::TooLong(text.to_owned()))?;
        rest = &rest[digits..];
        let letters = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        if letters == 0 {
            return Err(malformed());
        }
        let unit_ms: u64 = match &rest[..letters] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            unit => return Err(DurationError::UnknownUnit { unit: unit.to_owned(), text: text.to_owned() }),
        };
        rest = &rest[letters..];
        total_ms = number
            .checked_mul(unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| DurationError::TooLong(text.to_owned()))?;
    }
    Ok(Duration::from_millis(total_ms))
}

/// Writes a duration the way [`parse_duration`] reads it, in its largest exact units
/// (`"1h30m"`, `"250ms"`, `"0"`).
pub fn format_duration(duration: Duration) -> String {
    let mut ms = duration.as_millis();
    if ms == 0 {
        return "0".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
        if ms >= size {
            out.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ok = |ms: u64| Ok(Duration::from_millis(ms));
        let cases: &[(&str, Result<Duration, DurationError>)] = &[
            ("30s", ok(30_000)),
            ("5m", ok(300_000)),
            ("1h30m", ok(5_400_000)),
            ("250ms", ok(250)),
            ("2d", ok(172_800_000)),
            ("1m30s500ms", ok(90_500)),
            (" 10s ", ok(10_000)),
            ("0", ok(0)),
            ("0s", ok(0)),
            ("", Err(DurationError::Empty)),
            ("30", Err(DurationError::Malformed("30".into()))),
            ("s", Err(DurationError::Malformed("s".into()))),
            ("1.5h", Err(DurationError::Malformed("1.5h".into()))),
            ("1h 30m", Err(DurationError::Malformed("1h 30m".into()))),
            ("3w", Err(DurationError::UnknownUnit { unit: "w".into(), text: "3w".into() })),
            ("10sec", Err(DurationError::UnknownUnit { unit: "sec".into(), text: "10sec".into() })),
            ("99999999999999999999d", Err(DurationError::TooLong("99999999999999999999d".into()))),
            ("9999999999999d", Err(DurationError::TooLong("9999999999999d".into()))),
        ];
        for (text, expected) in cases {
            assert_eq!(&parse_duration(text), expected, "{text:?}");
        }
    }

    #[test]
    fn written_back_as_read() {
        for (ms, text) in [(0, "0"), (250, "250ms"), (30_000, "30s"), (5_400_000, "1h30m"), (90_061_001, "1d1h1m1s1ms")]
        {
            assert_eq!(format_duration(Duration::from_millis(ms)), text);
            assert_eq!(parse_duration(text), Ok(Duration::from_millis(ms)));
        }
    }
}
