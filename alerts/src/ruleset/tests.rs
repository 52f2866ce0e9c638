//! The merge's precedence, the checks of an admin's changes, and a UI rule read
//! from JSON meaning what the same keys mean in the file.

use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::rules::{read_rule, table_from_json, Condition, Direction, Hosts};

const FILE: &str = r#"
[[webhook]]
name = "ops"
url = "https://hooks.example.com/pulse"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

[[webhook]]
name = "chat"
url = "https://chat.example.com/hook"
preset = "slack"

[[rule]]
name = "cpu busy"
series = "cpu.total"
above = 90.0
notify = ["ops"]
"#;

fn file() -> Rules {
    Rules::parse(FILE).unwrap_or_else(|error| panic!("{error}"))
}

fn ui(name: &str, body: serde_json::Value) -> UiRule {
    UiRule { name: name.to_owned(), table: table_from_json(&body).unwrap_or_else(|error| panic!("{error}")) }
}

fn names(set: &RuleSet) -> Vec<(&str, Source)> {
    set.rules.iter().map(|rule| (rule.name.as_str(), set.source(&rule.name))).collect()
}

#[test]
fn file_rules_first_then_ui_rules_in_the_order_made() {
    let set = RuleSet::merge(
        &file(),
        &[
            ui("disk", json!({"name": "disk", "series": "disk.used_pct:/", "above": 90})),
            ui("mem", json!({"name": "mem", "series": "mem.used_pct", "above": 80})),
        ],
        &BTreeMap::new(),
    );
    assert_eq!(names(&set), [("cpu busy", Source::File), ("disk", Source::Ui), ("mem", Source::Ui)]);
    assert!(set.set_aside.is_empty() && set.notes.is_empty());
    // A UI rule without `notify` notifies every webhook of the file, as a file rule does.
    assert_eq!(set.rule("disk").map(|rule| rule.notify.clone()), Some(vec!["ops".to_owned(), "chat".to_owned()]));
}

#[test]
fn a_file_reload_never_drops_a_ui_rule() {
    let kept = [ui("cpu busy", json!({"name": "cpu busy", "series": "cpu.total", "below": 5, "notify": ["ops"]}))];
    let set = RuleSet::merge(&file(), &kept, &BTreeMap::new());
    assert_eq!(names(&set), [("cpu busy", Source::Ui)], "the UI's rule of that name stays in force");
    assert_eq!(set.set_aside.len(), 1);
    assert_eq!((set.set_aside[0].name.as_str(), set.set_aside[0].source), ("cpu busy", Source::File));

    // The file loses the webhook the UI rule notifies: the rule stays, without it.
    let text = FILE.replace("notify = [\"ops\"]", "notify = []").replace("name = \"ops\"", "name = \"pager\"");
    let without_ops = Rules::parse(&text).unwrap_or_else(|error| panic!("{error}"));
    let notifying =
        [ui("mem", json!({"name": "mem", "series": "mem.used_pct", "above": 80, "notify": ["ops", "chat"]}))];
    let set = RuleSet::merge(&without_ops, &notifying, &BTreeMap::new());
    assert_eq!(set.rule("mem").map(|rule| rule.notify.clone()), Some(vec!["chat".to_owned()]));
    assert_eq!(set.notes.len(), 1, "{:?}", set.notes);
    assert!(set.notes[0].contains("\"ops\""), "{:?}", set.notes);

    // A table that no longer reads is set aside, kept, and still editable.
    let unreadable =
        [UiRule { name: "odd".into(), table: "name = \"odd\"\nseries = \"x\"\nabove = 1\nnew_key = 2\n".into() }];
    let set = RuleSet::merge(&file(), &unreadable, &BTreeMap::new());
    assert!(set.rule("odd").is_none());
    assert_eq!(set.set_aside[0].source, Source::Ui);
    assert!(set.set_aside[0].why.contains("new_key"), "{:?}", set.set_aside);
    assert_eq!(set.check(Change::Edit("odd")), Ok(()));
    assert_eq!(set.check(Change::Delete("odd")), Ok(()));
}

#[test]
fn changes_are_checked_by_source() {
    let set =
        RuleSet::merge(&file(), &[ui("mem", json!({"name": "mem", "series": "m", "above": 1}))], &BTreeMap::new());
    let taken = |name: &str, where_| Err(Refusal::Taken { name: name.to_owned(), where_ });
    let cases = [
        (Change::Create("disk"), Ok(())),
        (Change::Create("cpu busy"), taken("cpu busy", "in the rules file")),
        (Change::Create("mem"), taken("mem", "made in the UI")),
        (Change::Edit("mem"), Ok(())),
        (Change::Edit("cpu busy"), Err(Refusal::FileRule("cpu busy".into()))),
        (Change::Edit("nope"), Err(Refusal::NotFound("nope".into()))),
        (Change::Delete("mem"), Ok(())),
        (Change::Delete("cpu busy"), Err(Refusal::FileRule("cpu busy".into()))),
        (Change::Delete("nope"), Err(Refusal::NotFound("nope".into()))),
        (Change::Mute("cpu busy"), Ok(())),
        (Change::Mute("mem"), Ok(())),
        (Change::Mute("nope"), Err(Refusal::NotFound("nope".into()))),
    ];
    for (change, expected) in cases {
        assert_eq!(set.check(change), expected, "{change:?}");
    }
}

#[test]
fn mutes_hold_until_their_time() {
    let mutes: BTreeMap<String, u64> = [("cpu busy".to_owned(), 5_000)].into();
    let set = RuleSet::merge(&file(), &[], &mutes);
    let cases =
        [("cpu busy", 0, Some(5_000)), ("cpu busy", 4_999, Some(5_000)), ("cpu busy", 5_000, None), ("x", 0, None)];
    for (name, now, expected) in cases {
        assert_eq!(set.muted_until(name, now), expected, "{name} at {now}");
    }
}

#[test]
fn a_json_rule_means_what_the_same_keys_mean_in_the_file() {
    let body = json!({
        "name": "cpu busy", "series": "cpu.total", "hosts": "*", "above": 90.0, "for": "30s",
        "recover_below": 80, "severity": "critical", "repeat": "1h", "notify": ["ops"],
        "source": "file", "muted_until": null,
    });
    let table = table_from_json(&body).unwrap_or_else(|error| panic!("{error}"));
    let from_json = read_rule(&table, &["ops", "chat"]).unwrap_or_else(|error| panic!("{error}"));
    let text = FILE.replace(
        "above = 90.0\n",
        "hosts = \"*\"\nabove = 90.0\nfor = \"30s\"\nrecover_below = 80\nseverity = \"critical\"\nrepeat = \"1h\"\n",
    );
    let from_file = Rules::parse(&text).unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(Some(&from_json), from_file.rule("cpu busy"));
    let Condition::Threshold(threshold) = &from_json.condition else { panic!("a threshold rule") };
    assert_eq!((threshold.direction, from_json.hosts.clone()), (Direction::Above, Hosts::All));
}

#[test]
fn a_bad_json_rule_names_its_field() {
    let shape = |body: serde_json::Value| table_from_json(&body).err().map(|error| error.field);
    assert_eq!(shape(json!([1])), Some("body".to_owned()));
    assert_eq!(shape(json!({"name": "x", "hosts": {"a": 1}})), Some("hosts".to_owned()));
    assert_eq!(shape(json!({"name": "x", "notify": [["ops"]]})), Some("notify".to_owned()));

    let keys = |body: serde_json::Value| -> Vec<String> {
        let table = table_from_json(&body).unwrap_or_else(|error| panic!("{error}"));
        match read_rule(&table, &["ops"]) {
            Ok(_) => Vec::new(),
            Err(error) => {
                error.problems.iter().map(|problem| problem.kind.key().unwrap_or("(rule)").to_owned()).collect()
            }
        }
    };
    let cases: [(serde_json::Value, &[&str]); 9] = [
        (json!({"name": "x", "series": "s", "above": 1}), &[]),
        (json!({"series": "s", "above": 1}), &["name"]),
        (json!({"name": "x", "series": "s", "above": "high"}), &["above"]),
        (json!({"name": "x", "series": "s", "above": 1, "for": "soon"}), &["for"]),
        (json!({"name": "x", "series": "s", "above": 1, "notify": ["pager"]}), &["notify"]),
        (json!({"name": "x", "series": "s", "above": 1, "abve": 2}), &["abve"]),
        (json!({"name": "x", "series": "s", "above": 1, "recover_below": 2}), &["recover_below"]),
        (json!({"name": "x", "series": "s", "above": 1, "below": 0}), &["above"]),
        (json!({"name": "x", "series": "s"}), &["(rule)"]),
    ];
    for (body, expected) in cases {
        assert_eq!(keys(body.clone()), expected, "{body}");
    }
}
