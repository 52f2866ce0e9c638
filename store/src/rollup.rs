//! Rollups: the minimum, maximum, average and count of each series per bucket,
//! made from a block's samples (minutes) or from finer buckets (hours), and
//! merged when two rollups share a bucket. Pure and table-tested.

use crate::block::{Block, Rollup, RollupColumn};

/// Buckets of `step_ms` over a block's samples.
pub fn of_block(block: &Block, step_ms: i64) -> Rollup {
    let mut buckets = Buckets::new(step_ms, block.ts.iter().copied());
    for column in &block.columns {
        let index = buckets.column(&column.id, column.decimals);
        for (&ts, &value) in block.ts.iter().zip(&column.values) {
            if value.is_finite() {
                buckets.add(index, ts, Acc { min: value, max: value, sum: value, count: 1 });
            }
        }
    }
    buckets.finish()
}

/// Buckets of `step_ms` (a multiple of the input's step) over a rollup's buckets.
pub fn coarsen(rollup: &Rollup, step_ms: i64) -> Rollup {
    merge_all(std::slice::from_ref(rollup), step_ms)
}

/// One rollup of `step_ms` from several (in any order), a bucket they share
/// merged into one.
pub fn merge_all(rollups: &[Rollup], step_ms: i64) -> Rollup {
    let mut buckets = Buckets::new(step_ms, rollups.iter().flat_map(|r| r.ts.iter().copied()));
    for rollup in rollups {
        for column in &rollup.columns {
            let index = buckets.column(&column.id, column.decimals);
            for (row, &ts) in rollup.ts.iter().enumerate() {
                let count = column.count[row];
                if count > 0 {
                    let acc = Acc {
                        min: column.min[row],
                        max: column.max[row],
                        sum: column.avg[row] * f64::from(count),
                        count,
                    };
                    buckets.add(index, ts, acc);
                }
            }
        }
    }
    buckets.finish()
}

/// One bucket of one series being summed up.
#[derive(Debug, Clone, Copy)]
struct Acc {
    min: f64,
    max: f64,
    sum: f64,
    count: u32,
}

impl Acc {
    const EMPTY: Acc = Acc { min: f64::INFINITY, max: f64::NEG_INFINITY, sum: 0.0, count: 0 };

    fn add(&mut self, other: Acc) {
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.sum += other.sum;
        self.count = self.count.saturating_add(other.count);
    }
}

/// The buckets of one rollup being built.
struct Buckets {
    step_ms: i64,
    starts: Vec<i64>,
    columns: Vec<(String, u8, Vec<Acc>)>,
}

impl Buckets {
    fn new(step_ms: i64, ts: impl Iterator<Item = i64>) -> Self {
        let step_ms = step_ms.max(1);
        let mut starts: Vec<i64> = ts.map(|t| t.div_euclid(step_ms) * step_ms).collect();
        starts.sort_unstable();
        starts.dedup();
        Buckets { step_ms, starts, columns: Vec::new() }
    }

    fn column(&mut self, id: &str, decimals: u8) -> usize {
        if let Some(index) = self.columns.iter().position(|(have, ..)| have == id) {
            return index;
        }
        self.columns.push((id.to_owned(), decimals, vec![Acc::EMPTY; self.starts.len()]));
        self.columns.len() - 1
    }

    fn add(&mut self, column: usize, ts: i64, acc: Acc) {
        let start = ts.div_euclid(self.step_ms) * self.step_ms;
        if let Ok(row) = self.starts.binary_search(&start) {
            self.columns[column].2[row].add(acc);
        }
    }

    fn finish(self) -> Rollup {
        let columns = self
            .columns
            .into_iter()
            .map(|(id, decimals, accs)| {
                let stat =
                    |f: fn(&Acc) -> f64| accs.iter().map(|a| if a.count > 0 { f(a) } else { f64::NAN }).collect();
                RollupColumn {
                    id,
                    decimals,
                    min: stat(|a| a.min),
                    max: stat(|a| a.max),
                    avg: stat(|a| a.sum / f64::from(a.count)),
                    count: accs.iter().map(|a| a.count).collect(),
                }
            })
            .collect();
        Rollup { step_ms: self.step_ms, ts: self.starts, columns }
    }
}

#[cfg(test)]
mod tests;
