//! A store pre-filled as a hub would have written it: `--days` of 1 Hz samples
//! for `--hosts` synthetic hosts (`host-FIRST`… with `--first`, so a store can
//! hold a few hosts of 30 days among many of one) (daily waves, noise, and one 5-second CPU spike
//! to 97 % at noon UTC 10 days ago), in sealed chunks with their rollups.

use std::collections::{BTreeMap, HashMap};

use pulse_protocol::{Catalog, SeriesInfo, SeriesKind, Unit};
use pulse_store::{Block, Column, HostRecord, Store, Tiers};

use crate::{number, required};

const DAY_MS: i64 = 86_400_000;

/// The series every filled host has: id, group, label, unit.
const SERIES: [(&str, &str, &str, Unit); 12] = [
    ("cpu.total", "cpu", "total", Unit::Percent),
    ("cpu.core:0", "cpu_cores", "core 0", Unit::Percent),
    ("cpu.core:1", "cpu_cores", "core 1", Unit::Percent),
    ("mem.used", "memory", "used", Unit::Bytes),
    ("mem.total", "memory", "total", Unit::Bytes),
    ("load.1", "load", "1 min", Unit::Load),
    ("net.rx", "network", "receive", Unit::BytesPerSecond),
    ("net.tx", "network", "transmit", Unit::BytesPerSecond),
    ("disk.read", "disk_io", "read", Unit::BytesPerSecond),
    ("disk.write", "disk_io", "write", Unit::BytesPerSecond),
    ("proc.count", "processes", "processes", Unit::Count),
    ("uptime", "uptime", "uptime", Unit::Seconds),
];

/// When the spike starts: noon UTC, 10 days before `now` (inside the raw tier).
pub fn spike_ms(now: i64) -> i64 {
    now.div_euclid(DAY_MS) * DAY_MS - 10 * DAY_MS + DAY_MS / 2
}

/// Fills the store.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let dir = std::path::PathBuf::from(required(flags, "data")?);
    let hosts = number(flags, "hosts", 3)?;
    let first = number(flags, "first", 1)?;
    let days = number(flags, "days", 30)? as i64;
    let now = flags
        .get("now")
        .map_or_else(|| Ok(pulse_server::hub::now_ms()), |v| v.parse().map_err(|_| "--now takes ms".to_owned()))?;
    let mut store = Store::open(&dir, Tiers::default()).map_err(|e| e.to_string())?;
    let end = now.div_euclid(1_000) * 1_000 - 60_000;
    let start = end - days * DAY_MS;
    let spike = spike_ms(now);
    let started = std::time::Instant::now();
    for h in first..first + hosts {
        let id = format!("host-{h}");
        let catalog = catalog(&id);
        let mut seq = 0u64;
        let mut day_start = start;
        while day_start < end {
            let day_end = (day_start + DAY_MS).min(end);
            let mut segments = Vec::new();
            let mut block_start = day_start;
            while block_start < day_end {
                let block_end = (block_start + 600_000).min(day_end);
                let block = block_of(h, seq + 1, block_start, block_end, spike);
                seq = block.last_seq();
                segments.push((id.clone(), block));
                block_start = block_end;
            }
            let record = HostRecord {
                id: id.clone(),
                name: id.clone(),
                tags: format!("role={}", if h % 2 == 0 { "db" } else { "web" }),
                local: false,
                epoch: "filled".into(),
                newest_seq: seq,
                newest_ts: day_end - 1_000,
                catalog: catalog.clone(),
            };
            store.write(&[record], &segments).map_err(|e| e.to_string())?;
            store.seal(&id, day_end).map_err(|e| e.to_string())?;
            day_start = day_end;
        }
    }
    let used = store.used_bytes().map_err(|e| e.to_string())?;
    println!(
        "filled {} with {hosts} hosts x {days} days in {:.1} s ({:.1} MiB); spike at {spike}",
        dir.display(),
        started.elapsed().as_secs_f64(),
        used as f64 / (1u64 << 20) as f64
    );
    Ok(())
}

/// The catalogue of host `id`, as JSON.
fn catalog(id: &str) -> String {
    let series = SERIES
        .iter()
        .map(|&(sid, group, label, unit)| SeriesInfo {
            id: sid.into(),
            host: id.into(),
            group: group.into(),
            label: label.into(),
            unit,
            kind: if unit == Unit::BytesPerSecond { SeriesKind::Rate } else { SeriesKind::Gauge },
        })
        .collect();
    serde_json::to_string(&Catalog { series }).unwrap_or_default()
}

/// The samples of host `h` in `[from, to)`, one a second from seq `first_seq`.
pub fn block_of(h: u64, first_seq: u64, from: i64, to: i64, spike: i64) -> Block {
    let ts: Vec<i64> = (from..to).step_by(1_000).collect();
    let mut columns: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for &t in &ts {
        let wave = (t as f64 / DAY_MS as f64 * std::f64::consts::TAU + h as f64).sin();
        let noise = |salt: u64| (hash(h, t, salt) % 1_000) as f64 / 1_000.0;
        let spiking = (spike..spike + 5_000).contains(&t);
        let cpu = if spiking { 97.0 } else { 15.0 + 10.0 * wave + 6.0 * noise(1) };
        let values = [
            cpu,
            if spiking { 99.0 } else { cpu + 4.0 * noise(2) - 2.0 },
            if spiking { 95.0 } else { cpu + 4.0 * noise(3) - 2.0 },
            ((2.0e9 + 5.0e8 * wave + 1.0e7 * noise(4)) / 4_096.0).round() * 4_096.0,
            8.0e9,
            (1.0 + wave + noise(5) * 0.3).max(0.0),
            (20_000.0 + 15_000.0 * wave + 5_000.0 * noise(6)).round(),
            (8_000.0 + 6_000.0 * wave + 2_000.0 * noise(7)).round(),
            if noise(8) < 0.9 { 0.0 } else { (noise(9) * 4.0e6).round() },
            (50_000.0 * noise(10)).round(),
            (180.0 + 20.0 * wave).round(),
            ((t - (from - 10 * DAY_MS)) / 1_000) as f64,
        ];
        for (&(id, ..), value) in SERIES.iter().zip(values) {
            columns.entry(id).or_default().push(value);
        }
    }
    let columns = SERIES
        .iter()
        .map(|&(id, _, _, unit)| Column {
            id: id.into(),
            decimals: pulse_server::persist::pending::decimals(unit),
            values: columns.remove(id).unwrap_or_default(),
        })
        .collect();
    Block { epoch: "filled".into(), first_seq, ts, columns }
}

/// A cheap deterministic hash of host, time and a salt.
fn hash(h: u64, t: i64, salt: u64) -> u64 {
    let mut x = h.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (t as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F) ^ salt;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x
}
