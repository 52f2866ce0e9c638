//! The fleet summary stream (`host=@fleet`): once a second, a few numbers per host
//! ([`pulse_protocol::fleet`]) published by a hub of its own, so the overview gets
//! one small frame a second over any transport instead of every host's frames.
//!
//! [`summarize`] decides what a host contributes (pure, table-tested); [`spawn`]
//! is the edge that reads the fleet and publishes.

pub mod columns;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use pulse_protocol::fleet::{series_id, status_code, Metric, FLEET_HOST};
use pulse_protocol::{Catalog, HostInfo, HostStatus, SeriesInfo, SeriesKind};

use super::Fleet;
use crate::history::SharedFrame;
use crate::hub::{now_ms, Hub, Timing};
use crate::sampler::Sample;

/// How often the summary is published.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// How much of the summary stream the hub keeps for resuming: short, since each
/// frame holds every host (a page away longer gets an explicit gap and starts over).
pub const HISTORY: Duration = Duration::from_secs(60);
/// The most summary frames a resuming client is sent (the newest, after a gap for
/// the older ones): each is the whole fleet's state, about 2 MB at 10,000 hosts, so
/// a fleet page back after a minute gets 10 MB, not the window's 120 MB, and one
/// back after a few seconds still gets every frame it lacks.
pub const RESUME_FRAMES: usize = 5;

/// The hub that carries the summary stream. Only its newest frame is kept whole,
/// older ones as their JSON ([`Hub::lean`]): parsed, each frame's values took
/// about twice its JSON, a third of the hub's memory per host at 3,000 hosts.
pub fn hub(heartbeat: Duration) -> Hub {
    let hub = Hub::lean(FLEET_HOST.to_owned(), Timing { interval: INTERVAL, heartbeat, history: HISTORY })
        .resuming_at_most(RESUME_FRAMES);
    // Known from the start: no summary is made while nobody watches, and a first
    // client's `hello` (or `/api/v1/series?host=@fleet`) names the metrics anyway.
    hub.set_catalog(catalog());
    hub
}

/// One host as the summary sees it: its listing and its newest sample's values.
#[derive(Clone, Copy)]
pub struct Reading<'a> {
    /// As `/api/v1/hosts` lists it.
    pub info: &'a HostInfo,
    /// Its newest frame's values, if it has one.
    pub values: Option<&'a BTreeMap<String, f64>>,
}

/// The summary values of `hosts`: every metric of an `up` host that its newest
/// sample has, rounded to what a table shows; status and last-seen for others (an
/// up host was seen at the frame's own time: its `seen` would only cost bytes).
pub fn summarize<'a>(hosts: impl IntoIterator<Item = Reading<'a>>) -> BTreeMap<String, f64> {
    let mut hosts: Vec<Reading<'a>> = hosts.into_iter().collect();
    sort(&mut hosts);
    summarize_sorted(&hosts)
}

/// Puts `hosts` in the order of their series ids (`{id}/…`: ids never hold a `/`).
pub fn sort(hosts: &mut [Reading<'_>]) {
    hosts.sort_unstable_by(|a, b| series_order(&a.info.id, &b.info.id));
}

/// [`summarize`] of hosts already in [`sort`]'s order.
fn summarize_sorted(hosts: &[Reading<'_>]) -> BTreeMap<String, f64> {
    // Collected, then built at once: a map built from its pairs costs a fraction
    // of one insertion per pair (tens of thousands a second on a large fleet).
    // The hosts are taken in the order of their series ids (`{id}/…`: ids never
    // hold a `/`) and each host's few pairs sorted, so the pairs come sorted and
    // the build's own sort has only to check them, not to compare and move
    // tens of thousands of strings.
    let mut out = Vec::with_capacity(hosts.len() * Metric::ALL.len());
    for reading in hosts {
        let first = out.len();
        pairs(&mut out, reading);
        out[first..].sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    out.into_iter().collect()
}

/// Adds the summary pairs of one host to `out`.
fn pairs(out: &mut Vec<(String, f64)>, reading: &Reading<'_>) {
    let id = reading.info.id.as_str();
    for (metric, value) in Metric::ALL.into_iter().zip(host_values(reading)) {
        if let Some(value) = value {
            out.push((series_id(id, metric), value));
        }
    }
}

/// One host's summary numbers, in the order of [`Metric::ALL`]: every metric of an
/// `up` host that its newest sample has (no `seen`), rounded to what a table shows;
/// only status and last-seen for others. Both shapes of the summary (keyed and
/// `columns`) are made of these.
fn host_values(Reading { info, values }: &Reading<'_>) -> [Option<f64>; Metric::ALL.len()] {
    let mut out = [None; Metric::ALL.len()];
    let mut set = |metric: Metric, value: Option<f64>| {
        if let Some(slot) = Metric::ALL.iter().position(|m| *m == metric) {
            out[slot] = value;
        }
    };
    set(Metric::Status, Some(status_code(info.status)));
    let (HostStatus::Up, Some(values)) = (info.status, values) else {
        set(Metric::Seen, Some(info.last_seen as f64));
        return out;
    };
    let get = |key: &str| values.get(key).copied().filter(|v| v.is_finite());
    let mem = match (get("mem.used"), get("mem.total")) {
        (Some(used), Some(total)) if total > 0.0 => Some(used / total * 100.0),
        _ => None,
    };
    let disk = match (get("disk.read"), get("disk.write")) {
        (None, None) => None,
        (read, write) => Some(read.unwrap_or(0.0) + write.unwrap_or(0.0)),
    };
    set(Metric::Cpu, get("cpu.total").map(tenths));
    set(Metric::Mem, mem.map(tenths));
    set(Metric::Rx, get("net.rx").map(f64::round));
    set(Metric::Tx, get("net.tx").map(f64::round));
    set(Metric::Disk, disk.map(f64::round));
    set(Metric::Load, get("load.1").map(hundredths));
    set(Metric::Uptime, get("uptime").map(f64::round));
    out
}

/// The order of two hosts' series ids: of `{a}/` and `{b}/` (`a-b/` comes before
/// `a/`, though `a` comes before `a-b`).
fn series_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().chain([b'/']).cmp(b.bytes().chain([b'/']))
}

/// The summary's catalogue: one entry per metric, its id a pattern (`*/cpu`),
/// since its series are the same for every host.
pub fn catalog() -> Catalog {
    let series = Metric::ALL
        .into_iter()
        .map(|metric| SeriesInfo {
            id: series_id("*", metric),
            host: FLEET_HOST.to_owned(),
            group: "fleet".to_owned(),
            label: metric.label().to_owned(),
            unit: metric.unit(),
            kind: if metric.unit() == pulse_protocol::Unit::BytesPerSecond {
                SeriesKind::Rate
            } else {
                SeriesKind::Gauge
            },
        })
        .collect();
    Catalog { series }
}

/// Publishes the summary of `fleet` every [`INTERVAL`], keyed and in columns,
/// until its summary hubs stop. Each shape is made only while a client watches
/// it or asked for it within [`HISTORY`] (a page that went away may resume): a
/// hub whose fleet page is closed reads no host for it, and one whose pages take
/// columns makes no keyed summary. A shape not made that second has its seq
/// passed over ([`Hub::pass_unless_watched`]), so both hubs number every second's
/// summary alike whichever of them made it.
pub fn spawn(fleet: Arc<Fleet>) {
    let keyed_hub = fleet.summary();
    let columns_hub = fleet.summary_columns();
    let keyed_out = deliver(Arc::clone(&keyed_hub));
    let columns_out = deliver(Arc::clone(&columns_hub));
    tokio::spawn(async move {
        let catalog = catalog();
        let mut revisions = columns::Revisions::default();
        let mut ticks = tokio::time::interval(INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let now = now_ms();
            let keyed = keyed_hub.pass_unless_watched(now, HISTORY);
            let in_columns = columns_hub.pass_unless_watched(now, HISTORY);
            if !keyed && !in_columns {
                continue;
            }
            let hosts = fleet.newest(now);
            let mut readings: Vec<Reading<'_>> = hosts
                .iter()
                .map(|(info, frame)| Reading { info, values: frame.as_ref().map(|shared| &shared.frame.values) })
                .collect();
            sort(&mut readings);
            let values = keyed.then(|| summarize_sorted(&readings));
            let columns = in_columns.then(|| revisions.columns(&readings));
            // Each host's newest frame is let go before the sends wait, so the
            // hub may read the next one into it (`Hub::read`).
            drop(readings);
            drop(hosts);
            let keyed_frame = values
                .map(|values| keyed_hub.publish(Sample { ts: now, values, top: Vec::new(), catalog: catalog.clone() }));
            let columns_frame = columns.map(|columns| columns_hub.publish_columns(now, columns, catalog.clone()));
            for (frame, out) in [(keyed_frame, &keyed_out), (columns_frame, &columns_out)] {
                let frame = match frame {
                    None => continue, // this shape was not made this second
                    // A summary hub stopped: the server is shutting down.
                    Some(None) => return,
                    Some(Some(frame)) => frame,
                };
                if out.send(frame).await.is_err() {
                    return;
                }
            }
        }
    });
}

/// The task that writes `hub`'s published frames (and heartbeats) to its
/// WebSocket clients; the frames it is sent are numbered already.
fn deliver(hub: Arc<Hub>) -> tokio::sync::mpsc::Sender<Arc<SharedFrame>> {
    let (frames, received) = tokio::sync::mpsc::channel::<Arc<SharedFrame>>(1);
    tokio::spawn(crate::hub::publisher::run_with(hub, received, |_, frame| Some(frame)));
    frames
}

/// To a tenth (percentages).
fn tenths(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// To a hundredth (load).
fn hundredths(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A host as `/api/v1/hosts` lists it, named by its id (the columns' tests too).
    pub(super) fn info(id: &str, status: HostStatus) -> HostInfo {
        HostInfo {
            id: id.into(),
            name: id.into(),
            status,
            last_seen: 1_000,
            tags: BTreeMap::new(),
            local: false,
            interval_ms: 1000,
        }
    }

    fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn an_up_host_gives_every_metric_it_has_rounded() {
        let up = info("web-1", HostStatus::Up);
        let sample = values(&[
            ("cpu.total", 12.345),
            ("mem.used", 1.0e9),
            ("mem.total", 4.0e9),
            ("net.rx", 1234.56),
            ("net.tx", 10.4),
            ("disk.read", 100.0),
            ("disk.write", 50.5),
            ("load.1", 0.456),
            ("uptime", 3600.2),
            ("cpu.core:0", 99.0),
        ]);
        let summary = summarize([Reading { info: &up, values: Some(&sample) }]);
        let expected = values(&[
            ("web-1/cpu", 12.3),
            ("web-1/mem", 25.0),
            ("web-1/rx", 1235.0),
            ("web-1/tx", 10.0),
            ("web-1/disk", 151.0),
            ("web-1/load", 0.46),
            ("web-1/uptime", 3600.0),
            ("web-1/status", 0.0),
        ]);
        assert_eq!(summary, expected);
    }

    #[test]
    fn stale_and_down_hosts_give_only_status_and_last_seen() {
        let stale = info("a", HostStatus::Stale);
        let down = info("b", HostStatus::Down);
        let sample = values(&[("cpu.total", 50.0)]);
        let summary =
            summarize([Reading { info: &stale, values: Some(&sample) }, Reading { info: &down, values: None }]);
        let expected = values(&[("a/status", 1.0), ("a/seen", 1000.0), ("b/status", 2.0), ("b/seen", 1000.0)]);
        assert_eq!(summary, expected);
    }

    #[test]
    fn missing_or_broken_inputs_leave_a_metric_out() {
        let up = info("h", HostStatus::Up);
        let sample = values(&[("cpu.total", f64::NAN), ("mem.used", 5.0), ("mem.total", 0.0), ("disk.write", 7.0)]);
        let summary = summarize([Reading { info: &up, values: Some(&sample) }]);
        assert_eq!(summary.get("h/cpu"), None, "NaN is not a value");
        assert_eq!(summary.get("h/mem"), None, "no total, no percentage");
        assert_eq!(summary.get("h/disk"), Some(&7.0), "one direction is enough");
    }

    #[test]
    fn hosts_in_any_order_give_the_same_map() {
        let ids = ["a", "a-b", "b", "A", "a.b", "ab", "a0"];
        let infos: Vec<HostInfo> = ids.iter().map(|id| info(id, HostStatus::Up)).collect();
        let sample = values(&[("cpu.total", 1.0), ("uptime", 5.0), ("load.1", 0.5)]);
        let forward = summarize(infos.iter().map(|info| Reading { info, values: Some(&sample) }));
        let backward = summarize(infos.iter().rev().map(|info| Reading { info, values: Some(&sample) }));
        let by_insertion: BTreeMap<String, f64> =
            infos.iter().flat_map(|info| summarize([Reading { info, values: Some(&sample) }])).collect();
        assert_eq!(forward, by_insertion);
        assert_eq!(backward, by_insertion);
        let mut ids: Vec<&str> = ids.to_vec();
        ids.sort_by(|a, b| series_order(a, b));
        let firsts: Vec<String> = ids.iter().map(|id| format!("{id}/")).collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{firsts:?}");
    }

    #[test]
    fn both_summary_hubs_know_the_catalogue_before_any_summary_is_made() {
        let heartbeat = Duration::from_secs(15);
        for made in [hub(heartbeat), columns::hub(pulse_protocol::Epoch("e".into()), heartbeat)] {
            assert_eq!(made.catalog().series.len(), Metric::ALL.len());
            assert_eq!(made.newest_seq(), 0, "no summary yet");
        }
    }

    #[test]
    fn the_catalogue_names_every_metric_once() {
        let catalog = catalog();
        assert_eq!(catalog.series.len(), Metric::ALL.len());
        assert!(catalog.get("*/cpu").is_some_and(|s| s.unit == pulse_protocol::Unit::Percent));
    }
}
