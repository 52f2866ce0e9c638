//! A host's history picture drawn as the fleet summary's column, so the compare
//! view reaches back as far as the hub's store: it fetches each host's own series
//! at the chart's width (`GET /api/v1/history?host=ID&series=…&width=`) and draws
//! them under the summary's id (`ID/cpu` on `@fleet`), the same line the live
//! summary feeds. Pure and table-tested.
//!
//! A picture's rows are each column's minimums, then its maximums. A metric made
//! of two series is combined row by row, which keeps the picture an envelope:
//! memory is `used / total` (the total barely moves), disk is `read + write`, so a
//! column's low row is the sum of the two lows and its high row the sum of the two
//! highs, at or beyond the true sum's extremes, never inside them.

use pulse_protocol::fleet::{series_id, Metric, FLEET_HOST};
use pulse_protocol::{HistoryResponse, HistorySeries};

/// `history` (of `host`'s [`Metric::sources`] of `metric`) as the summary's column of
/// `metric` for `host`, on the `@fleet` pseudo-host, row for row.
pub fn as_summary(history: &HistoryResponse, host: &str, metric: Metric) -> HistoryResponse {
    let column = |id: &str| history.series.get(id).filter(|c| c.host == host).map(|c| c.values.as_slice());
    let at = |values: Option<&[Option<f64>]>, row: usize| values.and_then(|v| v.get(row).copied().flatten());
    let (first, second) = match metric.sources() {
        [one] => (column(one), None),
        [one, two] => (column(one), column(two)),
        _ => (None, None),
    };
    let values = (0..history.ts.len())
        .map(|row| {
            let (a, b) = (at(first, row), at(second, row));
            match metric {
                Metric::Mem => match (a, b) {
                    (Some(used), Some(total)) if total > 0.0 => Some(used / total * 100.0),
                    _ => None,
                },
                Metric::Disk => match (a, b) {
                    (None, None) => None,
                    (read, write) => Some(read.unwrap_or(0.0) + write.unwrap_or(0.0)),
                },
                _ => a,
            }
        })
        .collect();
    let mut series = std::collections::BTreeMap::new();
    series.insert(series_id(host, metric), HistorySeries { host: FLEET_HOST.to_owned(), values });
    HistoryResponse {
        epoch: history.epoch.clone(),
        first_seq: history.first_seq,
        last_seq: history.last_seq,
        ts: history.ts.clone(),
        series,
        tier: history.tier.clone(),
        step_ms: history.step_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column of an answer: host, series id, values.
    type Column<'a> = (&'a str, &'a str, Vec<Option<f64>>);

    /// A case: the metric, the answer's columns, the summary column wanted.
    type Case<'a> = (Metric, &'a [Column<'a>], Vec<Option<f64>>);

    fn history(columns: &[Column]) -> HistoryResponse {
        let rows = columns.first().map_or(0, |(_, _, v)| v.len());
        let mut series = std::collections::BTreeMap::new();
        for (host, id, values) in columns {
            series.insert((*id).to_owned(), HistorySeries { host: (*host).to_owned(), values: values.clone() });
        }
        HistoryResponse {
            epoch: pulse_protocol::Epoch("e".to_owned()),
            first_seq: 0,
            last_seq: 0,
            ts: (0..rows as i64).map(|i| 1_000 * i).collect(),
            series,
            tier: Some("1m".to_owned()),
            step_ms: Some(60_000.0),
        }
    }

    #[test]
    fn each_metric_is_made_as_the_summary_makes_it() {
        let cases: &[Case] = &[
            (
                Metric::Cpu,
                &[("a", "cpu.total", vec![Some(12.5), None, Some(97.0)])],
                vec![Some(12.5), None, Some(97.0)],
            ),
            (
                Metric::Mem,
                &[
                    ("a", "mem.used", vec![Some(1.0), Some(3.0), None]),
                    ("a", "mem.total", vec![Some(4.0), Some(4.0), Some(4.0)]),
                ],
                vec![Some(25.0), Some(75.0), None],
            ),
            (Metric::Mem, &[("a", "mem.used", vec![Some(1.0)]), ("a", "mem.total", vec![Some(0.0)])], vec![None]),
            (
                Metric::Disk,
                &[
                    ("a", "disk.read", vec![Some(1.0), None, None]),
                    ("a", "disk.write", vec![Some(2.0), Some(5.0), None]),
                ],
                vec![Some(3.0), Some(5.0), None],
            ),
            (Metric::Load, &[("a", "load.1", vec![Some(0.5)])], vec![Some(0.5)]),
            (Metric::Rx, &[("a", "net.tx", vec![Some(9.0)])], vec![None]),
            // Another host's column is not this host's.
            (Metric::Cpu, &[("b", "cpu.total", vec![Some(50.0)])], vec![None]),
            (Metric::Status, &[("a", "cpu.total", vec![Some(50.0)])], vec![None]),
        ];
        for (metric, columns, want) in cases {
            let answer = as_summary(&history(columns), "a", *metric);
            let column = &answer.series[&series_id("a", *metric)];
            assert_eq!(column.host, FLEET_HOST, "{metric:?}");
            assert_eq!(&column.values, want, "{metric:?} from {columns:?}");
            assert_eq!(answer.series.len(), 1);
        }
    }

    #[test]
    fn rows_times_and_the_tier_are_kept() {
        let source = history(&[("a", "cpu.total", vec![Some(1.0), Some(2.0)])]);
        let answer = as_summary(&source, "a", Metric::Cpu);
        assert_eq!(answer.ts, source.ts);
        assert_eq!(answer.tier.as_deref(), Some("1m"));
        assert_eq!(answer.step_ms, Some(60_000.0));
    }

    #[test]
    fn every_charted_metric_has_sources() {
        for metric in Metric::CHARTED {
            assert!(!metric.sources().is_empty(), "{metric:?}");
        }
    }
}
