//! The `@fleet` summary in columns ([`pulse_protocol::fleet::Columns`]), for pages
//! that ask (`columns=1`, or `"columns":true` in a `subscribe`): the same numbers
//! as the keyed frames, as one array in the order of a host list and
//! [`Metric::ALL`]. It is made and serialised once a second, whatever the number
//! of pages, on a hub of its own that shares the keyed hub's epoch and is
//! published in step with it, so both streams number the same summary alike and
//! every transport, resume and gap works on it as on any host's stream.
//!
//! [`Revisions`] is pure and table-tested: it gives the host list a new revision
//! whenever it changes.

use std::time::Duration;

use pulse_protocol::fleet::{Columns, Metric, FLEET_HOST};
use pulse_protocol::Epoch;

use super::{host_values, Reading, HISTORY, INTERVAL, RESUME_FRAMES};
use crate::hub::{Hub, Timing};

/// The hub that carries the summary in columns, numbered in `epoch` (the keyed
/// summary hub's), kept as the keyed one is.
pub fn hub(epoch: Epoch, heartbeat: Duration) -> Hub {
    let hub = Hub::lean(FLEET_HOST.to_owned(), Timing { interval: INTERVAL, heartbeat, history: HISTORY })
        .numbered_in(epoch)
        .resuming_at_most(RESUME_FRAMES);
    // As the keyed summary's: the metrics are known before any summary is made.
    hub.set_catalog(super::catalog());
    hub
}

/// The host list of the summaries made so far, and its revision.
#[derive(Debug, Default)]
pub struct Revisions {
    hosts: Vec<String>,
    rev: u64,
}

impl Revisions {
    /// The summary of `hosts` (in the order given: the keyed summary's, see
    /// [`super::summarize`]) in columns; a new revision when the host list is not
    /// the previous summary's.
    pub fn columns(&mut self, hosts: &[Reading<'_>]) -> Columns {
        let same = self.rev > 0
            && self.hosts.len() == hosts.len()
            && self.hosts.iter().zip(hosts).all(|(id, reading)| *id == reading.info.id);
        if !same {
            self.hosts = hosts.iter().map(|reading| reading.info.id.clone()).collect();
            self.rev += 1;
        }
        let mut values = Vec::with_capacity(hosts.len() * Metric::ALL.len());
        for reading in hosts {
            values.extend(host_values(reading));
        }
        Columns { rev: self.rev, metrics: Columns::all_metrics(), hosts: self.hosts.clone(), values }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_protocol::{HostInfo, HostStatus};

    use super::super::summarize;
    use super::super::tests::info;
    use super::*;

    #[test]
    fn columns_hold_what_the_keyed_summary_holds() {
        let sample: BTreeMap<String, f64> =
            [("cpu.total", 12.345), ("mem.used", 1.0), ("mem.total", 4.0), ("load.1", 0.456), ("uptime", 9.7)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
        let hosts = [info("a", HostStatus::Up), info("a-b", HostStatus::Stale), info("b", HostStatus::Down)];
        let readings: Vec<Reading<'_>> = hosts.iter().map(|info| Reading { info, values: Some(&sample) }).collect();
        let columns = Revisions::default().columns(&readings);
        assert!(columns.is_whole());
        assert_eq!(columns.hosts, ["a", "a-b", "b"]);
        let keyed = summarize(hosts.iter().map(|info| Reading { info, values: Some(&sample) }));
        assert_eq!(columns.to_values(), keyed);
    }

    #[test]
    fn the_revision_changes_with_the_host_list_only() {
        // (hosts of each summary in turn, the revision it is given)
        let steps: [(&[&str], u64); 6] =
            [(&[], 1), (&["a"], 2), (&["a"], 2), (&["a", "b"], 3), (&["b", "a"], 4), (&["b", "a"], 4)];
        let mut revisions = Revisions::default();
        for (ids, want) in steps {
            // A host's status or numbers changing is no new revision.
            let infos: Vec<HostInfo> = ids.iter().map(|id| info(id, HostStatus::Up)).collect();
            let readings: Vec<Reading<'_>> = infos.iter().map(|info| Reading { info, values: None }).collect();
            let columns = revisions.columns(&readings);
            assert_eq!(columns.rev, want, "{ids:?}");
            assert_eq!(columns.hosts, ids, "{ids:?}");
        }
    }
}
