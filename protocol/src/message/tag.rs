//! A message's `type` on the wire, shared by both readers of [`super::ServerMessage`]
//! (serde's, in `de.rs`, and the browser's, in `json/message.rs`).

use crate::names::wire_names;

wire_names! {
    /// A message's `type`.
    pub(crate) enum Tag {
        /// [`crate::Hello`].
        Hello = "hello",
        /// [`crate::Frame`].
        Frame = "frame",
        /// [`crate::Heartbeat`].
        Heartbeat = "heartbeat",
        /// [`crate::Gap`].
        Gap = "gap",
        /// [`crate::Bye`].
        Bye = "bye",
        /// [`crate::alerts::LiveAlerts`].
        Alerts = "alerts",
        /// [`crate::HubStatus`].
        Hub = "hub",
        /// [`crate::ApiError`], answering a `subscribe`.
        Error = "error",
    }
}

impl Tag {
    /// Whether `key` is one of this message type's fields.
    pub(crate) fn has(self, key: &str) -> bool {
        let fields: &[&str] = match self {
            Tag::Hello => &[
                "protocol",
                "epoch",
                "seq",
                "catalog",
                "heartbeat_ms",
                "interval_ms",
                "history_ms",
                "server_time",
                "host",
                "subscribe",
            ],
            Tag::Frame => &["seq", "ts", "host", "values", "top", "columns"],
            Tag::Heartbeat => &["seq", "ts"],
            Tag::Gap => &["reason", "next_seq", "missed"],
            Tag::Bye => &["reason", "retry_ms"],
            Tag::Alerts => &["rev", "alerts"],
            Tag::Hub => &["rev", "redis_down_since"],
            Tag::Error => &["error", "detail"],
        };
        fields.contains(&key)
    }
}
