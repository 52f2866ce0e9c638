//! One engine, measured: ingest, size at rest, reopen, range reads, then the crash check,
//! each store in its own scratch directory removed afterwards.

use std::time::{Duration, Instant};

use crate::args::Args;
use crate::crash::{self, Crash};
use crate::engine::Kind;
use crate::error::Result;
use crate::machine::{self, Scratch};
use crate::rng::XorShift;
use crate::workload::{self, Ingest, BLOCK};

/// Everything measured for one engine.
#[derive(Debug, Clone)]
pub struct Figures {
    /// The engine.
    pub kind: Kind,
    /// The ingest phase.
    pub ingest: Ingest,
    /// Bytes under the store's directory after the ingest and a checkpoint: file lengths, allocated.
    pub size: (u64, u64),
    /// Close, open again, until a first read returned.
    pub reopen: Duration,
    /// Each range read's latency (every block of one random host).
    pub reads: Vec<Duration>,
    /// Blocks each range read returned.
    pub blocks_per_read: usize,
    /// The crash check.
    pub crash: Crash,
}

/// Runs the whole workload against `kind`.
pub fn measure(kind: Kind, args: &Args) -> Result<Figures> {
    let shape = &args.shape;
    let hosts = workload::host_names(shape.hosts);
    let mut rng = XorShift::new(args.seed);
    let scratch = Scratch::new(kind.name())?;
    let mut engine = kind.open(scratch.path())?;
    let ingest = workload::ingest(engine.as_mut(), shape, &hosts, &mut rng, shape.flushes as u64, |_| Ok(()))?;
    engine.checkpoint()?;
    let size = machine::dir_size(scratch.path())?;
    engine.close()?;
    eprintln!("  {}: ingest {:.1} s, {:.1} s CPU", kind.name(), ingest.wall.as_secs_f64(), ingest.cpu.as_secs_f64());

    let timer = Instant::now();
    let engine = kind.open(scratch.path())?;
    engine.read_range(&hosts[0], BLOCK, 0..u64::MAX)?;
    let reopen = timer.elapsed();
    let blocks_per_read = shape.flushes / shape.compact_every;
    let reads = workload::range_reads(engine.as_ref(), &hosts, args.reads, blocks_per_read, &mut rng)?;
    engine.close()?;
    drop(scratch);

    let crash = crash::check(kind, shape, args.seed, args.crash_seconds)?;
    eprintln!(
        "  {}: crash check {} ({} flushes committed)",
        kind.name(),
        if crash.passed() { "passed" } else { "FAILED" },
        crash.committed
    );
    Ok(Figures { kind, ingest, size, reopen, reads, blocks_per_read, crash })
}
