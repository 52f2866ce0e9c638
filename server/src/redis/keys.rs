//! The fleet's layout in Redis, and reading it back. Pure: names and decoding only.
//!
//! Every host has its own keys, tagged `{ID}` so that in Redis Cluster they share a
//! slot: `pulse:host:{ID}:frames` (the stream: one entry per frame, fields `epoch`,
//! `seq`, `ts` and `frame`, the frame's JSON as the hub serialised it),
//! `pulse:host:{ID}:claim` (which hub holds its agent, with a TTL),
//! `pulse:host:{ID}:catalog` (its series catalogue, JSON) and
//! `pulse:host:{ID}:sealed:{EDGE}` (an hour its claim's holder sealed, for the
//! other hubs to adopt, with a TTL). `pulse:hosts` is a hash
//! of every host's [`HostMeta`] (JSON), which hubs read to learn of hosts.
//! `pulse:lease:alerts` names the hub that evaluates alerts (with a TTL), and the
//! `pulse:alerts:*` keys hold what the fleet's alerting shares (see below), and
//! the `pulse:access:*` keys its users, sessions, tokens and share links.
//!
//! What the followers read to name only what moved: `pulse:hosts:rev` (a counter
//! raised whenever `pulse:hosts` or `pulse:hosts:removed` changes, so the host list
//! is read again only then), `pulse:hosts:removed` (a hash of hosts an admin removed,
//! id → ms, until an agent describes the host again) and `pulse:news` (a stream
//! whose entries name the hosts an appender's round wrote frames of, `news`).

use std::collections::BTreeMap;

use ::redis::Value;
use pulse_protocol::PROTOCOL_VERSION;
use serde::{Deserialize, Serialize};

/// The hash listing every host.
pub const HOSTS: &str = "pulse:hosts";

/// The lease of the hub that evaluates alerts and sends notifications (`lease`).
pub const ALERTS_LEASE: &str = "pulse:lease:alerts";

// Alerts shared by the fleet (`lease`, `alert_rules`, `deliveries`): the lease's
// fencing number, the rules and mutes made in the UI, and the shared outbox.

/// The alerts lease's fencing number: `INCR`ed each time a hub takes the lease, so
/// a write or send by a hub that lost it is refused (`lease`, `deliveries`).
pub const ALERTS_EPOCH: &str = "pulse:lease:alerts:epoch";

/// The rules made in the UI: name → `{"seq":N,"table":"…"}` (`alert_rules`).
pub const ALERT_RULES: &str = "pulse:alerts:rules";

/// Every rule's mute: name → muted until (ms since the Unix epoch).
pub const ALERT_MUTES: &str = "pulse:alerts:mutes";

/// The revision of the rules and mutes, `INCR`ed by every change: what hubs poll.
pub const ALERT_RULES_REV: &str = "pulse:alerts:rules:rev";

/// The fleet's outbox: `{id}|{webhook}` → a pending notification (JSON).
pub const ALERT_OUTBOX: &str = "pulse:alerts:outbox";

/// The notifications settled (delivered, failed, disabled): a sorted set of
/// `{id}|{webhook}` by when, kept an hour, so none is sent again by a new owner.
pub const ALERT_DONE: &str = "pulse:alerts:done";

/// A notification's field in [`ALERT_OUTBOX`] and member of [`ALERT_DONE`] (a
/// message id has no `|`).
pub fn delivery(id: &str, webhook: &str) -> String {
    format!("{id}|{webhook}")
}

// What followers read to name only what moved (`follow`, `news`, `forget`).

/// Raised (`INCR`) whenever `pulse:hosts` or [`HOSTS_REMOVED`] changes.
pub const HOSTS_REV: &str = "pulse:hosts:rev";

/// The hosts an admin removed (id → ms), until an agent describes one again.
pub const HOSTS_REMOVED: &str = "pulse:hosts:removed";

/// The stream naming the hosts each append round wrote frames of.
pub const NEWS: &str = "pulse:news";

// Users, sessions, tokens and share links shared by the fleet (`access`).

/// Every access record: `user:NAME`, `session:ID`, `token:ID`, `share:ID` → the
/// record as JSON (digests and argon2id hashes only; removals are tombstones).
pub const ACCESS_RECORDS: &str = "pulse:access:records";

/// The access records' revision, `INCR`ed by every write: what hubs poll.
pub const ACCESS_REV: &str = "pulse:access:rev";

/// A random tag set with every raise of [`ACCESS_REV`] (in the same script), so a
/// revision that comes back after a rollback or an empty restart with other
/// records behind it is not taken for the one a hub read.
pub const ACCESS_TAG: &str = "pulse:access:tag";

/// Host `id`'s stream of frames.
pub fn frames(id: &str) -> String {
    format!("pulse:host:{{{id}}}:frames")
}

/// Host `id`'s claim: the hub that holds its agent now.
pub fn claim(id: &str) -> String {
    format!("pulse:host:{{{id}}}:claim")
}

/// Host `id`'s series catalogue.
pub fn catalog(id: &str) -> String {
    format!("pulse:host:{{{id}}}:catalog")
}

/// Host `id`'s hour sealed up to `before` (ms) by the hub that holds its claim:
/// the encoded `SealedHour`, for the other hubs to adopt (`seals`).
pub fn sealed(id: &str, before: i64) -> String {
    format!("pulse:host:{{{id}}}:sealed:{before}")
}

/// The host id a stream key names, if it is one.
pub fn host_of(key: &str) -> Option<&str> {
    key.strip_prefix("pulse:host:{")?.strip_suffix("}:frames")
}

/// What `pulse:hosts` says of a host (hub to hub, in Redis only; browsers never see it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostMeta {
    /// Its name.
    pub name: String,
    /// Its tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// The epoch its agent numbers frames in now.
    pub epoch: String,
    /// How often its agent samples, ms.
    pub interval_ms: u64,
    /// A digest of its catalogue (`pulse:host:{ID}:catalog`), to fetch it only when new.
    pub catalog: String,
    /// The hub its agent last linked to.
    pub hub: String,
}

/// One stream entry, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The entry's id (`ms-n`), where the next read of the stream starts after.
    pub id: String,
    /// The frame's epoch.
    pub epoch: String,
    /// The frame's seq.
    pub seq: u64,
    /// The frame's JSON (`{"type":"frame",…}`), or `None` when the entry is not a
    /// readable frame (skipped, its id still moves the reader on).
    pub frame: Option<String>,
    /// The protocol version of the hub that appended it (`v`; `None` from a hub
    /// that did not say).
    pub wire: Option<u32>,
}

/// An entry's frame text, when it is exactly the message this hub would write for
/// it, so a follower keeps it rather than serialising the frame again: written by
/// a hub of this protocol version (which wrote it with this same code, or kept an
/// agent's text of this version that starts as its own do), one line, and
/// starting as the hub's frames do. Anything else (an older hub's entry, which
/// names no version) is serialised again.
pub fn as_written(wire: Option<u32>, text: &str) -> Option<&str> {
    const HEAD: &str = r#"{"type":"frame","#;
    let one_line = !text.as_bytes().contains(&b'\n') && !text.as_bytes().contains(&b'\r');
    (wire == Some(PROTOCOL_VERSION) && text.starts_with(HEAD) && one_line).then_some(text)
}

/// An `XREAD` answer as (stream key, entries) pairs; anything unreadable is left out.
pub fn read_reply(value: Value) -> Vec<(String, Vec<Entry>)> {
    // RESP2 (the client's default): an array of [key, entries] pairs.
    let Value::Array(streams) = value else { return Vec::new() };
    streams
        .into_iter()
        .filter_map(|stream| {
            let Value::Array(mut parts) = stream else { return None };
            if parts.len() != 2 {
                return None;
            }
            let entries = parts.pop()?;
            let key = text(parts.pop()?)?;
            let Value::Array(entries) = entries else { return None };
            Some((key, entries.into_iter().filter_map(entry).collect()))
        })
        .collect()
}

fn entry(value: Value) -> Option<Entry> {
    let Value::Array(mut parts) = value else { return None };
    if parts.len() != 2 {
        return None;
    }
    let fields = parts.pop()?;
    let id = text(parts.pop()?)?;
    // Each field's value is moved out of the reply, never copied (a frame's JSON is
    // 0.5–2 KiB, and a busy follower reads ten thousand a second).
    let (mut epoch, mut seq, mut frame, mut wire) = (None, None, None, None);
    if let Value::Array(fields) = fields {
        let mut fields = fields.into_iter();
        while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
            match name_of(&name) {
                b"epoch" => epoch = text(value),
                b"seq" => seq = text(value).and_then(|s| s.parse::<u64>().ok()),
                b"frame" => frame = text(value),
                b"v" => wire = text(value).and_then(|s| s.parse::<u32>().ok()),
                _ => {}
            }
        }
    }
    match (epoch, seq, frame) {
        (Some(epoch), Some(seq), Some(frame)) => Some(Entry { id, epoch, seq, frame: Some(frame), wire }),
        _ => Some(Entry { id, epoch: String::new(), seq: 0, frame: None, wire: None }),
    }
}

/// A field name's bytes (empty when it is not text).
fn name_of(value: &Value) -> &[u8] {
    match value {
        Value::BulkString(bytes) => bytes,
        Value::SimpleString(text) => text.as_bytes(),
        _ => &[],
    }
}

/// A reply's text, if it is one.
pub(super) fn text(value: Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes).ok(),
        Value::SimpleString(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A bulk string reply.
    pub(crate) fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    fn stream(key: &str, entries: Vec<Value>) -> Value {
        Value::Array(vec![bulk(key), Value::Array(entries)])
    }

    /// A stream entry reply.
    pub(crate) fn entry_of(id: &str, fields: &[&str]) -> Value {
        Value::Array(vec![bulk(id), Value::Array(fields.iter().map(|f| bulk(f)).collect())])
    }

    #[test]
    fn keys_share_the_hosts_slot_and_name_it_back() {
        assert_eq!(frames("db-1"), "pulse:host:{db-1}:frames");
        assert_eq!(claim("db-1"), "pulse:host:{db-1}:claim");
        assert_eq!(catalog("db-1"), "pulse:host:{db-1}:catalog");
        assert_eq!(sealed("db-1", 7_200_000), "pulse:host:{db-1}:sealed:7200000");
        assert_eq!(host_of(&frames("db-1")), Some("db-1"));
        assert_eq!(host_of("pulse:hosts"), None);
        assert_eq!(delivery("msg_1", "ops|x"), "msg_1|ops|x");
    }

    #[test]
    fn read_replies_keep_every_id_and_skip_what_is_not_a_frame() {
        let frame = r#"{"type":"frame","seq":7}"#;
        let reply = Value::Array(vec![stream(
            "pulse:host:{a}:frames",
            vec![
                entry_of("1-0", &["epoch", "e1", "seq", "7", "ts", "5", "frame", frame]),
                entry_of("2-0", &["epoch", "e1", "seq", "x", "frame", frame]),
                entry_of("3-0", &["epoch", "e1"]),
                entry_of("4-0", &["epoch", "e1", "seq", "8", "ts", "6", "frame", frame, "v", "1", "odd"]),
            ],
        )]);
        let read = read_reply(reply);
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].0, "pulse:host:{a}:frames");
        let entries = &read[0].1;
        let e1 =
            |id: &str, seq, wire| Entry { id: id.into(), epoch: "e1".into(), seq, frame: Some(frame.into()), wire };
        assert_eq!(entries[0], e1("1-0", 7, None), "an older hub's entry names no version");
        assert_eq!(entries[1].frame, None);
        assert_eq!(entries[2].id, "3-0");
        assert_eq!(entries[3], e1("4-0", 8, Some(1)), "a field without a value is left out");
        assert!(read_reply(Value::Nil).is_empty(), "a blocked read that timed out");
    }

    #[test]
    fn only_text_this_hub_would_write_is_kept() {
        let frame = r#"{"type":"frame","seq":1,"ts":2,"host":"h","values":{}}"#;
        let cases = [
            // what, the writer's version, text, kept
            ("written by a hub of this version", Some(PROTOCOL_VERSION), frame, true),
            ("an older hub's entry (no version)", None, frame, false),
            ("another version", Some(PROTOCOL_VERSION + 1), frame, false),
            ("spaced", Some(PROTOCOL_VERSION), r#"{ "type":"frame","seq":1}"#, false),
            ("type not first", Some(PROTOCOL_VERSION), r#"{"seq":1,"type":"frame"}"#, false),
            ("over two lines", Some(PROTOCOL_VERSION), "{\"type\":\"frame\",\n\"seq\":1}", false),
            ("a carriage return", Some(PROTOCOL_VERSION), "{\"type\":\"frame\",\r\"seq\":1}", false),
        ];
        for (what, wire, text, kept) in cases {
            assert_eq!(as_written(wire, text).is_some(), kept, "{what}");
        }
    }
}
