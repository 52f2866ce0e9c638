//! The rules file: `[[webhook]]` destinations and `[[rule]]`s, read into [`Rules`], the
//! value the hub holds (and replaces whole when the file changes).
//!
//! ```toml
//! [[webhook]]
//! name = "ops"
//! url = "https://hooks.example.com/pulse"
//! secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"   # or secrets = [new, old] while rotating
//!
//! [[rule]]
//! name = "cpu busy"
//! series = "cpu.total"
//! hosts = "*"               # or ["web1", "web2"], or "tag:env=prod"
//! above = 90.0              # or below = ...
//! for = "30s"
//! recover_below = 80.0      # recover_above for a "below" rule; default: the threshold
//! severity = "critical"     # default "warning"
//! repeat = "1h"
//! notify = ["ops"]          # default: every webhook in the file
//! ```
//!
//! **Two levels.** `above`/`below` set the threshold of the rule's `severity`. A rule
//! with both levels names them instead: `warning_above = 80` and `critical_above = 90`
//! (or `_below`), each with its own optional `warning_recover_below`,
//! `critical_recover_below` (`_above` for a below rule). `above` with `severity =
//! "critical"` may be combined with `warning_above`; defining one level twice is an
//! error, and so is a critical threshold less extreme than the warning one. Every
//! level of a rule looks the same way (all above, or all below).
//!
//! **Host status.** `condition = "down"` fires while the host is down, `condition =
//! "stale"` while it is stale or down; such a rule has no series and no thresholds.
//!
//! Every problem is reported with its line and column ([`RulesError`]), all of them
//! at once: unknown keys, wrong types, bad durations and secrets, both `above` and
//! `below`, a recovery threshold on the wrong side, a `notify` naming no webhook.
//!
//! **One rule from the UI.** [`table_from_json`] turns a JSON rule (the same keys)
//! into one `[[rule]]` table's TOML, and [`read_rule`] reads it with this same reader
//! against the file's webhooks: a rule means the same from either source.

mod duration;
mod endpoint;
mod hosts;
mod json;
mod one;
mod problem;
mod read;
mod rule;
mod secret;

use std::time::Duration;

use toml::de::DeTable;

pub use duration::{format_duration, parse_duration, DurationError};
pub use hosts::Hosts;
pub use json::{table_from_json, ShapeError, READ_ONLY};
pub(crate) use one::read_lenient;
pub use one::read_rule;
pub use problem::{Problem, ProblemKind, RulesError};
pub use secret::{Secret, SecretError};

use crate::presets::Preset;
use crate::severity::Severity;

/// Everything the rules file says.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    /// The destinations, in file order.
    pub webhooks: Vec<Webhook>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

/// One destination for notifications.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    /// Its name, unique in the file; rules name it in `notify`.
    pub name: String,
    /// Where notifications are posted (`http://` or `https://`).
    pub url: String,
    /// The signing secrets, the newest first; every one signs every message, so a
    /// receiver rotating its secret accepts either. Empty only for a preset.
    pub secrets: Vec<Secret>,
    /// The receiver's own body format, if it is not a Standard Webhooks receiver.
    pub preset: Option<Preset>,
}

/// One rule: a condition watched on every host it applies to.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Its name, unique in the file.
    pub name: String,
    /// The hosts it applies to (default: all).
    pub hosts: Hosts,
    /// What it watches.
    pub condition: Condition,
    /// How long the condition must hold before the rule fires (`for`, default 0).
    pub hold: Duration,
    /// How often a reminder is sent while it fires (`repeat`; none by default).
    pub repeat: Option<Duration>,
    /// The webhooks it notifies, by name.
    pub notify: Vec<String>,
}

/// What a rule watches.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// A series' value against thresholds.
    Threshold(Threshold),
    /// The host's status.
    Status {
        /// Which status fires.
        when: StatusCondition,
        /// The alert's level.
        severity: Severity,
    },
}

/// A series compared against one or two levels.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// The series id in the catalogue (`cpu.total`).
    pub series: String,
    /// Which side of the thresholds fires.
    pub direction: Direction,
    /// The warning level, if the rule has one.
    pub warning: Option<Level>,
    /// The critical level, if the rule has one (at least one of the two is set).
    pub critical: Option<Level>,
}

/// Which side of a threshold is bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A value greater than the threshold fires.
    Above,
    /// A value less than the threshold fires.
    Below,
}

/// One level's threshold and its recovery threshold (hysteresis).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    /// Beyond this (strictly) the level fires.
    pub threshold: f64,
    /// Back beyond this (strictly, the other way) it recovers; at or between the two it
    /// holds whatever state it is in.
    pub recover: f64,
}

/// Which host status a status rule fires on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusCondition {
    /// The host is down.
    Down,
    /// The host is stale or down.
    Stale,
}

impl Rules {
    /// Reads a rules file; on any problem, all of them.
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let (document, syntax) = DeTable::parse_recoverable(text);
        if !syntax.is_empty() {
            let problems = syntax
                .into_iter()
                .map(|error| (error.span().unwrap_or(0..0), ProblemKind::Syntax(error.message().to_owned())))
                .collect();
            return Err(RulesError::new(text, problems));
        }
        let mut problems = Vec::new();
        let rules = read::document(document.get_ref(), &mut problems);
        if problems.is_empty() {
            Ok(rules)
        } else {
            Err(RulesError::new(text, problems))
        }
    }

    /// The webhook called `name`.
    pub fn webhook(&self, name: &str) -> Option<&Webhook> {
        self.webhooks.iter().find(|webhook| webhook.name == name)
    }

    /// The rule called `name`.
    pub fn rule(&self, name: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.name == name)
    }
}

impl Threshold {
    /// The levels the rule has, the lesser first.
    pub fn levels(&self) -> impl Iterator<Item = (Severity, Level)> + '_ {
        [(Severity::Warning, self.warning), (Severity::Critical, self.critical)]
            .into_iter()
            .filter_map(|(severity, level)| level.map(|level| (severity, level)))
    }

    /// The level of `severity`, if the rule has it.
    pub fn level(&self, severity: Severity) -> Option<Level> {
        match severity {
            Severity::Warning => self.warning,
            Severity::Critical => self.critical,
        }
    }
}

impl Direction {
    /// Whether `value` is strictly beyond `threshold` on the bad side.
    pub fn beyond(self, value: f64, threshold: f64) -> bool {
        match self {
            Direction::Above => value > threshold,
            Direction::Below => value < threshold,
        }
    }

    /// Whether `value` is strictly back past a recovery threshold on the good side.
    pub fn recovered(self, value: f64, recover: f64) -> bool {
        match self {
            Direction::Above => value < recover,
            Direction::Below => value > recover,
        }
    }

    /// The word the file uses: `above` or `below`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Above => "above",
            Direction::Below => "below",
        }
    }

    /// The other word.
    pub fn opposite(self) -> Direction {
        match self {
            Direction::Above => Direction::Below,
            Direction::Below => Direction::Above,
        }
    }
}

#[cfg(test)]
mod tests;
