//! Random values of every type the web app reads, and their JSON as serde writes it.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use pulse_protocol::*;

/// The types `from_json` reads at the top of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Message,
    Poll,
    History,
    Catalog,
    Error,
}

/// Every [`Kind`], in the order the checks run.
pub const KINDS: [Kind; 5] = [Kind::Message, Kind::Poll, Kind::History, Kind::Catalog, Kind::Error];

/// A value of some [`Kind`], serialised by `serde_json`.
pub fn body() -> impl Strategy<Value = (Kind, String)> {
    prop_oneof![
        4 => message().prop_map(|m| (Kind::Message, json(&m))),
        2 => poll().prop_map(|p| (Kind::Poll, json(&p))),
        1 => history().prop_map(|h| (Kind::History, json(&h))),
        1 => catalog().prop_map(|c| (Kind::Catalog, json(&c))),
        1 => api_error().prop_map(|e| (Kind::Error, json(&e))),
    ]
}

/// `value` as the server writes it.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("every wire value serialises")
}

/// Names: mostly short and plain, sometimes anything at all (escapes, emoji, controls).
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-z0-9._-]{0,12}", 1 => any::<String>()]
}

/// A finite `f64` (serde writes infinities and NaN as `null`, which no reader takes as a number).
pub fn number() -> BoxedStrategy<f64> {
    use proptest::num::f64 as float;
    prop_oneof![
        2 => (0u64..100_000_000).prop_map(|n| n as f64 / 100.0),
        2 => float::POSITIVE | float::NEGATIVE | float::NORMAL | float::SUBNORMAL | float::ZERO,
        1 => Just(f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        1 => Just(-0.0),
    ]
    .boxed()
}

fn epoch() -> impl Strategy<Value = Epoch> {
    text().prop_map(Epoch)
}

fn series_info() -> impl Strategy<Value = SeriesInfo> {
    let unit = prop::sample::select(Unit::ALL);
    let kind = prop::sample::select(SeriesKind::ALL);
    (text(), text(), text(), text(), unit, kind).prop_map(|(id, host, group, label, unit, kind)| SeriesInfo {
        id,
        host,
        group,
        label,
        unit,
        kind,
    })
}

pub fn catalog() -> impl Strategy<Value = Catalog> {
    vec(series_info(), 0..4).prop_map(|series| Catalog { series })
}

fn frame() -> impl Strategy<Value = Frame> {
    let process = (any::<u32>(), text(), number(), any::<u64>()).prop_map(|(pid, name, cpu, mem)| ProcessInfo {
        pid,
        name,
        cpu,
        mem,
    });
    (any::<u64>(), any::<i64>(), text(), btree_map(text(), number(), 0..6), vec(process, 0..3))
        .prop_map(|(seq, ts, host, values, top)| Frame { seq, ts, host, values, top, columns: None })
}

fn hello() -> impl Strategy<Value = Hello> {
    (any::<u32>(), epoch(), any::<u64>(), catalog(), any::<[u64; 3]>(), any::<i64>()).prop_map(
        |(protocol, epoch, seq, catalog, [heartbeat_ms, interval_ms, history_ms], server_time)| Hello {
            protocol,
            epoch,
            seq,
            catalog,
            heartbeat_ms,
            interval_ms,
            history_ms,
            server_time,
            host: None,
            subscribe: 0,
        },
    )
}

pub fn message() -> impl Strategy<Value = ServerMessage> {
    let reason = prop::sample::select(vec![GapReason::TooOld, GapReason::EpochChanged, GapReason::Lagged]);
    prop_oneof![
        hello().prop_map(ServerMessage::Hello),
        frame().prop_map(ServerMessage::Frame),
        (any::<u64>(), any::<i64>()).prop_map(|(seq, ts)| ServerMessage::Heartbeat(Heartbeat { seq, ts })),
        (reason, any::<u64>(), any::<Option<u64>>()).prop_map(|(reason, next_seq, missed)| ServerMessage::Gap(Gap {
            reason,
            next_seq,
            missed
        })),
        (text(), any::<u64>()).prop_map(|(reason, retry_ms)| ServerMessage::Bye(Bye { reason, retry_ms })),
    ]
}

fn poll() -> impl Strategy<Value = PollResponse> {
    (epoch(), any::<u64>(), vec(message(), 0..4)).prop_map(|(epoch, next, messages)| PollResponse {
        epoch,
        next,
        messages,
    })
}

fn history() -> impl Strategy<Value = HistoryResponse> {
    let column =
        (text(), vec(proptest::option::of(number()), 0..5)).prop_map(|(host, values)| HistorySeries { host, values });
    (epoch(), any::<u64>(), any::<u64>(), vec(any::<i64>(), 0..5), btree_map(text(), column, 0..3)).prop_map(
        |(epoch, first_seq, last_seq, ts, series): (_, _, _, _, BTreeMap<_, _>)| HistoryResponse {
            tier: None,
            step_ms: None,
            epoch,
            first_seq,
            last_seq,
            ts,
            series,
        },
    )
}

fn api_error() -> impl Strategy<Value = ApiError> {
    (text(), text()).prop_map(|(error, detail)| ApiError { error, detail })
}
