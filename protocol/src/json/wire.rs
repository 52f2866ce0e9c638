//! [`Decode`] for the wire types, field for field as serde's derive reads them.

use super::{Decode, JsonError, JsonErrorKind, Reader};
use crate::{
    ApiError, Bye, Catalog, Epoch, Frame, Gap, GapReason, Heartbeat, Hello, HistoryResponse, HistorySeries, HostInfo,
    HostStatus, HostsResponse, PollResponse, ProcessInfo, SeriesInfo, SeriesKind, Unit,
};

/// Implements [`Decode`] for a struct read from an object with the fields' own
/// names: `required` fields must be there, `optional` ones default when absent;
/// other keys are skipped.
macro_rules! decode_struct {
    ($name:ident { required: [$($field:ident),*] $(, optional: [$($opt:ident),*])? }) => {
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
                    $($($opt: $opt.unwrap_or_default(),)*)?
                })
            }
        }
    };
}

/// Implements [`Decode`] for a fieldless enum read from its snake_case name.
macro_rules! decode_names {
    ($name:ident { $($text:literal => $variant:ident),* $(,)? }) => {
        impl Decode for $name {
            fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
                let text = reader.string()?;
                Ok(match &*text {
                    $($text => $name::$variant,)*
                    _ => {
                        let expected = concat!("one of" $(, " `", $text, "`")*);
                        let found = text.into_owned();
                        return Err(reader.error(JsonErrorKind::UnknownVariant { found, expected }));
                    }
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

decode_names!(Unit {
    "percent" => Percent,
    "bytes" => Bytes,
    "bytes_per_second" => BytesPerSecond,
    "load" => Load,
    "count" => Count,
    "seconds" => Seconds,
});

decode_names!(SeriesKind { "gauge" => Gauge, "rate" => Rate });

decode_names!(GapReason { "too_old" => TooOld, "epoch_changed" => EpochChanged, "lagged" => Lagged });

decode_struct!(Catalog { required: [series] });
decode_struct!(SeriesInfo { required: [id, host, group, label, unit, kind] });
decode_struct!(Frame { required: [seq, ts, host, values], optional: [top] });
decode_struct!(ProcessInfo { required: [pid, name, cpu, mem] });
decode_struct!(Hello { required: [protocol, epoch, seq, catalog, heartbeat_ms, interval_ms, history_ms, server_time] });
decode_struct!(Heartbeat { required: [seq, ts] });
decode_struct!(Gap { required: [reason, next_seq], optional: [missed] });
decode_struct!(Bye { required: [reason, retry_ms] });
decode_struct!(PollResponse { required: [epoch, next, messages] });
decode_struct!(HistoryResponse { required: [epoch, first_seq, last_seq, ts, series] });
decode_struct!(HistorySeries { required: [host, values] });
decode_struct!(ApiError { required: [error, detail] });
decode_struct!(HostsResponse { required: [hosts] });
decode_struct!(HostInfo { required: [id, name, status, last_seen, tags], optional: [local, interval_ms] });
decode_names!(HostStatus { "up" => Up, "stale" => Stale, "down" => Down });
