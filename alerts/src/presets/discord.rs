//! Discord webhooks: one embed with a title (≤ 256 characters) linking to the host,
//! a colour per severity (green once resolved), the details as fields and the
//! event's ISO 8601 timestamp. `content` carries the title for notifications.

use serde_json::json;

use super::{json, text, Body};
use crate::severity::Severity;
use crate::webhook::Envelope;

const RED: u32 = 0xE0_3E_3E;
const AMBER: u32 = 0xF2_A9_00;
const GREEN: u32 = 0x2E_B6_7D;

/// The Discord body.
pub(super) fn render(envelope: &Envelope) -> Body {
    let title: String = text::title(envelope).chars().take(256).collect();
    let color = match (text::resolved(envelope), envelope.data.severity) {
        (true, _) => GREEN,
        (false, Severity::Critical) => RED,
        (false, Severity::Warning) => AMBER,
    };
    let fields: Vec<_> = [("host", envelope.data.host_name.clone()), ("severity", envelope.data.severity.to_string())]
        .into_iter()
        .map(|(name, value)| json!({ "name": name, "value": value, "inline": true }))
        .collect();
    json(&json!({
        "content": title,
        "embeds": [{
            "title": title,
            "url": envelope.data.url,
            "description": text::lines(envelope).join("\n"),
            "color": color,
            "fields": fields,
            "timestamp": envelope.timestamp,
        }],
        "allowed_mentions": { "parse": [] },
    }))
}
