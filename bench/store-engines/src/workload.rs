//! The workload, the same for every engine: hosts flush one small segment each every
//! (simulated) 5 s in one transaction for all, and every minute each host's 12 segments
//! are compacted into one block; afterwards, whole-history range reads of random hosts.

use std::time::{Duration, Instant};

use crate::engine::{Batch, ChunkKey, Engine};
use crate::error::{Error, Result};
use crate::machine;
use crate::rng::XorShift;

/// The tier of the 5 s segments.
pub const SEGMENT: u8 = 0;
/// The tier of the one-minute blocks compacted from them.
pub const BLOCK: u8 = 1;
/// Simulated time between two flushes.
pub const FLUSH_MS: u64 = 5_000;
/// The first flush's time: 2026-01-01 00:00 UTC, in ms.
const EPOCH_MS: u64 = 1_767_225_600_000;

/// The workload's size.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Hosts writing (default 1,000).
    pub hosts: usize,
    /// Flushes in the ingest phase (default 720: one simulated hour).
    pub flushes: usize,
    /// Flushes per compaction: a block is one minute (12).
    pub compact_every: usize,
    /// Hosts compacted per transaction (default 100).
    pub compact_batch: usize,
    /// A segment's mean size: 5 samples × 30 series, already compressed (about 150 bytes).
    pub segment_bytes: usize,
}

impl Default for Shape {
    fn default() -> Self {
        Shape { hosts: 1_000, flushes: 720, compact_every: 12, compact_batch: 100, segment_bytes: 150 }
    }
}

/// What the ingest phase measured.
#[derive(Debug, Clone, Default)]
pub struct Ingest {
    /// Wall time of each flush's commit.
    pub flushes: Vec<Duration>,
    /// Wall time of each compaction round (every host: read 12 segments, write a block, delete them).
    pub compactions: Vec<Duration>,
    /// Wall time of the whole phase.
    pub wall: Duration,
    /// CPU time of the whole process over the phase (user + system, every thread).
    pub cpu: Duration,
    /// Bytes the process wrote over the phase: to the kernel (`wchar`), and to storage (`write_bytes`).
    pub written: (u64, u64),
    /// Host-segments written.
    pub segments: u64,
    /// Bytes of the segments written.
    pub segment_bytes: u64,
    /// The sum of the lengths of the blobs stored at the end.
    pub logical_bytes: u64,
}

/// The hosts' ids: `host-00000`, `host-00001`, …
pub fn host_names(hosts: usize) -> Vec<String> {
    (0..hosts).map(|i| format!("host-{i:05}")).collect()
}

/// The start of flush `n`'s segments.
pub fn flush_start(n: u64) -> u64 {
    EPOCH_MS + n * FLUSH_MS
}

/// Runs `flushes` flushes with a compaction round after every `compact_every`-th.
/// `committed(n)` is called once flush `n` is committed (the crash check's writer prints it).
pub fn ingest(
    engine: &mut dyn Engine,
    shape: &Shape,
    hosts: &[String],
    rng: &mut XorShift,
    flushes: u64,
    mut committed: impl FnMut(u64) -> Result<()>,
) -> Result<Ingest> {
    let mut out = Ingest::default();
    let (started, cpu_before, written_before) = (Instant::now(), machine::cpu_time(), machine::written());
    let spread = shape.segment_bytes / 10;
    for n in 0..flushes {
        let start = flush_start(n);
        let mut batch = Batch::default();
        for host in hosts {
            let len = shape.segment_bytes - spread + rng.below(2 * spread + 1);
            let data = rng.bytes(len);
            out.logical_bytes += data.len() as u64;
            out.segment_bytes += data.len() as u64;
            batch.puts.push((ChunkKey { host, tier: SEGMENT, start }, data));
        }
        let timer = Instant::now();
        engine.write(&batch)?;
        out.flushes.push(timer.elapsed());
        out.segments += hosts.len() as u64;
        committed(n)?;
        if (n + 1).is_multiple_of(shape.compact_every as u64) {
            let minute = flush_start(n + 1 - shape.compact_every as u64);
            let timer = Instant::now();
            for group in hosts.chunks(shape.compact_batch) {
                let batch = compact(engine, shape, group, minute, &mut out.logical_bytes)?;
                engine.write(&batch)?;
            }
            out.compactions.push(timer.elapsed());
        }
    }
    out.wall = started.elapsed();
    out.cpu = machine::cpu_time().saturating_sub(cpu_before);
    let written = machine::written();
    out.written = (written.0.saturating_sub(written_before.0), written.1.saturating_sub(written_before.1));
    Ok(out)
}

/// One transaction's worth of compaction: for each host, its block of the minute
/// starting at `minute` (60 % of its segments' bytes, as a column codec would make of
/// them) and the deletes of those segments.
fn compact<'a>(
    engine: &dyn Engine,
    shape: &Shape,
    hosts: &'a [String],
    minute: u64,
    logical_bytes: &mut u64,
) -> Result<Batch<'a>> {
    let mut batch = Batch::default();
    let end = minute + shape.compact_every as u64 * FLUSH_MS;
    for host in hosts {
        let segments = engine.read_range(host, SEGMENT, minute..end)?;
        if segments.len() != shape.compact_every {
            return Err(Error::Check(format!(
                "{host}: {} segments at {minute}, not {}",
                segments.len(),
                shape.compact_every
            )));
        }
        let mut block: Vec<u8> = segments.iter().flat_map(|(_, data)| data.iter().copied()).collect();
        *logical_bytes -= block.len() as u64;
        block.truncate(block.len() * 6 / 10);
        *logical_bytes += block.len() as u64;
        batch.puts.push((ChunkKey { host, tier: BLOCK, start: minute }, block));
        batch.deletes.extend(segments.iter().map(|(start, _)| ChunkKey { host, tier: SEGMENT, start: *start }));
    }
    Ok(batch)
}

/// Times `reads` reads of every block of a random host, checking each returns `blocks` blocks.
pub fn range_reads(
    engine: &dyn Engine,
    hosts: &[String],
    reads: usize,
    blocks: usize,
    rng: &mut XorShift,
) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(reads);
    for _ in 0..reads {
        let host = &hosts[rng.below(hosts.len())];
        let timer = Instant::now();
        let found = engine.read_range(host, BLOCK, 0..u64::MAX)?;
        times.push(timer.elapsed());
        if found.len() != blocks {
            return Err(Error::Check(format!("{host}: read {} blocks, not {blocks}", found.len())));
        }
    }
    Ok(times)
}
