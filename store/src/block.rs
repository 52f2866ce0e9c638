//! What the store keeps, as plain data: a run of samples (the raw tier) and the
//! rollups of coarser tiers. The codec turns them into bytes; nothing here does I/O.

/// A run of consecutive samples of one host in one epoch (the raw tier's chunk):
/// row `i` is seq `first_seq + i`, taken at `ts[i]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Block {
    /// The stream's epoch (an agent's, or the hub's own host's).
    pub epoch: String,
    /// The seq of the first row; the rows' seqs follow without a hole.
    pub first_seq: u64,
    /// Sample times, ms since the Unix epoch, ascending.
    pub ts: Vec<i64>,
    /// One column per series, each as long as `ts`.
    pub columns: Vec<Column>,
}

/// One series' values in a [`Block`].
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The series id.
    pub id: String,
    /// Decimals kept: values are stored rounded to `10^-decimals`.
    pub decimals: u8,
    /// One value per row; `NaN` where the series had no value.
    pub values: Vec<f64>,
}

/// Buckets of a coarser tier: per series, the minimum, maximum, average and count
/// of the samples in each bucket of `step_ms`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rollup {
    /// The bucket length in ms (60,000 for the minute tier).
    pub step_ms: i64,
    /// Each bucket's start, ms since the Unix epoch, ascending.
    pub ts: Vec<i64>,
    /// One column per series, each as long as `ts`.
    pub columns: Vec<RollupColumn>,
}

/// One series' buckets in a [`Rollup`].
#[derive(Debug, Clone, PartialEq)]
pub struct RollupColumn {
    /// The series id.
    pub id: String,
    /// Decimals kept by `min`, `max` and `avg`.
    pub decimals: u8,
    /// Smallest sample per bucket (`NaN` where `count` is 0).
    pub min: Vec<f64>,
    /// Largest sample per bucket.
    pub max: Vec<f64>,
    /// Mean of the samples per bucket.
    pub avg: Vec<f64>,
    /// How many samples each bucket summarises.
    pub count: Vec<u32>,
}

impl Block {
    /// How many rows the block holds.
    pub fn len(&self) -> usize {
        self.ts.len()
    }

    /// Whether the block has no rows.
    pub fn is_empty(&self) -> bool {
        self.ts.is_empty()
    }

    /// The seq of the last row (`first_seq - 1` when empty).
    pub fn last_seq(&self) -> u64 {
        (self.first_seq + self.ts.len() as u64).saturating_sub(1)
    }

    /// The column of series `id`, if the block has it.
    pub fn column(&self, id: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }
}

impl Rollup {
    /// The column of series `id`, if the rollup has it.
    pub fn column(&self, id: &str) -> Option<&RollupColumn> {
        self.columns.iter().find(|c| c.id == id)
    }
}

/// Joins blocks (oldest first) into runs: rows of consecutive seqs in one epoch
/// and one `block_ms`-aligned span of time. A run's columns are the union of its
/// rows' series (`NaN` where a row lacked one). Rows at or before the previous
/// row's seq (a replay) are dropped.
pub fn runs(blocks: &[Block], block_ms: i64) -> Vec<Block> {
    let block_ms = block_ms.max(1);
    let mut out: Vec<Block> = Vec::new();
    for block in blocks {
        let mut positions: Vec<usize> = Vec::new();
        let mut positions_of: Option<usize> = None;
        for (row, &ts) in block.ts.iter().enumerate() {
            let seq = block.first_seq + row as u64;
            let joins = out.last().is_some_and(|run| {
                run.epoch == block.epoch
                    && seq == run.last_seq() + 1
                    && ts.div_euclid(block_ms) == run.ts[0].div_euclid(block_ms)
            });
            if let Some(run) = out.last() {
                if run.epoch == block.epoch && seq <= run.last_seq() {
                    continue;
                }
            }
            if !joins {
                out.push(Block { epoch: block.epoch.clone(), first_seq: seq, ts: Vec::new(), columns: Vec::new() });
                positions_of = None;
            }
            let run = out.len() - 1;
            let run = &mut out[run];
            if positions_of != Some(run.columns.len()) || positions.len() != block.columns.len() {
                positions = block
                    .columns
                    .iter()
                    .map(|c| {
                        run.columns.iter().position(|have| have.id == c.id).unwrap_or_else(|| {
                            run.columns.push(Column {
                                id: c.id.clone(),
                                decimals: c.decimals,
                                values: vec![f64::NAN; run.ts.len()],
                            });
                            run.columns.len() - 1
                        })
                    })
                    .collect();
                positions_of = Some(run.columns.len());
            }
            run.ts.push(ts);
            for (source, &at) in block.columns.iter().zip(&positions) {
                run.columns[at].values.push(source.values.get(row).copied().unwrap_or(f64::NAN));
            }
            let rows = run.ts.len();
            run.columns.iter_mut().filter(|c| c.values.len() < rows).for_each(|c| c.values.push(f64::NAN));
        }
    }
    out
}

/// [`runs`] of blocks the caller gives up: a lone block that is already a run
/// (every column full, every row in its first row's `block_ms` span) is moved
/// out as it is, without copying its rows; anything else goes through [`runs`].
/// A host's flush is nearly always one such block, and rebuilding it (a vector
/// per column, every id cloned) cost more than the rows it moved.
pub fn into_runs(mut blocks: Vec<Block>, block_ms: i64) -> Vec<Block> {
    if blocks.len() == 1 && is_run(&blocks[0], block_ms) {
        return blocks;
    }
    let out = runs(&blocks, block_ms);
    blocks.clear();
    out
}

/// Whether `block` is one run as [`runs`] would make it: rows, every column as
/// long as `ts`, and every row in the first row's `block_ms` span.
fn is_run(block: &Block, block_ms: i64) -> bool {
    let block_ms = block_ms.max(1);
    let Some(&first) = block.ts.first() else { return false };
    let span = first.div_euclid(block_ms);
    block.columns.iter().all(|c| c.values.len() == block.ts.len())
        && block.ts.iter().all(|t| t.div_euclid(block_ms) == span)
}

/// The rows of `block` before `at`, and the rows from `at` on.
pub fn split_at(block: &Block, at: i64) -> (Block, Block) {
    let cut = block.ts.partition_point(|&t| t < at);
    let part = |range: std::ops::Range<usize>| Block {
        epoch: block.epoch.clone(),
        first_seq: block.first_seq + range.start as u64,
        ts: block.ts[range.clone()].to_vec(),
        columns: block
            .columns
            .iter()
            .map(|c| Column { id: c.id.clone(), decimals: c.decimals, values: c.values[range.clone()].to_vec() })
            .collect(),
    };
    (part(0..cut), part(cut..block.ts.len()))
}

#[cfg(test)]
mod tests;
