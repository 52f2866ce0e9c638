//! ntfy: a POST to the topic URL whose body is the message text; `Title`, `Priority`
//! (`urgent` for critical, `high` for warning, `default` once resolved), `Tags`
//! (emoji short codes) and `Click` (the host's page) as headers. A header that is
//! not ASCII is sent RFC 2047-encoded (`=?UTF-8?B?…?=`), which ntfy decodes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{text, Body};
use crate::severity::Severity;
use crate::webhook::Envelope;

/// The ntfy body and headers.
pub(super) fn render(envelope: &Envelope) -> Body {
    let (priority, tags) = match (text::resolved(envelope), envelope.data.severity) {
        (true, _) => ("default", "white_check_mark"),
        (false, Severity::Critical) => ("urgent", "rotating_light"),
        (false, Severity::Warning) => ("high", "warning"),
    };
    Body {
        content_type: "text/plain; charset=utf-8",
        headers: vec![
            ("Title", header(&text::title(envelope))),
            ("Priority", priority.to_owned()),
            ("Tags", tags.to_owned()),
            ("Click", header(&envelope.data.url)),
        ],
        body: text::lines(envelope).join("\n"),
    }
}

/// `text` as a header value: as it is when printable ASCII, else RFC 2047.
fn header(text: &str) -> String {
    if text.bytes().all(|byte| (0x20..0x7f).contains(&byte)) {
        text.to_owned()
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(text))
    }
}
