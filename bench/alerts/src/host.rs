//! What a played agent says about its host: the catalogue of a real host of this
//! kind (the 25 series `pulse-server` samples on these machines) and frames of
//! plausible values, with `cpu.total` set by the scenario.

use std::collections::BTreeMap;

use pulse_protocol::{Catalog, Epoch, Frame, Hello, SeriesInfo, SeriesKind, ServerMessage, Unit, PROTOCOL_VERSION};

use crate::error::Result;

/// Every series, with its unit, kind and a typical value.
pub const SERIES: [(&str, Unit, SeriesKind, f64); 25] = [
    ("cpu.total", Unit::Percent, SeriesKind::Gauge, 12.0),
    ("cpu.core:0", Unit::Percent, SeriesKind::Gauge, 11.0),
    ("cpu.core:1", Unit::Percent, SeriesKind::Gauge, 13.0),
    ("mem.used", Unit::Bytes, SeriesKind::Gauge, 2.1e9),
    ("mem.total", Unit::Bytes, SeriesKind::Gauge, 8.3e9),
    ("swap.used", Unit::Bytes, SeriesKind::Gauge, 0.0),
    ("swap.total", Unit::Bytes, SeriesKind::Gauge, 0.0),
    ("load.1", Unit::Load, SeriesKind::Gauge, 0.4),
    ("load.5", Unit::Load, SeriesKind::Gauge, 0.5),
    ("load.15", Unit::Load, SeriesKind::Gauge, 0.6),
    ("net.rx", Unit::BytesPerSecond, SeriesKind::Rate, 5_000.0),
    ("net.tx", Unit::BytesPerSecond, SeriesKind::Rate, 4_000.0),
    ("net.rx:eth0", Unit::BytesPerSecond, SeriesKind::Rate, 4_000.0),
    ("net.tx:eth0", Unit::BytesPerSecond, SeriesKind::Rate, 3_000.0),
    ("net.rx:ifb0", Unit::BytesPerSecond, SeriesKind::Rate, 0.0),
    ("net.tx:ifb0", Unit::BytesPerSecond, SeriesKind::Rate, 0.0),
    ("net.rx:ifb1", Unit::BytesPerSecond, SeriesKind::Rate, 0.0),
    ("net.tx:ifb1", Unit::BytesPerSecond, SeriesKind::Rate, 0.0),
    ("net.rx:lo", Unit::BytesPerSecond, SeriesKind::Rate, 1_000.0),
    ("net.tx:lo", Unit::BytesPerSecond, SeriesKind::Rate, 1_000.0),
    ("disk.read", Unit::BytesPerSecond, SeriesKind::Rate, 0.0),
    ("disk.write", Unit::BytesPerSecond, SeriesKind::Rate, 40_000.0),
    ("disk.usage:/", Unit::Percent, SeriesKind::Gauge, 78.1),
    ("proc.count", Unit::Count, SeriesKind::Gauge, 140.0),
    ("uptime", Unit::Seconds, SeriesKind::Gauge, 43_000.0),
];

/// The series `cpu.total`, which the scenarios' rules watch.
pub const CPU: &str = "cpu.total";

/// The `hello` of host `id` in `epoch`.
pub fn hello(id: &str, epoch: &Epoch, now_ms: i64) -> Result<String> {
    let series = SERIES
        .iter()
        .map(|(series, unit, kind, _)| SeriesInfo {
            id: (*series).to_owned(),
            host: id.to_owned(),
            group: series.split(['.', ':']).next().unwrap_or(series).to_owned(),
            label: (*series).to_owned(),
            unit: *unit,
            kind: *kind,
        })
        .collect();
    let hello = Hello {
        protocol: PROTOCOL_VERSION,
        epoch: epoch.clone(),
        seq: 0,
        catalog: Catalog { series },
        heartbeat_ms: 5_000,
        interval_ms: 1_000,
        history_ms: 15 * 60 * 1_000,
        server_time: now_ms,
        host: None,
        subscribe: 0,
    };
    Ok(serde_json::to_string(&ServerMessage::Hello(hello))?)
}

/// Frame `seq` of host `id` sampled at `ts`, every series at its typical value
/// (moved a little by `seq`) and `cpu.total` at `cpu`.
pub fn frame(id: &str, seq: u64, ts: i64, cpu: f64) -> Result<String> {
    let wobble = (seq % 7) as f64 / 100.0;
    let values: BTreeMap<String, f64> = SERIES
        .iter()
        .map(|(series, _, _, typical)| {
            let value = if *series == CPU { cpu } else { typical * (1.0 + wobble) };
            ((*series).to_owned(), value)
        })
        .collect();
    let frame = Frame { seq, ts, host: id.to_owned(), values, top: Vec::new(), columns: None };
    Ok(serde_json::to_string(&ServerMessage::Frame(frame))?)
}
