//! Builds the overview's rows: names and tags from the hosts list, status and
//! numbers from the newest summary row (which is newer than the list).

use pulse_protocol::fleet::{status_from_code, Metric};
use pulse_protocol::{HostInfo, HostStatus};

use super::{HostRow, COLUMNS};
use crate::store::HostSeries;

/// One row per listed host, in the list's order. `summary` is the store's
/// `@fleet` ring, if any summary has arrived.
pub fn rows(hosts: &[HostInfo], summary: Option<&HostSeries>) -> Vec<HostRow> {
    hosts.iter().map(|host| row(host, summary)).collect()
}

fn row(host: &HostInfo, summary: Option<&HostSeries>) -> HostRow {
    // Only the newest row counts: an older value of a host now down is not live.
    let (mut status, mut last_seen) = (host.status, host.last_seen as f64);
    let mut newest = [None; COLUMNS.len()];
    let prefix = format!("{}/", host.id);
    for (key, value) in summary.into_iter().flat_map(|s| s.newest_under(&prefix)) {
        match Metric::from_key(key) {
            Some(Metric::Status) => status = value.and_then(status_from_code).unwrap_or(status),
            Some(Metric::Seen) => last_seen = value.unwrap_or(last_seen),
            Some(metric) => {
                if let Some(i) = COLUMNS.iter().position(|m| *m == metric) {
                    newest[i] = value;
                }
            }
            None => {}
        }
    }
    let values = if status == HostStatus::Up { newest } else { [None; COLUMNS.len()] };
    HostRow { id: host.id.clone(), name: host.name.clone(), tags: host.tags.clone(), status, last_seen, values }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_protocol::Frame;

    use super::*;

    fn host(id: &str, status: HostStatus) -> HostInfo {
        HostInfo {
            id: id.into(),
            name: format!("{id} box"),
            status,
            last_seen: 5,
            tags: BTreeMap::new(),
            local: false,
            interval_ms: 1000,
        }
    }

    fn summary(frames: &[&[(&str, f64)]]) -> HostSeries {
        let mut series = HostSeries::with_capacity(10);
        for (i, values) in frames.iter().enumerate() {
            let values = values.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            series.push_frame(&Frame {
                seq: i as u64 + 1,
                ts: i as i64 * 1000,
                host: "@fleet".into(),
                values,
                top: vec![],
            });
        }
        series
    }

    #[test]
    fn the_newest_summary_decides_status_and_numbers() {
        let hosts = [host("a", HostStatus::Up), host("b", HostStatus::Up), host("new", HostStatus::Up)];
        let ring = summary(&[
            &[("a/status", 0.0), ("a/cpu", 10.0), ("b/status", 0.0), ("b/cpu", 20.0)],
            &[("a/status", 0.0), ("a/cpu", 11.0), ("a/seen", 1000.0), ("b/status", 2.0), ("b/seen", 900.0)],
        ]);
        let rows = rows(&hosts, Some(&ring));
        assert_eq!(rows[0].status, HostStatus::Up);
        assert_eq!(rows[0].value(Metric::Cpu), Some(11.0));
        assert_eq!(rows[0].last_seen, 1000.0);
        assert_eq!(rows[1].status, HostStatus::Down, "the summary is newer than the list");
        assert_eq!(rows[1].value(Metric::Cpu), None, "a down host shows no stale number");
        assert_eq!(rows[1].last_seen, 900.0);
        assert_eq!(rows[2].status, HostStatus::Up, "not in the summary yet: the list's word");
        assert_eq!(rows[2].name, "new box");
        assert_eq!(rows[2].value(Metric::Cpu), None);
    }

    #[test]
    fn without_a_summary_the_list_speaks() {
        let rows = rows(&[host("a", HostStatus::Stale)], None);
        assert_eq!((rows[0].status, rows[0].last_seen), (HostStatus::Stale, 5.0));
    }
}
