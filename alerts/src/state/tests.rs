//! The state machine, one script per behaviour: each step is an input and the phase
//! and notifications expected after it. Times are in seconds.

use super::*;
use crate::rules::Rules;

/// One step of a script.
enum Do {
    /// An input.
    In(Input),
    /// Replace the rule with this one (a `[[rule]]` body) and say so.
    Edit(u64, &'static str),
}

fn sample(s: u64, value: f64) -> Do {
    Do::In(Input::Sample { at_ms: s * 1_000, value: Some(value) })
}
fn gap(s: u64) -> Do {
    Do::In(Input::Sample { at_ms: s * 1_000, value: None })
}
fn status(s: u64, status: HostStatus) -> Do {
    Do::In(Input::Status { at_ms: s * 1_000, status })
}
fn tick(s: u64) -> Do {
    Do::In(Input::Tick { now_ms: s * 1_000 })
}
fn mute(s: u64, until: u64) -> Do {
    Do::In(Input::Mute { at_ms: s * 1_000, until_ms: Some(until * 1_000) })
}
fn unmute(s: u64) -> Do {
    Do::In(Input::Mute { at_ms: s * 1_000, until_ms: None })
}

use HostStatus::{Down, Stale, Up};
use Phase::{Firing, Ok as Fine, Pending, Resolved};

fn rule(body: &str) -> Rule {
    let text = format!("[[rule]]\nname = \"r\"\n{body}\n");
    let rules = Rules::parse(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    rules.rules.into_iter().next().unwrap_or_else(|| panic!("no rule in {text}"))
}

/// An event in a few words: `fire critical 95 (was warning)`, `resolve warning 74`,
/// `remind critical 95`; the value is left out for status rules.
fn show(event: &Event) -> String {
    let kind = match event.kind {
        EventKind::Firing => "fire",
        EventKind::Resolved => "resolve",
        EventKind::Reminder => "remind",
    };
    let mut text = format!("{kind} {}", event.severity);
    if let Some(value) = event.value {
        text.push_str(&format!(" {value}"));
    }
    if let Some(previous) = event.previous {
        text.push_str(&format!(" (was {previous})"));
    }
    text
}

/// Runs `script` from a fresh state with the rule `body`, checking each step.
fn check(name: &str, body: &'static str, script: &[(Do, Phase, &[&str])]) -> State {
    let mut rule = rule(body);
    let mut state = State::new(0);
    for (index, (action, phase, expected)) in script.iter().enumerate() {
        let input = match action {
            Do::In(input) => *input,
            Do::Edit(s, body) => {
                rule = super::tests::rule(body);
                Input::Edited { at_ms: s * 1_000 }
            }
        };
        let (next, events) = step(state, input, &rule);
        let shown: Vec<String> = events.iter().map(show).collect();
        assert_eq!(
            (next.phase, shown.clone()),
            (*phase, expected.iter().map(|e| e.to_string()).collect::<Vec<_>>()),
            "{name}, step {index}: {input:?}"
        );
        for event in &events {
            assert_eq!(event.at_ms, input.at_ms(), "{name}, step {index}: the event's time");
        }
        state = next;
    }
    state
}

const CPU: &str = "series = \"cpu.total\"\n";

#[test]
fn for_needs_every_sample_beyond_the_threshold() {
    let body = "series = \"cpu.total\"\nabove = 90\nfor = \"30s\"";
    let state = check(
        "for",
        body,
        &[
            (sample(0, 95.0), Pending, &[]),
            (sample(10, 95.0), Pending, &[]),
            (sample(20, 85.0), Fine, &[]),
            (sample(30, 95.0), Pending, &[]),
            (sample(59, 95.0), Pending, &[]),
            (sample(60, 95.0), Firing, &["fire warning 95"]),
            (sample(61, 96.0), Firing, &[]),
        ],
    );
    assert_eq!((state.since_ms, state.firing_since_ms), (60_000, Some(60_000)));
    // Without `for`, the first sample beyond fires.
    check(
        "no for",
        "series = \"s\"\nbelow = 10",
        &[(sample(0, 11.0), Fine, &[]), (sample(1, 9.0), Firing, &["fire warning 9"])],
    );
    // Exactly at the threshold is not beyond it.
    check("at", "series = \"s\"\nabove = 90", &[(sample(0, 90.0), Fine, &[])]);
}

#[test]
fn hysteresis_hovering_at_the_threshold_never_refires() {
    // beszel#1921: a value hovering at the threshold fired again and again.
    let body = "series = \"cpu.total\"\nabove = 90\nrecover_below = 80";
    check(
        "hysteresis",
        body,
        &[
            (sample(0, 91.0), Firing, &["fire warning 91"]),
            (sample(1, 89.0), Firing, &[]),
            (sample(2, 91.0), Firing, &[]),
            (sample(3, 90.0), Firing, &[]),
            (sample(4, 89.5), Firing, &[]),
            (sample(5, 80.0), Firing, &[]),
            (sample(6, 79.9), Resolved, &["resolve warning 79.9"]),
            (sample(7, 85.0), Fine, &[]),
            (sample(8, 89.0), Fine, &[]),
            (sample(9, 91.0), Firing, &["fire warning 91"]),
        ],
    );
    // Without a recovery threshold, `for` keeps a hovering value from firing at all.
    let mut script: Vec<(Do, Phase, &[&str])> = Vec::new();
    for s in 0..40 {
        let (value, phase) = if s % 2 == 0 { (91.0, Pending) } else { (89.0, Fine) };
        script.push((sample(s * 5, value), phase, &[]));
    }
    check("hovering with for", "series = \"s\"\nabove = 90\nfor = \"10s\"", &script);
}

#[test]
fn reminders_repeat_while_firing() {
    // beszel#1695: one notification, never a repeat.
    check(
        "repeat",
        "series = \"s\"\nabove = 90\nrepeat = \"1h\"",
        &[
            (sample(0, 95.0), Firing, &["fire warning 95"]),
            (tick(1_800), Firing, &[]),
            (tick(3_600), Firing, &["remind warning 95"]),
            (sample(3_601, 96.0), Firing, &[]),
            (tick(7_199), Firing, &[]),
            (tick(7_200), Firing, &["remind warning 96"]),
            (sample(7_300, 50.0), Resolved, &["resolve warning 50"]),
            (tick(20_000), Resolved, &[]),
        ],
    );
    check(
        "no repeat",
        "series = \"s\"\nabove = 90",
        &[(sample(0, 95.0), Firing, &["fire warning 95"]), (tick(100_000), Firing, &[])],
    );
}

#[test]
fn mute_holds_firing_and_reminders_back() {
    check(
        "mute",
        "series = \"s\"\nabove = 90\nrepeat = \"10m\"",
        &[
            (mute(0, 600), Fine, &[]),
            (sample(10, 95.0), Firing, &[]),
            (tick(300), Firing, &[]),
            (tick(600), Firing, &["fire warning 95"]),
            (tick(1_200), Firing, &["remind warning 95"]),
            (mute(1_300, 5_000), Firing, &[]),
            (tick(1_800), Firing, &[]),
            // The receivers were told it fires, so they hear that it resolved.
            (sample(1_900, 50.0), Resolved, &["resolve warning 50"]),
        ],
    );
    check(
        "fired and resolved while muted",
        "series = \"s\"\nabove = 90",
        &[
            (mute(0, 600), Fine, &[]),
            (sample(10, 95.0), Firing, &[]),
            (sample(20, 50.0), Resolved, &[]),
            (unmute(30), Resolved, &[]),
            (sample(40, 95.0), Firing, &["fire warning 95"]),
        ],
    );
    check(
        "unmuted early",
        "series = \"s\"\nabove = 90",
        &[(mute(0, 600), Fine, &[]), (sample(10, 95.0), Firing, &[]), (unmute(20), Firing, &["fire warning 95"])],
    );
}

#[test]
fn host_status_rules() {
    check(
        "down",
        "condition = \"down\"\nfor = \"1m\"\nseverity = \"critical\"",
        &[
            (status(0, Stale), Fine, &[]),
            (status(10, Down), Pending, &[]),
            (tick(40), Pending, &[]),
            (tick(70), Firing, &["fire critical"]),
            (tick(80), Firing, &[]),
            (status(100, Up), Resolved, &["resolve critical"]),
            (status(200, Down), Pending, &[]),
            (status(210, Up), Fine, &[]),
            (tick(400), Fine, &[]),
        ],
    );
    check(
        "stale",
        "condition = \"stale\"",
        &[
            (status(0, Stale), Firing, &["fire warning"]),
            (status(5, Down), Firing, &[]),
            (status(9, Stale), Firing, &[]),
            (sample(10, 1.0), Firing, &[]),
            (status(20, Up), Resolved, &["resolve warning"]),
        ],
    );
}

#[test]
fn a_host_going_away_holds_a_firing_alert() {
    let body = "series = \"s\"\nabove = 90\nfor = \"30s\"\nrepeat = \"1h\"";
    check(
        "host down",
        body,
        &[
            (sample(0, 95.0), Pending, &[]),
            (status(10, Down), Fine, &[]),
            (status(20, Up), Fine, &[]),
            (sample(40, 95.0), Pending, &[]),
            (sample(70, 95.0), Firing, &["fire warning 95"]),
            (status(80, Stale), Firing, &[]),
            (status(90, Down), Firing, &[]),
            (tick(3_670), Firing, &["remind warning 95"]),
            (status(4_000, Up), Firing, &[]),
            (sample(4_001, 50.0), Resolved, &["resolve warning 50"]),
        ],
    );
}

#[test]
fn a_gap_breaks_for_but_never_resolves() {
    check(
        "gap",
        "series = \"s\"\nabove = 90\nfor = \"30s\"",
        &[
            (sample(0, 95.0), Pending, &[]),
            (gap(10), Fine, &[]),
            (sample(20, 95.0), Pending, &[]),
            (sample(50, 95.0), Firing, &["fire warning 95"]),
            (gap(51), Firing, &[]),
            (gap(5_000), Firing, &[]),
            (Do::In(Input::Sample { at_ms: 9_000_000, value: Some(f64::NAN) }), Firing, &[]),
            (sample(10_000, 95.0), Firing, &[]),
            (sample(10_001, 50.0), Resolved, &["resolve warning 50"]),
        ],
    );
    check(
        "late sample",
        "series = \"s\"\nabove = 90",
        &[
            (sample(10, 50.0), Fine, &[]),
            (sample(5, 95.0), Fine, &[]),
            (sample(11, 95.0), Firing, &["fire warning 95"]),
        ],
    );
}

#[test]
fn an_edit_while_firing_never_resolves_and_fires_again() {
    check(
        "edited thresholds",
        "series = \"s\"\nabove = 90\nrecover_below = 80",
        &[
            (sample(0, 95.0), Firing, &["fire warning 95"]),
            (Do::Edit(1, "series = \"s\"\nabove = 93\nrecover_below = 85"), Firing, &[]),
            (sample(2, 88.0), Firing, &[]),
            (sample(3, 84.0), Resolved, &["resolve warning 84"]),
        ],
    );
    check(
        "edited past the value",
        "series = \"s\"\nabove = 90",
        &[
            (sample(0, 95.0), Firing, &["fire warning 95"]),
            (Do::Edit(1, "series = \"s\"\nabove = 99\nrecover_below = 97"), Resolved, &["resolve warning 95"]),
        ],
    );
    check(
        "edited severity",
        "series = \"s\"\nabove = 90\nseverity = \"critical\"",
        &[
            (sample(0, 95.0), Firing, &["fire critical 95"]),
            (Do::Edit(1, "series = \"s\"\nabove = 90"), Firing, &["fire warning 95 (was critical)"]),
            (Do::Edit(2, "series = \"s\"\ncritical_above = 92"), Firing, &["fire critical 95 (was warning)"]),
            (sample(3, 94.0), Firing, &[]),
        ],
    );
    check(
        "edited while pending",
        "series = \"s\"\nabove = 90\nfor = \"30s\"",
        &[
            (sample(0, 95.0), Pending, &[]),
            (Do::Edit(10, "series = \"s\"\nabove = 90\nfor = \"5s\""), Firing, &["fire warning 95"]),
        ],
    );
}

#[test]
fn warning_and_critical_escalate_and_de_escalate() {
    // beszel#1038: no warning/critical levels.
    let body = "series = \"s\"\nwarning_above = 80\ncritical_above = 90\nwarning_recover_below = 75\ncritical_recover_below = 85\nfor = \"10s\"";
    check(
        "two levels",
        body,
        &[
            (sample(0, 82.0), Pending, &[]),
            (sample(10, 82.0), Firing, &["fire warning 82"]),
            (sample(11, 95.0), Firing, &[]),
            (sample(15, 86.0), Firing, &[]),
            (sample(16, 95.0), Firing, &[]),
            (sample(26, 95.0), Firing, &["fire critical 95 (was warning)"]),
            (sample(27, 87.0), Firing, &[]),
            (sample(28, 84.0), Firing, &["fire warning 84 (was critical)"]),
            (sample(29, 76.0), Firing, &[]),
            (sample(30, 74.0), Resolved, &["resolve warning 74"]),
        ],
    );
    let state = check(
        "straight to critical",
        body,
        &[
            (sample(0, 95.0), Pending, &[]),
            (sample(10, 95.0), Firing, &["fire critical 95"]),
            (sample(11, 50.0), Resolved, &["resolve critical 50"]),
        ],
    );
    assert_eq!(state.severity, Some(Severity::Critical));
    check(
        "below rule",
        "series = \"disk.free\"\nwarning_below = 20\ncritical_below = 5",
        &[
            (sample(0, 30.0), Fine, &[]),
            (sample(1, 15.0), Firing, &["fire warning 15"]),
            (sample(2, 4.0), Firing, &["fire critical 4 (was warning)"]),
            (sample(3, 6.0), Firing, &["fire warning 6 (was critical)"]),
            (sample(4, 21.0), Resolved, &["resolve warning 21"]),
        ],
    );
}

#[test]
fn events_carry_threshold_and_since() {
    let rule = rule(&format!("{CPU}above = 90\nrecover_below = 80\nfor = \"5s\""));
    let (state, _) = step(State::new(0), Input::Sample { at_ms: 1_000, value: Some(95.0) }, &rule);
    let (state, fired) = step(state, Input::Sample { at_ms: 6_000, value: Some(96.0) }, &rule);
    let expected = Event {
        kind: EventKind::Firing,
        severity: Severity::Warning,
        previous: None,
        value: Some(96.0),
        threshold: Some(90.0),
        since_ms: 6_000,
        at_ms: 6_000,
    };
    assert_eq!(fired, vec![expected]);
    let (state, resolved) = step(state, Input::Sample { at_ms: 9_000, value: Some(70.0) }, &rule);
    assert_eq!(resolved[0].threshold, Some(80.0));
    assert_eq!((resolved[0].since_ms, resolved[0].at_ms), (6_000, 9_000));
    // A state survives a restart as JSON.
    let json = serde_json::to_string(&state).expect("serialises");
    let back: State = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, state);
}
