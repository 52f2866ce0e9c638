//! Reads a [`ServerMessage`] in one pass, without buffering it.
//!
//! Every field of every message type has a slot; a field is read as soon as it is
//! met, or skipped once the `type` seen earlier says it belongs to another message
//! type. So a message whose `type` comes first (as the server writes them) reads
//! exactly as the derived per-type structs would: unknown fields are ignored,
//! duplicates and missing fields are errors naming the field. When `type` comes
//! later, the fields before it are read with the type their name has in any message.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::reuse::{fill, Spare, StringInto, TopInto, ValuesInto};
use super::tag::Tag;
use super::text::Text;
use super::{Bye, Gap, GapReason, Heartbeat, Hello, ServerMessage};
use crate::alerts::{LiveAlert, LiveAlerts};
use crate::fleet::Columns;
use crate::hub_status::HubStatus;
use crate::names::name_to_value;
use crate::{Catalog, Epoch, Frame, ProcessInfo};

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MessageVisitor { spare: Spare::default() })
    }
}

/// Reads a [`ServerMessage`] as its `Deserialize` does, into the buffers of a
/// frame read before that is no longer needed (see `message/reuse.rs`): a frame
/// that names the same series and processes as that one allocates nothing for
/// them. `None`: no frame to reuse.
pub struct Reusing(pub Option<Frame>);

impl<'de> DeserializeSeed<'de> for Reusing {
    type Value = ServerMessage;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ServerMessage, D::Error> {
        deserializer.deserialize_map(MessageVisitor { spare: Spare::from(self.0) })
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
    /// Read into the spare frame's map, or built at once from its pairs (a hub
    /// reads ten thousand frames a second).
    values: Option<BTreeMap<String, f64>>,
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

struct MessageVisitor {
    /// The buffers a frame's host, values and processes are read into.
    spare: Spare,
}

impl<'de> Visitor<'de> for MessageVisitor {
    type Value = ServerMessage;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a server message")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
        let Spare { host, values, top } = self.spare;
        let (mut host, mut values, mut top) = (Some(host), Some(values), Some(top));
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
                "host" => {
                    let mut text = host.take().ok_or_else(|| de::Error::duplicate_field("host"))?;
                    m.next_value_seed(StringInto(&mut text))?;
                    f.host = Some(text);
                }
                "values" => {
                    let spare = values.take().ok_or_else(|| de::Error::duplicate_field("values"))?;
                    f.values = Some(m.next_value_seed(ValuesInto(spare))?);
                }
                "top" => {
                    let spare = top.take().ok_or_else(|| de::Error::duplicate_field("top"))?;
                    f.top = Some(m.next_value_seed(TopInto(spare))?);
                }
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
            values: need(f.values, "values")?,
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
