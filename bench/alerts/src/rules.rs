//! The rules files the scenarios give their hubs, each checked with
//! `pulse_alerts::rules::Rules::parse` before a hub reads it.

use std::fmt::Write as _;

use pulse_alerts::rules::Rules;

use crate::error::Result;
use crate::host::SERIES;

/// The webhook every rule notifies (the spec's example secret).
fn webhook(url: &str) -> String {
    format!(
        "[[webhook]]\nname = \"receiver\"\nurl = \"{url}\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\n\n"
    )
}

/// One `cpu.total above` rule with `for` and hysteresis.
pub fn crossing(url: &str, above: f64, recover_below: f64, hold_ms: u64) -> Result<String> {
    let text = format!(
        "{}[[rule]]\nname = \"cpu hot\"\nseries = \"cpu.total\"\nabove = {above:?}\nrecover_below = {recover_below:?}\n\
         for = \"{hold_ms}ms\"\nseverity = \"critical\"\nnotify = [\"receiver\"]\n",
        webhook(url)
    );
    checked(text)
}

/// `count` rules spread over every series of a host, on every host, none of which
/// fires (their thresholds lie far beyond any value sent): the steady state of a
/// fleet, where every sample is judged and nothing happens.
pub fn quiet(url: &str, count: usize) -> Result<String> {
    let mut text = webhook(url);
    for index in 0..count {
        let (series, _, _, typical) = SERIES[index % SERIES.len()];
        let (direction, threshold) = match index % 4 {
            0 | 2 => ("above", typical.abs() * 10.0 + 1e6 + index as f64),
            _ => ("below", -1.0 - index as f64),
        };
        let _ = write!(
            text,
            "[[rule]]\nname = \"rule {index}\"\nseries = \"{series}\"\n{direction} = {threshold:?}\nfor = \"{}s\"\n\
             severity = \"{}\"\nnotify = [\"receiver\"]\n\n",
            index % 3 * 30,
            if index % 2 == 0 { "warning" } else { "critical" },
        );
    }
    checked(text)
}

/// Two rules with no `for`, one firing above 50 and one below 30, so every flip of
/// a host's value between 20 and 80 notifies twice.
pub fn storm(url: &str) -> Result<String> {
    let text = format!(
        "{}[[rule]]\nname = \"storm high\"\nseries = \"cpu.total\"\nabove = 50.0\nseverity = \"critical\"\n\
         notify = [\"receiver\"]\n\n[[rule]]\nname = \"storm low\"\nseries = \"cpu.total\"\nbelow = 30.0\n\
         notify = [\"receiver\"]\n",
        webhook(url)
    );
    checked(text)
}

fn checked(text: String) -> Result<String> {
    Rules::parse(&text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rules_file_reads() {
        let url = "http://127.0.0.1:9/hook";
        assert!(super::crossing(url, 50.0, 40.0, 2_000).is_ok());
        assert!(super::quiet(url, 100).is_ok());
        assert!(super::storm(url).is_ok());
    }
}
