//! The fleet summary in columns (issue 14): one array of numbers in the order of a
//! host list and a metric list, instead of a `{host}/{metric}` key per number.
//!
//! A page says it takes it (`columns=1` on a stream's URL, `"columns":true` in a
//! `subscribe`); a hub then sends it the `@fleet` frames whose [`Columns`] hold
//! the values and whose `values` map is empty. Pages that do not ask get the keyed
//! frames, with the same epoch and seqs, so a cursor means the same in both.
//!
//! Every such frame names its hosts and metrics, so it reads alone: after a resume,
//! a gap or a lag nothing is needed from an earlier frame, and no cursor or
//! transport changes. [`Columns::rev`] changes whenever the host list does within
//! one stream epoch; it starts again with each hub process, so a reader that keeps
//! what it built for a list (where each value goes) checks the lists themselves
//! (or the epoch with the revision) before reusing it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{series_id, Metric};

/// A summary's values by position: `values[h * metrics.len() + m]` is host
/// `hosts[h]`'s metric `metrics[m]`, `null` where the host has none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Columns {
    /// The host list's revision in this stream's epoch: the same revision, the
    /// same `hosts` and `metrics`.
    pub rev: u64,
    /// Metric keys ([`Metric::key`]), in the order of each host's values; a key a
    /// reader does not know is skipped.
    pub metrics: Vec<String>,
    /// Host ids, in the order of the values.
    pub hosts: Vec<String>,
    /// `hosts.len() × metrics.len()` numbers, host after host.
    pub values: Vec<Option<f64>>,
}

impl Columns {
    /// The metric keys of [`Metric::ALL`], the order a hub writes.
    pub fn all_metrics() -> Vec<String> {
        Metric::ALL.iter().map(|metric| metric.key().to_owned()).collect()
    }

    /// Whether `values` has one slot per host and metric (a reader applies nothing else).
    pub fn is_whole(&self) -> bool {
        Some(self.values.len()) == self.hosts.len().checked_mul(self.metrics.len())
    }

    /// The same numbers keyed `{host}/{metric}`, as a keyed summary frame holds them
    /// (empty slots and unknown metric keys left out; nothing if not whole).
    pub fn to_values(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        if !self.is_whole() || self.metrics.is_empty() {
            return out;
        }
        for (host, row) in self.hosts.iter().zip(self.values.chunks(self.metrics.len())) {
            for (key, value) in self.metrics.iter().zip(row) {
                if let (Some(metric), Some(value)) = (Metric::from_key(key), value) {
                    out.insert(series_id(host, metric), *value);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(metrics: &[&str], hosts: &[&str], values: &[Option<f64>]) -> Columns {
        Columns {
            rev: 1,
            metrics: metrics.iter().map(|m| m.to_string()).collect(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            values: values.to_vec(),
        }
    }

    /// What, the columns, and the keyed values they stand for.
    type Case = (&'static str, Columns, &'static [(&'static str, f64)]);

    #[test]
    fn columns_read_as_the_keyed_summary() {
        let cases: [Case; 5] = [
            ("empty", columns(&["cpu"], &[], &[]), &[]),
            (
                "host after host",
                columns(&["cpu", "status"], &["a", "b"], &[Some(1.0), Some(0.0), Some(2.0), Some(1.0)]),
                &[("a/cpu", 1.0), ("a/status", 0.0), ("b/cpu", 2.0), ("b/status", 1.0)],
            ),
            ("an empty slot is no value", columns(&["cpu", "seen"], &["a"], &[Some(5.0), None]), &[("a/cpu", 5.0)]),
            (
                "an unknown metric is skipped",
                columns(&["cpu", "gpu"], &["a"], &[Some(5.0), Some(9.0)]),
                &[("a/cpu", 5.0)],
            ),
            ("not whole: nothing", columns(&["cpu", "mem"], &["a"], &[Some(5.0)]), &[]),
        ];
        for (what, columns, want) in cases {
            let want: BTreeMap<String, f64> = want.iter().map(|(k, v)| (k.to_string(), *v)).collect();
            assert_eq!(columns.to_values(), want, "{what}");
        }
        assert_eq!(Columns::all_metrics().len(), Metric::ALL.len());
    }
}
