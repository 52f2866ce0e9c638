//! Each preset's body has the shape its service documents.

use serde_json::Value;

use super::*;
use crate::severity::Severity;
use crate::state::{Event, EventKind};
use crate::webhook::Subject;

const SUBJECT: Subject<'static> =
    Subject { rule: "cpu busy", host: "h-1", host_name: "web1", url: "https://pulse.example/hosts/h-1" };

fn envelope(kind: EventKind, severity: Severity, previous: Option<Severity>) -> Envelope {
    let event = Event {
        kind,
        severity,
        previous,
        value: Some(95.456),
        threshold: Some(90.0),
        since_ms: 1_765_000_000_000,
        at_ms: 1_765_000_030_000,
    };
    Envelope::new(SUBJECT, &event)
}

fn parsed(body: &Body) -> Value {
    assert_eq!(body.content_type, "application/json");
    serde_json::from_str(&body.body).expect("JSON body")
}

#[test]
fn names_round_trip() {
    for preset in Preset::ALL {
        assert_eq!(Preset::from_name(preset.as_str()), Some(preset));
    }
    assert_eq!(Preset::from_name("pagerduty"), None);
}

#[test]
fn titles() {
    let cases = [
        (EventKind::Firing, Severity::Critical, None, "[FIRING] critical: cpu busy on web1"),
        (EventKind::Firing, Severity::Critical, Some(Severity::Warning), "[ESCALATED] critical: cpu busy on web1"),
        (EventKind::Firing, Severity::Warning, Some(Severity::Critical), "[DE-ESCALATED] warning: cpu busy on web1"),
        (EventKind::Resolved, Severity::Warning, None, "[RESOLVED] warning: cpu busy on web1"),
        (EventKind::Reminder, Severity::Critical, None, "[STILL FIRING] critical: cpu busy on web1"),
    ];
    for (kind, severity, previous, expected) in cases {
        assert_eq!(text::title(&envelope(kind, severity, previous)), expected);
    }
    assert_eq!(text::number(95.456), "95.46");
    assert_eq!(text::number(90.0), "90");
    assert_eq!(text::number(0.5), "0.5");
}

#[test]
fn slack_has_text_and_blocks() {
    let body = parsed(&Preset::Slack.render(&envelope(EventKind::Firing, Severity::Critical, None)));
    let text = body["text"].as_str().expect("text");
    assert!(text.starts_with("[FIRING] critical: cpu busy on web1\nvalue 95.46 (threshold 90)"), "{text}");
    assert_eq!(body["blocks"][0]["type"], "header");
    assert_eq!(body["blocks"][0]["text"]["type"], "plain_text");
    assert_eq!(body["blocks"][1]["text"]["type"], "mrkdwn");
    let section = body["blocks"][1]["text"]["text"].as_str().expect("section");
    assert!(section.ends_with("<https://pulse.example/hosts/h-1|web1>"), "{section}");
}

#[test]
fn discord_has_one_embed() {
    let cases = [
        (EventKind::Firing, Severity::Critical, 0xE0_3E_3E),
        (EventKind::Firing, Severity::Warning, 0xF2_A9_00),
        (EventKind::Resolved, Severity::Critical, 0x2E_B6_7D),
    ];
    for (kind, severity, color) in cases {
        let body = parsed(&Preset::Discord.render(&envelope(kind, severity, None)));
        let embeds = body["embeds"].as_array().expect("embeds");
        assert_eq!(embeds.len(), 1);
        assert_eq!(embeds[0]["color"], color);
        assert_eq!(embeds[0]["url"], "https://pulse.example/hosts/h-1");
        assert_eq!(embeds[0]["timestamp"], "2025-12-06T05:47:10.000Z");
        assert!(embeds[0]["title"].as_str().is_some_and(|title| title.chars().count() <= 256));
        assert_eq!(embeds[0]["fields"][0]["name"], "host");
        assert_eq!(body["allowed_mentions"]["parse"], Value::Array(Vec::new()));
    }
}

#[test]
fn ntfy_is_text_with_headers() {
    let cases = [
        (EventKind::Firing, Severity::Critical, "urgent", "rotating_light"),
        (EventKind::Reminder, Severity::Warning, "high", "warning"),
        (EventKind::Resolved, Severity::Critical, "default", "white_check_mark"),
    ];
    for (kind, severity, priority, tags) in cases {
        let body = Preset::Ntfy.render(&envelope(kind, severity, None));
        assert_eq!(body.content_type, "text/plain; charset=utf-8");
        let header = |name: &str| body.headers.iter().find(|(key, _)| *key == name).map(|(_, value)| value.as_str());
        assert_eq!(header("Priority"), Some(priority));
        assert_eq!(header("Tags"), Some(tags));
        assert_eq!(header("Click"), Some("https://pulse.example/hosts/h-1"));
        assert!(header("Title").is_some_and(|title| title.starts_with('[')));
        assert!(body.body.starts_with("value 95.46"), "{}", body.body);
    }
    let mut accented = envelope(EventKind::Firing, Severity::Warning, None);
    accented.data.host_name = "dépôt".into();
    let body = Preset::Ntfy.render(&accented);
    let title = &body.headers[0].1;
    assert!(title.starts_with("=?UTF-8?B?") && title.ends_with("?="), "{title}");
}

#[test]
fn gotify_has_title_message_priority() {
    let cases = [
        (EventKind::Firing, Severity::Critical, 8),
        (EventKind::Firing, Severity::Warning, 5),
        (EventKind::Resolved, Severity::Critical, 2),
    ];
    for (kind, severity, priority) in cases {
        let body = parsed(&Preset::Gotify.render(&envelope(kind, severity, None)));
        assert_eq!(body["priority"], priority);
        assert!(body["title"].as_str().is_some_and(|title| title.contains("cpu busy")));
        assert!(body["message"]
            .as_str()
            .is_some_and(|message| message.ends_with("[web1](https://pulse.example/hosts/h-1)")));
        assert_eq!(body["extras"]["client::display"]["contentType"], "text/markdown");
        assert_eq!(body["extras"]["client::notification"]["click"]["url"], "https://pulse.example/hosts/h-1");
    }
}

#[test]
fn teams_is_an_adaptive_card_message() {
    let body = parsed(&Preset::Teams.render(&envelope(EventKind::Firing, Severity::Critical, None)));
    assert_eq!(body["type"], "message");
    let attachment = &body["attachments"][0];
    assert_eq!(attachment["contentType"], "application/vnd.microsoft.card.adaptive");
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    assert_eq!(card["body"][0]["type"], "TextBlock");
    assert_eq!(card["body"][0]["color"], "Attention");
    assert_eq!(card["body"][1]["type"], "FactSet");
    assert_eq!(card["body"][1]["facts"][2]["value"], "95.46");
    assert_eq!(card["actions"][0]["type"], "Action.OpenUrl");
    assert_eq!(card["actions"][0]["url"], "https://pulse.example/hosts/h-1");
}
