//! The rules file: the issue's example as written, the two-level form, and every
//! kind of problem with its line.

use std::time::Duration;

use super::*;

const WEBHOOK: &str = r#"
[[webhook]]
name = "ops"
url = "https://hooks.example.com/pulse"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
"#;

/// The problems in `WEBHOOK` + `rules`, as (line, message); lines count from the
/// first line of `rules` (the webhook takes five lines).
fn problems(rules: &str) -> Vec<(usize, String)> {
    let text = format!("{WEBHOOK}{rules}");
    match Rules::parse(&text) {
        Ok(_) => Vec::new(),
        Err(error) => error
            .problems
            .into_iter()
            .map(|problem| (problem.line.saturating_sub(5), problem.kind.to_string()))
            .collect(),
    }
}

fn parse(rules: &str) -> Rules {
    Rules::parse(&format!("{WEBHOOK}{rules}")).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn the_issues_example_reads_as_written() {
    let text = r#"
[[webhook]]
name = "ops"
url = "https://hooks.example.com/pulse"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"   # Standard Webhooks secret

[[rule]]
name = "cpu busy"
series = "cpu.total"
hosts = "*"               # or a list of host names, or "tag:env=prod"
above = 90.0              # or below = ...
for = "30s"
recover_below = 80.0      # recover_above for a "below" rule; default: the threshold itself
severity = "critical"
repeat = "1h"
notify = ["ops"]
"#;
    let rules = Rules::parse(text).unwrap_or_else(|error| panic!("{error}"));
    let webhook = rules.webhook("ops").expect("the webhook");
    assert_eq!(webhook.url, "https://hooks.example.com/pulse");
    assert_eq!(webhook.secrets.len(), 1);
    assert_eq!(webhook.secrets[0].expose(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    assert_eq!(webhook.preset, None);
    let rule = rules.rule("cpu busy").expect("the rule");
    let expected = Rule {
        name: "cpu busy".into(),
        hosts: Hosts::All,
        condition: Condition::Threshold(Threshold {
            series: "cpu.total".into(),
            direction: Direction::Above,
            warning: None,
            critical: Some(Level { threshold: 90.0, recover: 80.0 }),
        }),
        hold: Duration::from_secs(30),
        repeat: Some(Duration::from_secs(3_600)),
        notify: vec!["ops".into()],
    };
    assert_eq!(rule, &expected);
}

#[test]
fn conditions_as_written() {
    let level = |threshold, recover| Some(Level { threshold, recover });
    let threshold = |direction, warning, critical| {
        Condition::Threshold(Threshold { series: "s".into(), direction, warning, critical })
    };
    let cases: &[(&str, Condition)] = &[
        ("above = 90", threshold(Direction::Above, level(90.0, 90.0), None)),
        ("below = 10\nrecover_above = 15", threshold(Direction::Below, level(10.0, 15.0), None)),
        ("above = 90\nseverity = \"critical\"", threshold(Direction::Above, None, level(90.0, 90.0))),
        (
            "warning_above = 80\ncritical_above = 90\nwarning_recover_below = 70\ncritical_recover_below = 85",
            threshold(Direction::Above, level(80.0, 70.0), level(90.0, 85.0)),
        ),
        (
            "above = 90\nseverity = \"critical\"\nwarning_above = 80",
            threshold(Direction::Above, level(80.0, 80.0), level(90.0, 90.0)),
        ),
        ("critical_below = 5", threshold(Direction::Below, None, level(5.0, 5.0))),
        ("above = -3", threshold(Direction::Above, level(-3.0, -3.0), None)),
    ];
    for (keys, expected) in cases {
        let rules = parse(&format!("[[rule]]\nname = \"r\"\nseries = \"s\"\n{keys}\n"));
        assert_eq!(&rules.rules[0].condition, expected, "{keys}");
    }
    let rules = parse("[[rule]]\nname = \"gone\"\ncondition = \"down\"\nfor = \"1m\"\nseverity = \"critical\"\n");
    assert_eq!(
        rules.rules[0].condition,
        Condition::Status { when: StatusCondition::Down, severity: Severity::Critical }
    );
    let rules = parse("[[rule]]\nname = \"late\"\ncondition = \"stale\"\n");
    assert_eq!(
        rules.rules[0].condition,
        Condition::Status { when: StatusCondition::Stale, severity: Severity::Warning }
    );
}

#[test]
fn defaults_hosts_and_notify() {
    let text = r#"
[[webhook]]
name = "chat"
url = "https://hooks.slack.com/services/T/B/X"
preset = "slack"

[[rule]]
name = "a"
series = "cpu.total"
above = 1

[[rule]]
name = "b"
series = "cpu.total"
above = 1
hosts = ["web1", "web2"]
notify = []

[[rule]]
name = "c"
series = "cpu.total"
above = 1
hosts = "tag:env=prod"
notify = ["chat"]
"#;
    let rules = parse(text);
    assert_eq!(rules.webhooks[1].preset, Some(Preset::Slack));
    assert!(rules.webhooks[1].secrets.is_empty());
    let [a, b, c] = &rules.rules[..] else { panic!("three rules") };
    assert_eq!(
        (a.hosts.clone(), a.notify.clone(), a.hold, a.repeat),
        (Hosts::All, vec!["ops".into(), "chat".into()], Duration::ZERO, None)
    );
    assert_eq!((b.hosts.clone(), b.notify.clone()), (Hosts::Named(vec!["web1".into(), "web2".into()]), vec![]));
    assert_eq!(c.hosts, Hosts::Tagged { key: "env".into(), value: "prod".into() });
    assert_eq!(c.notify, vec!["chat".to_owned()]);
}

#[test]
fn rotation_lists_every_secret() {
    let text = r#"
[[webhook]]
name = "ops"
url = "https://hooks.example.com/pulse"
secrets = ["whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYX", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]
"#;
    let rules = Rules::parse(text).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(rules.webhooks[0].secrets.len(), 2);
    assert_eq!(rules.webhooks[0].secrets[1].expose(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
}

#[test]
fn every_problem_with_its_line() {
    let rule = "[[rule]]\nname = \"r\"\nseries = \"s\"\n";
    // (rules after the webhook, expected (line, part of the message) in order)
    let cases: &[(String, &[(usize, &str)])] = &[
        (format!("{rule}above = 90\nbogus = 1\n"), &[(5, "unknown key `bogus` in a rule")]),
        (format!("{rule}above = \"90\"\n"), &[(4, "`above` must be a number, not string")]),
        (
            format!("{rule}above = 90\nnotify = [\"ops\", \"pager\"]\n"),
            &[(5, "notify names \"pager\", but no [[webhook]]")],
        ),
        (format!("{rule}above = 90\nbelow = 10\n"), &[(5, "`above` and `below` cannot both be set")]),
        (
            format!("{rule}above = 90\nrecover_below = 95\n"),
            &[(5, "`recover_below` = 95 is on the wrong side of the threshold 90")],
        ),
        (
            format!("{rule}below = 10\nrecover_above = 5\n"),
            &[(5, "`recover_above` = 5 is on the wrong side of the threshold 10")],
        ),
        (format!("{rule}above = 90\nrecover_above = 95\n"), &[(5, "a `above` rule recovers with `recover_below`")]),
        (format!("{rule}recover_below = 3\n"), &[(1, "a rule needs `above` or `below`"), (4, "no `above` or `below`")]),
        (format!("{rule}above = 90\nfor = \"30 seconds\"\n"), &[(5, "bad duration in `for`")]),
        (format!("{rule}above = 90\nrepeat = \"1w\"\n"), &[(5, "unknown unit `w`")]),
        (format!("{rule}above = 90\nrepeat = \"0\"\n"), &[(5, "`repeat`: must be at least 1m")]),
        (format!("{rule}above = 90\nrepeat = \"1ms\"\n"), &[(5, "`repeat`: must be at least 1m")]),
        (format!("{rule}above = 90\nrepeat = \"59s\"\n"), &[(5, "`repeat`: must be at least 1m")]),
        (format!("{rule}above = 90\nfor = 30\n"), &[(5, "`for` must be a string, not integer")]),
        (format!("{rule}above = 90\nseverity = \"page\"\n"), &[(5, "\"page\" is not a severity")]),
        (format!("{rule}above = 90\nhosts = \"tag:env\"\n"), &[(5, "is not \"*\", a host name or \"tag:KEY=VALUE\"")]),
        (format!("{rule}above = 90\nhosts = []\n"), &[(5, "an empty list matches no host")]),
        (format!("{rule}above = 90\nhosts = [\"a\", 3]\n"), &[(5, "`hosts` must be an array of strings, not integer")]),
        ("[[rule]]\nseries = \"s\"\nabove = 1\n".into(), &[(1, "a rule needs `name`")]),
        ("[[rule]]\nname = \"r\"\nabove = 1\n".into(), &[(1, "a rule needs `series`")]),
        (format!("{rule}above = 1\n{rule}above = 2\n"), &[(6, "a second rule named \"r\"")]),
        (
            format!("{rule}warning_above = 80\ncritical_above = 70\n"),
            &[(5, "the critical threshold 70 is less extreme")],
        ),
        (format!("{rule}warning_above = 80\ncritical_below = 10\n"), &[(5, "look in opposite directions")]),
        (
            format!("{rule}above = 80\nwarning_above = 70\n"),
            &[(5, "`above (with severity warning)` and `warning_above` cannot both be set")],
        ),
        (
            format!("{rule}warning_above = 80\nseverity = \"critical\"\n"),
            &[(5, "`severity` goes with `above`/`below`")],
        ),
        ("[[rule]]\nname = \"d\"\ncondition = \"down\"\nabove = 3\n".into(), &[(4, "has no `above`")]),
        ("[[rule]]\nname = \"d\"\ncondition = \"gone\"\n".into(), &[(3, "\"gone\" is not a condition")]),
        ("[rule]\nname = \"r\"\n".into(), &[(1, "`rule` must be an array of tables: write [[rule]]")]),
        ("[[alert]]\nname = \"r\"\n".into(), &[(1, "unknown key `alert` in a file")]),
        ("[[rule]]\nname = \"r\"\nabove = \n".into(), &[(3, "")]),
    ];
    for (rules, expected) in cases {
        let got = problems(rules);
        let matches = got.len() == expected.len()
            && got
                .iter()
                .zip(expected.iter())
                .all(|((line, message), (want_line, want))| line == want_line && message.contains(want));
        assert!(matches, "{rules}\ngot {got:#?}\nexpected {expected:#?}");
    }
}

#[test]
fn webhook_problems() {
    let cases: &[(&str, &[(usize, &str)])] = &[
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\nsecret = \"abc\"\n", &[(4, "bad secret: a secret starts with `whsec_`")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\nsecret = \"whsec_***\"\n", &[(4, "is not base64")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\nsecret = \"whsec_c2hvcnQ=\"\n", &[(4, "the key is 5 bytes")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\n", &[(1, "a webhook needs `secret`")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"ftp://x.example\"\npreset = \"ntfy\"\n", &[(3, "must start with https:// or http://")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"https:///path\"\npreset = \"ntfy\"\n", &[(3, "has no host")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\npreset = \"pagerduty\"\n", &[(4, "unknown preset \"pagerduty\"")]),
        ("[[webhook]]\nname = \"ops\"\nurl = \"https://x.example\"\npreset = \"ntfy\"\n", &[(2, "a second webhook named \"ops\"")]),
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\nsecrets = []\n", &[(4, "must list at least one secret")]),
        (
            "[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"\nsecrets = []\n",
            &[(5, "`secret` and `secrets` cannot both be set")],
        ),
        ("[[webhook]]\nname = \"a\"\nurl = \"https://x.example\"\npreset = \"ntfy\"\ntoken = \"x\"\n", &[(5, "unknown key `token` in a webhook")]),
    ];
    for (webhooks, expected) in cases {
        let got = problems(webhooks);
        let matches = got.len() == expected.len()
            && got
                .iter()
                .zip(expected.iter())
                .all(|((line, message), (want_line, want))| line == want_line && message.contains(want));
        assert!(matches, "{webhooks}\ngot {got:#?}\nexpected {expected:#?}");
    }
}

#[test]
fn all_problems_at_once_with_columns() {
    let text = "[[webhook]]\nname = \"ops\"\nurl = \"https://x.example\"\nsecret = \"nope\"\n\n[[rule]]\nname = \"r\"\nseries = \"s\"\nabove = 90\nbelow = 5\n  for = \"soon\"\nnotify = [\"ops\", \"pager\"]\n";
    let error = Rules::parse(text).expect_err("four problems");
    let places: Vec<(usize, usize)> = error.problems.iter().map(|problem| (problem.line, problem.column)).collect();
    assert_eq!(places, vec![(4, 10), (10, 1), (11, 9), (12, 18)]);
    let message = error.to_string();
    assert_eq!(message.lines().count(), 4);
    assert!(message.starts_with("line 4, column 10: bad secret"), "{message}");
}
