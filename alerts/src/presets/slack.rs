//! Slack incoming webhooks: `text` (the notification's fallback and the whole message
//! for clients without blocks) and `blocks` (a header and a `mrkdwn` section with a
//! link to the host).

use serde_json::json;

use super::{json, text, Body};
use crate::webhook::Envelope;

/// The Slack body.
pub(super) fn render(envelope: &Envelope) -> Body {
    let title = text::title(envelope);
    let details = text::lines(envelope).join("\n");
    let link = format!("<{}|{}>", envelope.data.url, escape(&envelope.data.host_name));
    json(&json!({
        "text": format!("{title}\n{details}"),
        "blocks": [
            { "type": "header", "text": { "type": "plain_text", "text": truncate(&title, 150) } },
            { "type": "section", "text": { "type": "mrkdwn", "text": format!("{}\n{link}", escape(&details)) } },
        ],
    }))
}

/// Slack's three escapes in `mrkdwn`.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A header's text is at most 150 characters.
fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}
