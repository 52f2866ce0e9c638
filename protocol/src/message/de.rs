//! Reads a [`ServerMessage`] in one pass, without buffering it.
//!
//! Every field of every message type has a slot; a field is read as soon as it is
//! met, or skipped once the `type` seen earlier says it belongs to another message
//! type. So a message whose `type` comes first (as the server writes them) reads
//! exactly as the derived per-type structs would: unknown fields are ignored,
//! duplicates and missing fields are errors naming the field. When `type` comes
//! later, the fields before it are read with the type their name has in any message.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::tag::Tag;
use super::{Bye, Gap, GapReason, Heartbeat, Hello, ServerMessage};
use crate::alerts::{LiveAlert, LiveAlerts};
use crate::fleet::Columns;
use crate::frame::values::ValuesMap;
use crate::hub_status::HubStatus;
use crate::names::name_to_value;
use crate::{Catalog, Epoch, Frame, ProcessInfo};

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MessageVisitor)
    }
}

/// One slot per field name of any message type.
#[derive(Default)]
struct Fields {
    protocol: Option<u32>,
    epoch: Option<Epoch>,
    seq: Option<u64>,
    catalog: Option<Catalog>,
    heartbeat_ms: Option<u64>,
    interval_ms: Option<u64>,
    history_ms: Option<u64>,
    server_time: Option<i64>,
    ts: Option<i64>,
    host: Option<String>,
    /// Built at once from its pairs (a hub reads ten thousand frames a second).
    values: Option<ValuesMap>,
    top: Option<Vec<ProcessInfo>>,
    columns: Option<Option<Columns>>,
    /// A [`GapReason`] in a gap, free text in a bye.
    reason: Option<String>,
    next_seq: Option<u64>,
    missed: Option<Option<u64>>,
    retry_ms: Option<u64>,
    rev: Option<u64>,
    alerts: Option<Vec<LiveAlert>>,
    redis_down_since: Option<Option<i64>>,
    subscribe: Option<u32>,
    error: Option<String>,
    detail: Option<String>,
}

struct MessageVisitor;

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = ServerMessage;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a server message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
        let mut tag: Option<Tag> = None;
        let mut f = Fields::default();
        // Keys and the tag are borrowed from the text when they hold no escape:
        // no allocation for a name that is only compared.
        while let Some(Text(key)) = map.next_key::<Text>()? {
            if key == "type" {
                if tag.is_some() {
                    return Err(de::Error::duplicate_field("type"));
                }
                tag = Some(name_to_value(&map.next_value::<Text>()?.0)?);
                continue;
            }
            if tag.is_some_and(|tag| !tag.has(&key)) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let m = &mut map;
            match key.as_ref() {
                "protocol" => fill(m, &mut f.protocol, "protocol")?,
                "epoch" => fill(m, &mut f.epoch, "epoch")?,
                "seq" => fill(m, &mut f.seq, "seq")?,
                "catalog" => fill(m, &mut f.catalog, "catalog")?,
                "heartbeat_ms" => fill(m, &mut f.heartbeat_ms, "heartbeat_ms")?,
                "interval_ms" => fill(m, &mut f.interval_ms, "interval_ms")?,
                "history_ms" => fill(m, &mut f.history_ms, "history_ms")?,
                "server_time" => fill(m, &mut f.server_time, "server_time")?,
                "ts" => fill(m, &mut f.ts, "ts")?,
                "host" => fill(m, &mut f.host, "host")?,
                "values" => fill(m, &mut f.values, "values")?,
                "top" => fill(m, &mut f.top, "top")?,
                "columns" => fill(m, &mut f.columns, "columns")?,
                "reason" => fill(m, &mut f.reason, "reason")?,
                "next_seq" => fill(m, &mut f.next_seq, "next_seq")?,
                "missed" => fill(m, &mut f.missed, "missed")?,
                "retry_ms" => fill(m, &mut f.retry_ms, "retry_ms")?,
                "rev" => fill(m, &mut f.rev, "rev")?,
                "alerts" => fill(m, &mut f.alerts, "alerts")?,
                "redis_down_since" => fill(m, &mut f.redis_down_since, "redis_down_since")?,
                "subscribe" => fill(m, &mut f.subscribe, "subscribe")?,
                "error" => fill(m, &mut f.error, "error")?,
                "detail" => fill(m, &mut f.detail, "detail")?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let tag = tag.ok_or_else(|| de::Error::missing_field("type"))?;
        build(tag, f)
    }
}

/// A string as the text holds it, copied only when it has an escape.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(text)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(text)))
    }
}

/// Reads the next value into an empty slot.
fn fill<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// A required field's value.
fn need<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// The message of type `tag` from its fields, in the order the structs declare them.
fn build<E: de::Error>(tag: Tag, f: Fields) -> Result<ServerMessage, E> {
    Ok(match tag {
        Tag::Hello => ServerMessage::Hello(Hello {
            protocol: f.protocol.unwrap_or(crate::UNSTATED_PROTOCOL),
            epoch: need(f.epoch, "epoch")?,
            seq: need(f.seq, "seq")?,
            catalog: need(f.catalog, "catalog")?,
            heartbeat_ms: need(f.heartbeat_ms, "heartbeat_ms")?,
            interval_ms: need(f.interval_ms, "interval_ms")?,
            history_ms: need(f.history_ms, "history_ms")?,
            server_time: need(f.server_time, "server_time")?,
            host: f.host,
            subscribe: f.subscribe.unwrap_or(0),
        }),
        Tag::Frame => ServerMessage::Frame(Frame {
            seq: need(f.seq, "seq")?,
            ts: need(f.ts, "ts")?,
            host: need(f.host, "host")?,
            values: need(f.values, "values")?.0,
            top: f.top.unwrap_or_default(),
            columns: f.columns.flatten(),
        }),
        Tag::Heartbeat => ServerMessage::Heartbeat(Heartbeat { seq: need(f.seq, "seq")?, ts: need(f.ts, "ts")? }),
        Tag::Gap => {
            let reason: GapReason = name_to_value(&need::<String, E>(f.reason, "reason")?)?;
            ServerMessage::Gap(Gap { reason, next_seq: need(f.next_seq, "next_seq")?, missed: f.missed.flatten() })
        }
        Tag::Bye => {
            ServerMessage::Bye(Bye { reason: need(f.reason, "reason")?, retry_ms: need(f.retry_ms, "retry_ms")? })
        }
        Tag::Alerts => {
            ServerMessage::Alerts(LiveAlerts { rev: need(f.rev, "rev")?, alerts: need(f.alerts, "alerts")? })
        }
        Tag::Hub => {
            ServerMessage::Hub(HubStatus { rev: need(f.rev, "rev")?, redis_down_since: f.redis_down_since.flatten() })
        }
        Tag::Error => {
            ServerMessage::Error(crate::ApiError { error: need(f.error, "error")?, detail: need(f.detail, "detail")? })
        }
    })
}
