//! When a mute of `{"for": DURATION}` ends: longer than nothing, at most a year
//! (a longer one is a typo or an attempt to overflow the clock; delete the rule
//! instead). Pure: the caller gives the hub's clock.

use std::time::Duration;

use pulse_alerts::rules::parse_duration;

/// The longest mute.
pub const MAX_MUTE: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// The time (ms since 1970) a mute for `text` from `now_ms` ends, or why not.
pub fn until(text: &str, now_ms: u64) -> Result<u64, String> {
    match parse_duration(text) {
        Ok(hold) if hold.is_zero() => Err("`for`: must be longer than 0 (send null to unmute)".into()),
        Ok(hold) if hold > MAX_MUTE => Err(format!("`for`: {text:.32} is longer than 365d, the longest mute")),
        Ok(hold) => Ok(now_ms.saturating_add(hold.as_millis() as u64)),
        Err(error) => Err(format!("`for`: {error}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_796_600_000_000;

    #[test]
    fn a_mute_lasts_from_a_moment_to_a_year() {
        let cases: [(&str, Result<u64, &str>); 7] = [
            // what is sent, when it ends or what the refusal says
            ("1h", Ok(NOW + 3_600_000)),
            ("1ms", Ok(NOW + 1)),
            ("365d", Ok(NOW + 365 * 86_400_000)),
            ("0", Err("must be longer than 0")),
            ("366d", Err("366d is longer than 365d")),
            ("213503982334d", Err("213503982334d is longer than 365d")),
            ("soon", Err("`for`:")),
        ];
        for (text, expected) in cases {
            match (until(text, NOW), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{text}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{text}: {got}"),
                (got, want) => panic!("{text}: got {got:?}, want {want:?}"),
            }
        }
    }
}
