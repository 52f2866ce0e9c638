//! The JSON body, in the Standard Webhooks envelope:
//!
//! ```json
//! {"type":"alert.firing","timestamp":"2026-12-06T14:40:00.000Z",
//!  "data":{"rule":"cpu busy","host":"h-1","host_name":"web1","severity":"critical",
//!          "value":95.5,"threshold":90.0,"since":"…","at":"…","url":"https://pulse/hosts/h-1"}}
//! ```
//!
//! `type` is `alert.firing`, `alert.resolved` or `alert.reminder`; `timestamp` and
//! `data.at` are when the event happened, `data.since` when the alert began firing.
//! `value` and `threshold` are `null` for a host status rule. A severity change is an
//! `alert.firing` with `data.previous_severity`.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::id::message_id;
use crate::severity::Severity;
use crate::state::{Event, EventKind};

/// What an event is about, which the state machine does not know.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    /// The rule's name.
    pub rule: &'a str,
    /// The host's id.
    pub host: &'a str,
    /// The host's name, for people.
    pub host_name: &'a str,
    /// The host's page on the hub.
    pub url: &'a str,
}

/// The body of one notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// `alert.firing`, `alert.resolved` or `alert.reminder`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened (RFC 3339, UTC).
    pub timestamp: String,
    /// The alert.
    pub data: AlertData,
}

/// The alert in an [`Envelope`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertData {
    /// The rule's name.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// The host's name.
    pub host_name: String,
    /// The level.
    pub severity: Severity,
    /// The level before, for a severity change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_severity: Option<Severity>,
    /// The value, if the rule watches one.
    pub value: Option<f64>,
    /// The threshold crossed (the recovery threshold, for a resolve).
    pub threshold: Option<f64>,
    /// When the alert began firing (RFC 3339).
    pub since: String,
    /// When this event happened (RFC 3339).
    pub at: String,
    /// The host's page.
    pub url: String,
}

impl Envelope {
    /// The envelope of `event` about `subject`.
    pub fn new(subject: Subject<'_>, event: &Event) -> Envelope {
        Envelope {
            kind: type_name(event.kind).to_owned(),
            timestamp: rfc3339(event.at_ms),
            data: AlertData {
                rule: subject.rule.to_owned(),
                host: subject.host.to_owned(),
                host_name: subject.host_name.to_owned(),
                severity: event.severity,
                previous_severity: event.previous,
                value: event.value,
                threshold: event.threshold,
                since: rfc3339(event.since_ms),
                at: rfc3339(event.at_ms),
                url: subject.url.to_owned(),
            },
        }
    }

    /// The body to post.
    pub fn body(&self) -> Vec<u8> {
        // A struct of strings, numbers and options always serialises.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The event's kind, read back from `type`.
    pub fn event_kind(&self) -> Option<EventKind> {
        [EventKind::Firing, EventKind::Resolved, EventKind::Reminder]
            .into_iter()
            .find(|kind| type_name(*kind) == self.kind)
    }
}

/// The stable id of `event` about `subject` (see [`message_id`]).
pub fn id_of(subject: Subject<'_>, event: &Event) -> String {
    message_id(subject.rule, subject.host, event.kind, event.severity, event.at_ms)
}

/// The envelope's `type` for a kind of event.
pub fn type_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Firing => "alert.firing",
        EventKind::Resolved => "alert.resolved",
        EventKind::Reminder => "alert.reminder",
    }
}

/// Milliseconds since the Unix epoch as RFC 3339 in UTC, to the millisecond.
pub fn rfc3339(ms: u64) -> String {
    let time = SystemTime::UNIX_EPOCH + Duration::from_millis(ms);
    humantime::format_rfc3339_millis(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, previous: Option<Severity>, value: Option<f64>, threshold: Option<f64>) -> Event {
        Event {
            kind,
            severity: Severity::Critical,
            previous,
            value,
            threshold,
            since_ms: 1_765_000_000_000,
            at_ms: 1_765_000_030_500,
        }
    }

    const SUBJECT: Subject<'static> =
        Subject { rule: "cpu busy", host: "h-1", host_name: "web1", url: "https://pulse.example/hosts/h-1" };

    #[test]
    fn bodies() {
        let cases = [
            (
                event(EventKind::Firing, None, Some(95.5), Some(90.0)),
                r#"{"type":"alert.firing","timestamp":"2025-12-06T05:47:10.500Z","data":{"rule":"cpu busy","host":"h-1","host_name":"web1","severity":"critical","value":95.5,"threshold":90.0,"since":"2025-12-06T05:46:40.000Z","at":"2025-12-06T05:47:10.500Z","url":"https://pulse.example/hosts/h-1"}}"#,
            ),
            (
                event(EventKind::Firing, Some(Severity::Warning), Some(95.5), Some(90.0)),
                r#"{"type":"alert.firing","timestamp":"2025-12-06T05:47:10.500Z","data":{"rule":"cpu busy","host":"h-1","host_name":"web1","severity":"critical","previous_severity":"warning","value":95.5,"threshold":90.0,"since":"2025-12-06T05:46:40.000Z","at":"2025-12-06T05:47:10.500Z","url":"https://pulse.example/hosts/h-1"}}"#,
            ),
            (
                event(EventKind::Resolved, None, None, None),
                r#"{"type":"alert.resolved","timestamp":"2025-12-06T05:47:10.500Z","data":{"rule":"cpu busy","host":"h-1","host_name":"web1","severity":"critical","value":null,"threshold":null,"since":"2025-12-06T05:46:40.000Z","at":"2025-12-06T05:47:10.500Z","url":"https://pulse.example/hosts/h-1"}}"#,
            ),
        ];
        for (event, expected) in cases {
            let envelope = Envelope::new(SUBJECT, &event);
            assert_eq!(String::from_utf8(envelope.body()).expect("utf-8"), expected);
            let back: Envelope = serde_json::from_str(expected).expect("reads back");
            assert_eq!(back, envelope);
            assert_eq!(back.event_kind(), Some(event.kind));
        }
    }

    #[test]
    fn types_and_ids() {
        assert_eq!(type_name(EventKind::Reminder), "alert.reminder");
        let firing = event(EventKind::Firing, None, Some(95.5), Some(90.0));
        assert_eq!(id_of(SUBJECT, &firing), id_of(SUBJECT, &firing));
        assert_ne!(id_of(SUBJECT, &firing), id_of(SUBJECT, &event(EventKind::Reminder, None, None, None)));
    }
}
