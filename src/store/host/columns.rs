//! A fleet summary in columns ([`Columns`]) taken into a host's rings by position:
//! where each value goes is worked out once per host list (a [`Layout`]: for
//! each ring, in order, the value's place in the array), so a summary of 1,000
//! hosts is one pass over 9,000 rings with no id looked up. Each summary's lists
//! are compared with the layout's (`Layout::fits`) before it is used: a
//! revision starts again with each hub process, so a page moved to another hub may
//! meet the same revision for another list.

use std::collections::BTreeMap;

use pulse_protocol::fleet::{series_id, Columns, Metric};

use super::{ring, HostSeries};

/// Where each ring's value is in a [`Columns`] array, for one host list.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    rev: u64,
    hosts: Vec<String>,
    metrics: Vec<String>,
    /// One per ring, in the rings' order: the value's index, or `NONE`.
    slots: Vec<u32>,
    /// The indices of values with no ring yet (none had a value so far: a keyed
    /// frame too makes a ring only for a value); one that gets a value makes
    /// the layout again.
    unringed: Vec<u32>,
}

/// A ring with no value in the array (a host or metric the summary lacks).
const NONE: u32 = u32::MAX;

impl Layout {
    /// Whether it was made for `columns`' host and metric lists (the revision
    /// first: a new epoch may number another list alike).
    fn fits(&self, columns: &Columns) -> bool {
        self.rev == columns.rev
            && self.hosts == columns.hosts
            && self.metrics == columns.metrics
            && !self.unringed.iter().any(|&slot| columns.values.get(slot as usize).is_some_and(Option::is_some))
    }
}

impl HostSeries {
    /// Appends a summary in columns taken at `ts` as a row, as [`HostSeries::push_frame`]
    /// does a keyed one (older than the newest row: ignored; after a silence: a
    /// break first). A summary whose array does not match its lists is ignored.
    pub fn push_columns(&mut self, ts: f64, columns: &Columns) {
        if !columns.is_whole() || self.is_before_newest(ts) {
            return;
        }
        if !self.layout.as_ref().is_some_and(|layout| layout.fits(columns)) {
            self.lay_out(columns);
        }
        let Some(full) = self.begin_row(ts) else { return };
        let Some(layout) = &self.layout else { return };
        for (column, &slot) in self.columns.values_mut().zip(&layout.slots) {
            let value = columns.values.get(slot as usize).copied().flatten().unwrap_or(f64::NAN);
            if full {
                column.pop_front();
            }
            column.push_back(value);
        }
    }

    /// Gives every series of `columns` that has a value a ring (empty rows for
    /// the past) and works out where each ring's value is.
    fn lay_out(&mut self, columns: &Columns) {
        let mut index: BTreeMap<String, u32> = BTreeMap::new();
        for (h, host) in columns.hosts.iter().enumerate() {
            for (m, key) in columns.metrics.iter().enumerate() {
                let Some(metric) = Metric::from_key(key) else { continue };
                let slot = h * columns.metrics.len() + m;
                index.insert(series_id(host, metric), slot as u32);
            }
        }
        let rows = self.ts.len();
        let mut unringed = Vec::new();
        for (id, &slot) in &index {
            if self.columns.contains_key(id) {
                continue;
            }
            if columns.values.get(slot as usize).is_some_and(Option::is_some) {
                let column = ring(self.capacity, (0..rows).map(|_| f64::NAN));
                self.columns.insert(id.clone(), column);
            } else {
                unringed.push(slot);
            }
        }
        let slots = self.columns.keys().map(|id| index.get(id).copied().unwrap_or(NONE)).collect();
        let (hosts, metrics) = (columns.hosts.clone(), columns.metrics.clone());
        self.layout = Some(Layout { rev: columns.rev, hosts, metrics, slots, unringed });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_protocol::Frame;

    use super::*;

    fn columns(rev: u64, hosts: &[&str], values: &[Option<f64>]) -> Columns {
        Columns {
            rev,
            metrics: vec!["cpu".into(), "status".into(), "gpu".into()],
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            values: values.to_vec(),
        }
    }

    /// The same summaries keyed, as a hub sends them to pages that do not ask.
    fn keyed(seq: u64, columns: &Columns) -> Frame {
        Frame {
            seq,
            ts: seq as i64 * 1000,
            host: "@fleet".into(),
            values: columns.to_values(),
            top: vec![],
            columns: None,
        }
    }

    /// Every ring's values, by id.
    fn rings(series: &HostSeries) -> BTreeMap<String, Vec<String>> {
        series
            .columns
            .iter()
            .map(|(id, c)| {
                (id.clone(), c.iter().map(|v| if v.is_nan() { "-".into() } else { v.to_string() }).collect())
            })
            .collect()
    }

    #[test]
    fn columns_fill_the_rings_as_keyed_frames_do() {
        let n = None;
        // (what, the summaries in turn)
        let cases: [(&str, Vec<Columns>); 5] = [
            ("one list", vec![columns(1, &["a", "b"], &[Some(1.0), Some(0.0), Some(9.0), Some(2.0), n, n])]),
            (
                "a host comes",
                vec![
                    columns(1, &["b"], &[Some(2.0), Some(0.0), n]),
                    columns(2, &["a", "b"], &[Some(1.0), Some(0.0), n, Some(3.0), Some(0.0), n]),
                ],
            ),
            (
                "a host goes",
                vec![
                    columns(1, &["a", "b"], &[Some(1.0), Some(0.0), n, Some(3.0), Some(0.0), n]),
                    columns(2, &["b"], &[Some(4.0), Some(1.0), n]),
                    columns(2, &["b"], &[Some(5.0), Some(1.0), n]),
                ],
            ),
            (
                "the same revision of another list (a new epoch)",
                vec![columns(1, &["a"], &[Some(1.0), Some(0.0), n]), columns(1, &["c"], &[Some(7.0), Some(0.0), n])],
            ),
            (
                "an array that does not match its lists is left out",
                vec![columns(1, &["a"], &[Some(1.0), Some(0.0), n]), columns(1, &["a"], &[Some(2.0)])],
            ),
        ];
        for (what, summaries) in cases {
            let mut by_position = HostSeries::with_capacity(2);
            let mut by_id = HostSeries::with_capacity(2);
            for (seq, columns) in (1..).zip(&summaries) {
                by_position.push_columns(seq as f64 * 1000.0, columns);
                if columns.is_whole() {
                    by_id.push_frame(&keyed(seq, columns));
                }
            }
            assert_eq!(rings(&by_position), rings(&by_id), "{what}");
            assert_eq!(by_position.timestamps(), by_id.timestamps(), "{what}");
        }
    }

    #[test]
    fn an_older_summary_is_ignored_and_a_silence_breaks_the_line() {
        let mut series = HostSeries::with_capacity(10);
        let one = columns(1, &["a"], &[Some(1.0), Some(0.0), None]);
        for ts in [1000.0, 2000.0, 1500.0, 9000.0] {
            series.push_columns(ts, &one);
        }
        let (older, newer) = series.timestamps();
        assert_eq!([older, newer].concat(), vec![1000.0, 2000.0, 2000.0, 9000.0], "a break row before 9000");
        assert_eq!(series.newest("a/cpu"), Some(1.0));
    }
}
