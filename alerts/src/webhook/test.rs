//! The test notification an admin sends from the UI ("send a test"): an envelope
//! of type `alert.test`, clearly not an alert, through the same outbox, signing
//! and presets as every other notification.

use super::envelope::{rfc3339, AlertData, Envelope};
use crate::severity::Severity;

/// The `type` of a test notification.
pub const TEST_TYPE: &str = "alert.test";

/// A test for webhook `webhook`, sent at `at_ms`; `url` is the hub's page.
pub fn test_envelope(webhook: &str, url: &str, at_ms: u64) -> Envelope {
    let at = rfc3339(at_ms);
    Envelope {
        kind: TEST_TYPE.to_owned(),
        timestamp: at.clone(),
        data: AlertData {
            rule: format!("test of webhook {webhook}"),
            host: String::new(),
            host_name: "Pulse".to_owned(),
            severity: Severity::Warning,
            previous_severity: None,
            value: None,
            threshold: None,
            since: at.clone(),
            at,
            url: url.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::Preset;

    #[test]
    fn a_test_says_it_is_one() {
        let envelope = test_envelope("ops", "https://pulse.example/", 1_765_000_000_000);
        let body: serde_json::Value = serde_json::from_slice(&envelope.body()).expect("json");
        assert_eq!(body["type"], "alert.test");
        assert_eq!(body["data"]["rule"], "test of webhook ops");
        assert_eq!(envelope.event_kind(), None);
        let slack = Preset::Slack.render(&envelope).body;
        assert!(slack.contains("[TEST] warning: test of webhook ops on Pulse"), "{slack}");
    }
}
