//! [`Decode`] for the wire types, field for field as serde's derive reads them.
//! Fieldless enums (`Unit`, `GapReason`…) read through their `WireName` list
//! (`decode.rs`), the one serde uses.

use super::{Decode, JsonError, JsonErrorKind, Reader};
use crate::fleet::Columns;
use crate::{
    ApiError, Bye, Catalog, Epoch, Frame, Gap, Heartbeat, Hello, HistoryResponse, HistorySeries, HostInfo,
    HostsResponse, HubStatus, PollResponse, ProcessInfo, SeriesInfo,
};

/// Implements [`Decode`] for a struct read from an object with the fields' own
/// names: `required` fields must be there, `optional` ones take their default when
/// absent (`Default`, or the value after `=`, as serde's `#[serde(default = …)]`);
/// other keys are skipped.
macro_rules! decode_struct {
    (@default) => { Default::default() };
    (@default $value:expr) => { $value };
    ($name:ident { required: [$($field:ident),*] $(, optional: [$($opt:ident $(= $default:expr)?),*])? }) => {
        impl Decode for $name {
            fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
                $(let mut $field = None;)*
                $($(let mut $opt = None;)*)?
                reader.begin_object()?;
                while let Some(key) = reader.next_key()? {
                    match &*key {
                        $(stringify!($field) => reader.field(&mut $field, stringify!($field))?,)*
                        $($(stringify!($opt) => reader.field(&mut $opt, stringify!($opt))?,)*)?
                        _ => reader.skip()?,
                    }
                }
                Ok($name {
                    $($field: reader.require($field, stringify!($field))?,)*
                    $($($opt: $opt.unwrap_or_else(|| decode_struct!(@default $($default)?)),)*)?
                })
            }
        }
    };
}

impl Decode for Epoch {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        String::decode(reader).map(Epoch)
    }
}

decode_struct!(Catalog { required: [series] });
decode_struct!(SeriesInfo { required: [id, host, group, label, unit, kind] });
/// A frame reads its `values` in bulk (`values.rs`); the rest as the derive does.
impl Decode for Frame {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let (mut seq, mut ts, mut host, mut values, mut top, mut columns) = (None, None, None, None, None, None);
        reader.begin_object()?;
        while let Some(key) = reader.next_key()? {
            match &*key {
                "seq" => reader.field(&mut seq, "seq")?,
                "ts" => reader.field(&mut ts, "ts")?,
                "host" => reader.field(&mut host, "host")?,
                "values" if values.is_some() => return Err(reader.error(JsonErrorKind::DuplicateField("values"))),
                "values" => values = Some(values::decode(reader)?),
                "top" => reader.field(&mut top, "top")?,
                "columns" => reader.field(&mut columns, "columns")?,
                _ => reader.skip()?,
            }
        }
        Ok(Frame {
            seq: reader.require(seq, "seq")?,
            ts: reader.require(ts, "ts")?,
            host: reader.require(host, "host")?,
            values: reader.require(values, "values")?,
            top: top.unwrap_or_default(),
            columns: columns.flatten(),
        })
    }
}

decode_struct!(Columns { required: [rev, metrics, hosts, values] });
decode_struct!(ProcessInfo { required: [pid, name, cpu, mem] });
decode_struct!(Hello {
    required: [epoch, seq, catalog, heartbeat_ms, interval_ms, history_ms, server_time],
    optional: [protocol = crate::UNSTATED_PROTOCOL, host, subscribe]
});
decode_struct!(Heartbeat { required: [seq, ts] });
decode_struct!(Gap { required: [reason, next_seq], optional: [missed] });
decode_struct!(Bye { required: [reason, retry_ms] });
decode_struct!(HubStatus { required: [rev], optional: [redis_down_since] });
decode_struct!(PollResponse { required: [epoch, next, messages] });
decode_struct!(HistoryResponse { required: [epoch, first_seq, last_seq, ts, series], optional: [tier, step_ms] });
decode_struct!(HistorySeries { required: [host, values] });
decode_struct!(ApiError { required: [error, detail] });
decode_struct!(HostsResponse { required: [hosts] });
decode_struct!(HostInfo { required: [id, name, status, last_seen, tags], optional: [local, interval_ms] });

mod access;
mod alert_rules;
mod alerts;
#[cfg(test)]
mod both;
#[cfg(test)]
mod columns;
mod values;
