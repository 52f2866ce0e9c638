//! Builds the overview's rows: names and tags from the hosts list, status and
//! numbers from the newest summary row (which is newer than the list).

use pulse_protocol::fleet::{split_series_id, status_from_code, Metric};
use pulse_protocol::{HostInfo, HostStatus};

use super::{HostRow, COLUMNS};
use crate::store::HostSeries;

/// One row per listed host, in the list's order. `summary` is the store's
/// `@fleet` ring, if any summary has arrived.
pub fn rows(hosts: &[HostInfo], summary: Option<&HostSeries>) -> Vec<HostRow> {
    let newest = summary.map(newest_by_host).unwrap_or_default();
    hosts.iter().map(|host| row(host, find(&newest, &host.id))).collect()
}

/// Each metric's value of one host in the newest summary row, by [`Metric::ALL`].
type Newest = [Option<f64>; Metric::ALL.len()];

/// The newest summary row split by host, in the columns' order (`{host}/…`), read
/// in one pass over the columns: a search per host would cost a descent of the
/// columns' tree each (and a `{host}/` string), 1,000 of them a summary.
fn newest_by_host(summary: &HostSeries) -> Vec<(&str, Newest)> {
    let mut hosts: Vec<(&str, Newest)> = Vec::new();
    for (id, value) in summary.newest_under("") {
        let Some((host, metric)) = split_series_id(id) else { continue };
        let Some(slot) = Metric::ALL.iter().position(|m| *m == metric) else { continue };
        match hosts.last_mut() {
            Some((last, values)) if *last == host => values[slot] = value,
            _ => {
                let mut values = [None; Metric::ALL.len()];
                values[slot] = value;
                hosts.push((host, values));
            }
        }
    }
    hosts
}

/// Host `id`'s newest values, found by binary search in the columns' order, in
/// which `a-b/` comes before `a/`: ids are compared as `{id}/`.
fn find(newest: &[(&str, Newest)], id: &str) -> Option<Newest> {
    newest.binary_search_by(|(host, _)| as_prefix(host).cmp(as_prefix(id))).ok().map(|at| newest[at].1)
}

/// `{host}/`'s bytes, as they sort in series ids.
fn as_prefix(host: &str) -> impl Iterator<Item = u8> + '_ {
    host.bytes().chain(std::iter::once(b'/'))
}

fn row(host: &HostInfo, newest: Option<Newest>) -> HostRow {
    // Only the newest row counts: an older value of a host now down is not live.
    let (mut status, mut last_seen) = (host.status, host.last_seen as f64);
    let mut values = [None; COLUMNS.len()];
    for (metric, value) in Metric::ALL.into_iter().zip(newest.unwrap_or_default()) {
        match metric {
            Metric::Status => status = value.and_then(status_from_code).unwrap_or(status),
            Metric::Seen => last_seen = value.unwrap_or(last_seen),
            metric => {
                if let Some(i) = COLUMNS.iter().position(|m| *m == metric) {
                    values[i] = value;
                }
            }
        }
    }
    let values = if status == HostStatus::Up { values } else { [None; COLUMNS.len()] };
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
                columns: None,
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
    fn hosts_whose_ids_share_a_prefix_find_their_own_values() {
        // Sorted as series ids: `a-b/` < `a.c/` < `a/` < `a0/` < `ab/`.
        let ids = ["a", "a-b", "a.c", "a0", "ab", "missing"];
        let hosts: Vec<HostInfo> = ids.iter().map(|id| host(id, HostStatus::Up)).collect();
        let values: Vec<(String, f64)> =
            ids[..5].iter().enumerate().map(|(i, id)| (format!("{id}/cpu"), i as f64)).collect();
        let values: Vec<(&str, f64)> = values.iter().map(|(id, v)| (id.as_str(), *v)).collect();
        let rows = rows(&hosts, Some(&summary(&[&values])));
        let cpu: Vec<Option<f64>> = rows.iter().map(|row| row.value(Metric::Cpu)).collect();
        assert_eq!(cpu, [Some(0.0), Some(1.0), Some(2.0), Some(3.0), Some(4.0), None]);
    }

    #[test]
    fn without_a_summary_the_list_speaks() {
        let rows = rows(&[host("a", HostStatus::Stale)], None);
        assert_eq!((rows[0].status, rows[0].last_seen), (HostStatus::Stale, 5.0));
    }
}
