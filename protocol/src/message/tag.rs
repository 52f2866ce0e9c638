//! A message's `type` on the wire, shared by both readers of [`super::ServerMessage`]
//! (serde's, in `de.rs`, and the browser's, in `json/message.rs`).

/// The `type` of each message, as on the wire.
pub(crate) const TAGS: &[&str] = &["hello", "frame", "heartbeat", "gap", "bye"];

/// A message's `type`.
#[derive(Clone, Copy)]
pub(crate) enum Tag {
    Hello,
    Frame,
    Heartbeat,
    Gap,
    Bye,
}

impl Tag {
    /// The tag named `text`, if it is one of [`TAGS`].
    pub(crate) fn from_name(text: &str) -> Option<Self> {
        Some(match text {
            "hello" => Tag::Hello,
            "frame" => Tag::Frame,
            "heartbeat" => Tag::Heartbeat,
            "gap" => Tag::Gap,
            "bye" => Tag::Bye,
            _ => return None,
        })
    }

    /// Whether `key` is one of this message type's fields.
    pub(crate) fn has(self, key: &str) -> bool {
        let fields: &[&str] = match self {
            Tag::Hello => {
                &["protocol", "epoch", "seq", "catalog", "heartbeat_ms", "interval_ms", "history_ms", "server_time"]
            }
            Tag::Frame => &["seq", "ts", "host", "values", "top"],
            Tag::Heartbeat => &["seq", "ts"],
            Tag::Gap => &["reason", "next_seq", "missed"],
            Tag::Bye => &["reason", "retry_ms"],
        };
        fields.contains(&key)
    }
}
