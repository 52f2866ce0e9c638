//! One `[[rule]]` table: its name, hosts, condition (thresholds or a host status),
//! `for`, `repeat`, `notify`. The two-level form and the checks between keys (both
//! `above` and `below`, a recovery threshold on the firing side, a level defined
//! twice) are described in the parent module.

use super::hosts::Hosts;
use super::problem::ProblemKind;
use super::read::{Fields, Problems, Span, TableAt};
use super::{Condition, Direction, Level, Rule, StatusCondition, Threshold};
use crate::severity::Severity;

const KEYS: &[&str] = &[
    "name",
    "series",
    "hosts",
    "condition",
    "above",
    "below",
    "recover_below",
    "recover_above",
    "severity",
    "warning_above",
    "warning_below",
    "warning_recover_below",
    "warning_recover_above",
    "critical_above",
    "critical_below",
    "critical_recover_below",
    "critical_recover_above",
    "for",
    "repeat",
    "notify",
];

/// The keys that belong to a threshold rule only.
const THRESHOLD_KEYS: &[&str] = &[
    "series",
    "above",
    "below",
    "recover_below",
    "recover_above",
    "warning_above",
    "warning_below",
    "warning_recover_below",
    "warning_recover_above",
    "critical_above",
    "critical_below",
    "critical_recover_below",
    "critical_recover_above",
];

/// The shortest `repeat`: a reminder more often than a minute would flood its
/// webhook, not remind anyone.
pub const MIN_REPEAT: std::time::Duration = std::time::Duration::from_secs(60);

/// Reads one rule table; `None` if it has no usable name. `webhooks` are the names
/// the file defines, in order.
pub(crate) fn read(table: &TableAt<'_, '_>, webhooks: &[&str], problems: &mut Problems) -> Option<(Rule, Span)> {
    let fields = table.fields(KEYS, problems);
    let name = fields.required_string("name", problems);
    let hosts = hosts(&fields, problems);
    let hold = fields.duration("for", problems).map(|(duration, _)| duration).unwrap_or_default();
    let repeat = fields.duration("repeat", problems).and_then(|(duration, span)| {
        if duration < MIN_REPEAT {
            let why = "must be at least 1m (leave it out for no reminders)".to_owned();
            problems.push((span, ProblemKind::Invalid { key: "repeat".into(), why }));
            return None;
        }
        Some(duration)
    });
    let notify = notify(&fields, webhooks, problems);
    let severity = fields.string("severity", problems).and_then(|(text, span)| match Severity::from_name(&text) {
        Some(severity) => Some((severity, span)),
        None => {
            let why = format!("\"{text}\" is not a severity (\"warning\" or \"critical\")");
            problems.push((span, ProblemKind::Invalid { key: "severity".into(), why }));
            None
        }
    });
    let condition = condition(&fields, severity, problems);
    let (name, span) = name?;
    Some((Rule { name, hosts, condition: condition?, hold, repeat, notify }, span))
}

fn hosts(fields: &Fields<'_, '_>, problems: &mut Problems) -> Hosts {
    if let Some((toml::de::DeValue::Array(_), _)) = fields.get("hosts") {
        let names = fields.strings("hosts", problems).unwrap_or_default();
        if names.is_empty() {
            let why = "an empty list matches no host (write \"*\" for all)".to_owned();
            problems.push((fields.value_span("hosts"), ProblemKind::Invalid { key: "hosts".into(), why }));
        }
        return Hosts::Named(names.into_iter().map(|(name, _)| name).collect());
    }
    let Some((text, span)) = fields.string("hosts", problems) else { return Hosts::All };
    Hosts::from_str_form(&text).unwrap_or_else(|| {
        let why = format!("\"{text}\" is not \"*\", a host name or \"tag:KEY=VALUE\"");
        problems.push((span, ProblemKind::Invalid { key: "hosts".into(), why }));
        Hosts::All
    })
}

fn notify(fields: &Fields<'_, '_>, webhooks: &[&str], problems: &mut Problems) -> Vec<String> {
    if fields.get("notify").is_none() {
        return webhooks.iter().map(|name| (*name).to_owned()).collect();
    }
    let mut names = Vec::new();
    for (name, span) in fields.strings("notify", problems).unwrap_or_default() {
        if webhooks.contains(&name.as_str()) {
            names.push(name);
        } else {
            problems.push((span, ProblemKind::UnknownWebhook(name)));
        }
    }
    names
}

fn condition(
    fields: &Fields<'_, '_>,
    severity: Option<(Severity, Span)>,
    problems: &mut Problems,
) -> Option<Condition> {
    if fields.get("condition").is_some() {
        let (text, span) = fields.string("condition", problems)?;
        let when = match text.as_str() {
            "down" => StatusCondition::Down,
            "stale" => StatusCondition::Stale,
            _ => {
                let why = format!("\"{text}\" is not a condition (\"down\" or \"stale\")");
                problems.push((span, ProblemKind::Invalid { key: "condition".into(), why }));
                return None;
            }
        };
        for key in THRESHOLD_KEYS {
            if let Some((_, span)) = fields.get(key) {
                let why = format!("a condition = \"{text}\" rule watches the host's status and has no `{key}`");
                problems.push((span, ProblemKind::Condition(why)));
            }
        }
        let severity = severity.map_or(Severity::Warning, |(severity, _)| severity);
        return Some(Condition::Status { when, severity });
    }
    threshold(fields, severity, problems).map(Condition::Threshold)
}

/// One level as written: its direction, threshold and recovery, and where it is.
struct Written {
    direction: Direction,
    level: Level,
    key: String,
    span: Span,
}

fn threshold(
    fields: &Fields<'_, '_>,
    severity: Option<(Severity, Span)>,
    problems: &mut Problems,
) -> Option<Threshold> {
    let series = fields.required_string("series", problems);
    let plain = level(fields, "", problems);
    let mut levels: [Option<Written>; 2] = [None, None];
    for (slot, named) in levels.iter_mut().zip(Severity::ALL) {
        *slot = level(fields, &format!("{named}_"), problems);
    }
    if let Some(written) = plain {
        let (named, _) = severity.clone().unwrap_or((Severity::Warning, fields.span()));
        let slot = &mut levels[named as usize];
        match slot {
            Some(other) => problems.push((
                other.span.clone(),
                ProblemKind::Conflict(format!("{} (with severity {named})", written.key), other.key.clone()),
            )),
            None => *slot = Some(written),
        }
    } else if let Some((_, span)) = severity {
        if levels.iter().any(Option::is_some) {
            let why = "`severity` goes with `above`/`below`; warning_above and critical_above name their own level"
                .to_owned();
            problems.push((span, ProblemKind::Invalid { key: "severity".into(), why }));
        }
    }
    let [warning, critical] = levels;
    if warning.is_none() && critical.is_none() {
        let written = ["above", "below"].iter().any(|side| {
            ["", "warning_", "critical_"].iter().any(|prefix| fields.get(&format!("{prefix}{side}")).is_some())
        });
        if written {
            // The threshold is there but unusable, and that problem is already noted.
            return None;
        }
        let why = "a rule needs `above` or `below` (or warning_/critical_ thresholds), or a `condition`".to_owned();
        problems.push((fields.span(), ProblemKind::Condition(why)));
        return None;
    }
    if let (Some(warning), Some(critical)) = (&warning, &critical) {
        if warning.direction != critical.direction {
            let why = format!("`{}` and `{}` look in opposite directions", warning.key, critical.key);
            problems.push((critical.span.clone(), ProblemKind::Condition(why)));
        } else if warning.direction.beyond(warning.level.threshold, critical.level.threshold) {
            let why = format!(
                "the critical threshold {} is less extreme than the warning threshold {}",
                critical.level.threshold, warning.level.threshold
            );
            problems.push((critical.span.clone(), ProblemKind::Invalid { key: critical.key.clone(), why }));
        }
    }
    let direction = warning.as_ref().or(critical.as_ref()).map(|written| written.direction)?;
    let (series, _) = series?;
    Some(Threshold {
        series,
        direction,
        warning: warning.map(|written| written.level),
        critical: critical.map(|written| written.level),
    })
}

/// Reads `{prefix}above`/`{prefix}below` and their `{prefix}recover_*`.
fn level(fields: &Fields<'_, '_>, prefix: &str, problems: &mut Problems) -> Option<Written> {
    let above_key = format!("{prefix}above");
    let below_key = format!("{prefix}below");
    let above = fields.number(&above_key, problems);
    let below = fields.number(&below_key, problems);
    let (direction, key, (threshold, span)) = match (above, below) {
        (Some(_), Some((_, span))) => {
            problems.push((span, ProblemKind::Conflict(above_key, below_key)));
            return None;
        }
        (Some(value), None) => (Direction::Above, above_key, value),
        (None, Some(value)) => (Direction::Below, below_key, value),
        (None, None) => {
            for side in ["below", "above"] {
                let recover_key = format!("{prefix}recover_{side}");
                if let Some((_, span)) = fields.get(&recover_key) {
                    let why = format!("there is no `{prefix}above` or `{prefix}below` for it to recover from");
                    problems.push((span, ProblemKind::Invalid { key: recover_key, why }));
                }
            }
            return None;
        }
    };
    let recover_key = format!("{prefix}recover_{}", direction.opposite().as_str());
    let wrong_key = format!("{prefix}recover_{}", direction.as_str());
    if let Some((_, span)) = fields.get(&wrong_key) {
        let why = format!(
            "a `{key}` rule recovers with `{recover_key}`; `{wrong_key}` belongs to a `{prefix}{}` rule",
            direction.opposite().as_str()
        );
        problems.push((span, ProblemKind::Invalid { key: wrong_key, why }));
    }
    let recover = match fields.number(&recover_key, problems) {
        Some((recover, span)) if direction.beyond(recover, threshold) => {
            let why = match direction {
                Direction::Above => "an `above` rule recovers at or below its threshold",
                Direction::Below => "a `below` rule recovers at or above its threshold",
            };
            problems.push((span, ProblemKind::RecoverWrongSide { key: recover_key, recover, threshold, why }));
            threshold
        }
        Some((recover, _)) => recover,
        None => threshold,
    };
    Some(Written { direction, level: Level { threshold, recover }, key, span })
}
