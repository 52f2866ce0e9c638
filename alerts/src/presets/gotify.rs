//! Gotify's `POST /message?token=…`: `title`, `message` (markdown), `priority`
//! (8 critical, 5 warning, 2 resolved; Gotify's clients treat 8 and above as
//! intrusive), and `extras` saying the message is markdown and where a click goes.

use serde_json::json;

use super::{json, text, Body};
use crate::severity::Severity;
use crate::webhook::Envelope;

/// The Gotify body.
pub(super) fn render(envelope: &Envelope) -> Body {
    let priority = match (text::resolved(envelope), envelope.data.severity) {
        (true, _) => 2,
        (false, Severity::Critical) => 8,
        (false, Severity::Warning) => 5,
    };
    let mut message = text::lines(envelope).join("  \n");
    message.push_str(&format!("  \n[{}]({})", envelope.data.host_name, envelope.data.url));
    json(&json!({
        "title": text::title(envelope),
        "message": message,
        "priority": priority,
        "extras": {
            "client::display": { "contentType": "text/markdown" },
            "client::notification": { "click": { "url": envelope.data.url } },
        },
    }))
}
