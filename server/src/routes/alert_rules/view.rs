//! A rule in force as the API lists it: the rules file's own keys
//! (`pulse_protocol::alerts::RuleInfo`), its source and its mute. Webhooks by name.

use pulse_alerts::rules::{format_duration, Condition, Direction, Hosts, Level, Rule, StatusCondition};
use pulse_alerts::ruleset::{RuleSet, Source};
use pulse_alerts::Severity;
use pulse_protocol::alerts::{
    AlertSeverity, RuleHosts, RuleInfo, RuleSource, RulesResponse, SetAsideInfo, WebhookInfo,
};

/// The whole listing at `now_ms`.
pub fn listing(set: &RuleSet, now_ms: u64) -> RulesResponse {
    RulesResponse {
        rules: set.rules.iter().map(|rule| info(rule, set, now_ms)).collect(),
        webhooks: set
            .webhooks
            .iter()
            .map(|webhook| WebhookInfo {
                name: webhook.name.clone(),
                source: RuleSource::File,
                preset: webhook.preset.map(|preset| preset.as_str().to_owned()),
            })
            .collect(),
        set_aside: set
            .set_aside
            .iter()
            .map(|aside| SetAsideInfo {
                name: aside.name.clone(),
                source: source(aside.source),
                why: aside.why.clone(),
            })
            .collect(),
    }
}

/// One rule at `now_ms`.
pub fn info(rule: &Rule, set: &RuleSet, now_ms: u64) -> RuleInfo {
    let mut info = RuleInfo {
        name: rule.name.clone(),
        source: source(set.source(&rule.name)),
        hosts: match &rule.hosts {
            Hosts::All => RuleHosts::Pattern("*".to_owned()),
            Hosts::Tagged { key, value } => RuleHosts::Pattern(format!("tag:{key}={value}")),
            Hosts::Named(names) => RuleHosts::Named(names.clone()),
        },
        hold: format_duration(rule.hold),
        repeat: rule.repeat.map(format_duration),
        notify: rule.notify.clone(),
        muted_until: set.muted_until(&rule.name, now_ms).map(|until| until.min(i64::MAX as u64) as i64),
        ..RuleInfo::default()
    };
    match &rule.condition {
        Condition::Status { when, severity } => {
            info.condition = Some(
                match when {
                    StatusCondition::Down => "down",
                    StatusCondition::Stale => "stale",
                }
                .to_owned(),
            );
            info.severity = Some(wire(*severity));
        }
        Condition::Threshold(threshold) => {
            info.series = Some(threshold.series.clone());
            let above = threshold.direction == Direction::Above;
            let recovery = |level: Level| (level.recover != level.threshold).then_some(level.recover);
            match (threshold.warning, threshold.critical) {
                (Some(warning), Some(critical)) => {
                    let [threshold_w, recover_w, threshold_c, recover_c] = if above {
                        [
                            &mut info.warning_above,
                            &mut info.warning_recover_below,
                            &mut info.critical_above,
                            &mut info.critical_recover_below,
                        ]
                    } else {
                        [
                            &mut info.warning_below,
                            &mut info.warning_recover_above,
                            &mut info.critical_below,
                            &mut info.critical_recover_above,
                        ]
                    };
                    *threshold_w = Some(warning.threshold);
                    *recover_w = recovery(warning);
                    *threshold_c = Some(critical.threshold);
                    *recover_c = recovery(critical);
                }
                _ => {
                    if let Some((severity, level)) = threshold.levels().next() {
                        let (at, recover) = if above {
                            (&mut info.above, &mut info.recover_below)
                        } else {
                            (&mut info.below, &mut info.recover_above)
                        };
                        *at = Some(level.threshold);
                        *recover = recovery(level);
                        info.severity = Some(wire(severity));
                    }
                }
            }
        }
    }
    info
}

fn source(source: Source) -> RuleSource {
    match source {
        Source::File => RuleSource::File,
        Source::Ui => RuleSource::Ui,
    }
}

fn wire(severity: Severity) -> AlertSeverity {
    match severity {
        Severity::Warning => AlertSeverity::Warning,
        Severity::Critical => AlertSeverity::Critical,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_alerts::rules::Rules;

    use super::*;

    /// A rule listed and sent back as a body means the same rule.
    #[test]
    fn a_listed_rule_reads_back_as_itself() {
        let text = r#"
[[webhook]]
name = "ops"
url = "https://hooks.example.com/pulse"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[rule]]
name = "one"
series = "cpu.total"
hosts = "tag:env=prod"
above = 90.0
recover_below = 80
severity = "critical"
for = "1m30s"
repeat = "1h"

[[rule]]
name = "two"
series = "mem.used_pct"
hosts = ["web1", "web2"]
warning_below = 20
critical_below = 10
critical_recover_above = 15

[[rule]]
name = "three"
condition = "stale"
notify = []
"#;
        let rules = Rules::parse(text).unwrap_or_else(|error| panic!("{error}"));
        let set = RuleSet::merge(&rules, &[], &BTreeMap::from([("one".to_owned(), 5_000)]));
        let listed = listing(&set, 1_000);
        assert_eq!(listed.rules[0].muted_until, Some(5_000));
        assert_eq!(listed.rules[0].source, RuleSource::File);
        let json = serde_json::to_string(&listed).expect("json");
        assert!(!json.contains("whsec_") && !json.contains("hooks.example.com"), "{json}");
        for (info, rule) in listed.rules.iter().zip(&rules.rules) {
            let body = serde_json::to_value(info).expect("json");
            let table = pulse_alerts::rules::table_from_json(&body).unwrap_or_else(|error| panic!("{error}"));
            let back = pulse_alerts::rules::read_rule(&table, &["ops"]).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(&back, rule, "{body}");
        }
    }
}
