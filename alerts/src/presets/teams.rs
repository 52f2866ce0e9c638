//! Microsoft Teams workflow webhooks ("Post to a channel when a webhook request is
//! received"): a `message` whose one attachment is an Adaptive Card (version 1.4)
//! with the title, the details as a fact set and a button to the host's page.

use serde_json::json;

use super::{json, text, Body};
use crate::severity::Severity;
use crate::webhook::Envelope;

/// The Teams body.
pub(super) fn render(envelope: &Envelope) -> Body {
    let data = &envelope.data;
    let color = match (text::resolved(envelope), data.severity) {
        (true, _) => "Good",
        (false, Severity::Critical) => "Attention",
        (false, Severity::Warning) => "Warning",
    };
    let mut facts = vec![
        json!({ "title": "Host", "value": data.host_name }),
        json!({ "title": "Severity", "value": data.severity }),
    ];
    if let (Some(value), Some(threshold)) = (data.value, data.threshold) {
        facts.push(json!({ "title": "Value", "value": text::number(value) }));
        facts.push(json!({ "title": "Threshold", "value": text::number(threshold) }));
    }
    facts.push(json!({ "title": "Since", "value": data.since }));
    json(&json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [
                    { "type": "TextBlock", "text": text::title(envelope), "weight": "Bolder", "size": "Medium", "color": color, "wrap": true },
                    { "type": "FactSet", "facts": facts },
                ],
                "actions": [{ "type": "Action.OpenUrl", "title": "Open host", "url": data.url }],
            },
        }],
    }))
}
