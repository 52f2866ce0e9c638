//! The words every preset shares: a title (`[FIRING] critical: cpu busy on web1`)
//! and a few lines of detail, so the five receivers say the same thing.

use crate::state::EventKind;
use crate::webhook::Envelope;

/// The one-line summary.
pub(super) fn title(envelope: &Envelope) -> String {
    let data = &envelope.data;
    let what = match (envelope.event_kind(), data.previous_severity) {
        (Some(EventKind::Firing), Some(previous)) if previous < data.severity => "ESCALATED",
        (Some(EventKind::Firing), Some(_)) => "DE-ESCALATED",
        (Some(EventKind::Firing), None) => "FIRING",
        (Some(EventKind::Resolved), _) => "RESOLVED",
        (Some(EventKind::Reminder), _) => "STILL FIRING",
        (None, _) if envelope.kind == crate::webhook::TEST_TYPE => "TEST",
        (None, _) => "ALERT",
    };
    format!("[{what}] {}: {} on {}", data.severity, data.rule, data.host_name)
}

/// The details, one fact a line: the value against the threshold, since when.
pub(super) fn lines(envelope: &Envelope) -> Vec<String> {
    let data = &envelope.data;
    let mut lines = Vec::new();
    match (data.value, data.threshold, resolved(envelope)) {
        (Some(value), Some(threshold), false) => {
            lines.push(format!("value {} (threshold {})", number(value), number(threshold)))
        }
        (Some(value), Some(threshold), true) => {
            lines.push(format!("value {} (recovers past {})", number(value), number(threshold)))
        }
        (Some(value), None, _) => lines.push(format!("value {}", number(value))),
        _ => {}
    }
    lines.push(format!("firing since {}", data.since));
    if resolved(envelope) {
        lines.push(format!("resolved at {}", data.at));
    }
    lines
}

/// Whether it is a resolve.
pub(super) fn resolved(envelope: &Envelope) -> bool {
    envelope.event_kind() == Some(EventKind::Resolved)
}

/// A value as people read it: at most two decimals, no trailing zeros.
pub(super) fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}
