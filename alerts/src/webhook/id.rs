//! The message id: `msg_` + 32 hex digits of SHA-256 over what identifies one
//! notification (rule, host, kind, severity, the time of the event). The same event
//! gets the same id on every retry and after a restart, so a receiver that
//! de-duplicates by `webhook-id` sees it once; two different events never share one.

use ring::digest;

use crate::severity::Severity;
use crate::state::EventKind;

/// The id of the notification of one event.
pub fn message_id(rule: &str, host: &str, kind: EventKind, severity: Severity, at_ms: u64) -> String {
    let mut input = Vec::with_capacity(rule.len() + host.len() + 40);
    // Each part is prefixed by its length, so ("a.b", "c") and ("a", "b.c") differ.
    for part in [rule.as_bytes(), host.as_bytes(), kind_name(kind).as_bytes(), severity.as_str().as_bytes()] {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part);
    }
    input.extend_from_slice(&at_ms.to_be_bytes());
    let hash = digest::digest(&digest::SHA256, &input);
    let mut id = String::with_capacity(36);
    id.push_str("msg_");
    for byte in &hash.as_ref()[..16] {
        id.push_str(&format!("{byte:02x}"));
    }
    id
}

fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Firing => "firing",
        EventKind::Resolved => "resolved",
        EventKind::Reminder => "reminder",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_distinct() {
        let base = message_id("cpu busy", "web1", EventKind::Firing, Severity::Critical, 1_000);
        assert_eq!(base.len(), 36);
        assert!(base.starts_with("msg_"));
        assert_eq!(base, message_id("cpu busy", "web1", EventKind::Firing, Severity::Critical, 1_000));
        let others = [
            message_id("cpu busy", "web2", EventKind::Firing, Severity::Critical, 1_000),
            message_id("cpu", "busyweb1", EventKind::Firing, Severity::Critical, 1_000),
            message_id("cpu busy", "web1", EventKind::Resolved, Severity::Critical, 1_000),
            message_id("cpu busy", "web1", EventKind::Firing, Severity::Warning, 1_000),
            message_id("cpu busy", "web1", EventKind::Firing, Severity::Critical, 1_001),
        ];
        for other in others {
            assert_ne!(base, other);
        }
    }
}
