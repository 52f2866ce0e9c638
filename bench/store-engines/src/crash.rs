//! The crash check. A child process (this binary with `--writer`) runs the ingest
//! workload without end and prints each flush's number once its commit returned; the
//! parent kills it with SIGKILL after a while, reopens the store and checks that every
//! flush reported committed is there (as its segment, or inside the block compacted
//! from it), and that no flush or compaction is half there.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::engine::Kind;
use crate::error::{Error, Result};
use crate::machine::Scratch;
use crate::rng::XorShift;
use crate::workload::{self, Shape, BLOCK, FLUSH_MS, SEGMENT};

/// What the crash check found.
#[derive(Debug, Clone)]
pub struct Crash {
    /// Flushes the writer reported committed before it was killed.
    pub committed: usize,
    /// How long the writer ran.
    pub killed_after: Duration,
    /// Host-segments of reported flushes not found after the reopen (must be 0).
    pub missing: usize,
    /// Flushes found on some hosts but not all, and blocks found beside a segment
    /// they were compacted from (must be 0: each was one transaction).
    pub torn: usize,
    /// Reopen after the kill until the check's first read returned.
    pub reopen: Duration,
}

impl Crash {
    /// Every reported flush survived, whole, and the writer got far enough to tell.
    pub fn passed(&self) -> bool {
        self.committed > 0 && self.missing == 0 && self.torn == 0
    }
}

/// The child's side: writes into `dir` until killed, printing each committed flush.
pub fn writer(kind: Kind, dir: &Path, shape: &Shape, seed: u64) -> Result<()> {
    let mut engine = kind.open(dir)?;
    let hosts = workload::host_names(shape.hosts);
    let mut rng = XorShift::new(seed);
    let mut stdout = std::io::stdout().lock();
    workload::ingest(engine.as_mut(), shape, &hosts, &mut rng, u64::MAX, |n| {
        writeln!(stdout, "{n}")?;
        stdout.flush()?;
        Ok(())
    })?;
    Ok(())
}

/// The parent's side: runs a writer for about `seconds`, kills it, and checks the store.
pub fn check(kind: Kind, shape: &Shape, seed: u64, seconds: f64) -> Result<Crash> {
    let scratch = Scratch::new(&format!("{}-crash", kind.name()))?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["--writer", kind.name(), "--dir"])
        .arg(scratch.path())
        .args(["--hosts", &shape.hosts.to_string(), "--compact-batch", &shape.compact_batch.to_string()])
        .args(["--seed", &seed.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()?;
    let started = Instant::now();
    let stdout = child.stdout.take().ok_or_else(|| Error::Check("the writer has no stdout".into()))?;
    let reader = std::thread::spawn(move || {
        BufReader::new(stdout).lines().map_while(|line| line.ok()).filter_map(|line| line.trim().parse().ok()).collect()
    });
    // A little jitter, so the kill lands at a different point of the flush/compaction cycle per seed.
    let jitter = XorShift::new(seed ^ 0xc4a5).below(500) as f64 / 1_000.0;
    std::thread::sleep(Duration::from_secs_f64(seconds + jitter));
    if let Some(status) = child.try_wait()? {
        return Err(Error::Check(format!("the {} writer ended by itself: {status}", kind.name())));
    }
    child.kill()?; // SIGKILL on Unix.
    child.wait()?;
    let killed_after = started.elapsed();
    let committed: Vec<u64> = reader.join().map_err(|_| Error::Check("the writer's reader panicked".into()))?;

    let timer = Instant::now();
    let engine = kind.open(scratch.path())?;
    let hosts = workload::host_names(shape.hosts);
    let mut reopen = None;
    let (mut missing, mut torn) = (0, 0);
    let last = committed.last().copied().unwrap_or(0);
    // How many hosts hold each flush (as a segment or in a block): 0 or all of them.
    let mut holders = vec![0usize; last as usize + 2];
    let minute = shape.compact_every as u64 * FLUSH_MS;
    for host in &hosts {
        let segments: HashSet<u64> =
            engine.read_range(host, SEGMENT, 0..u64::MAX)?.into_iter().map(|(s, _)| s).collect();
        let blocks: HashSet<u64> = engine.read_range(host, BLOCK, 0..u64::MAX)?.into_iter().map(|(s, _)| s).collect();
        reopen.get_or_insert_with(|| timer.elapsed());
        let held = |n: u64| {
            let start = workload::flush_start(n);
            segments.contains(&start) || blocks.contains(&(start - (start - workload::flush_start(0)) % minute))
        };
        missing += committed.iter().filter(|&&n| !held(n)).count();
        for (n, count) in holders.iter_mut().enumerate() {
            *count += usize::from(held(n as u64));
        }
        torn += blocks.iter().filter(|&&block| segments.iter().any(|s| (block..block + minute).contains(s))).count();
    }
    torn += holders.iter().filter(|&&count| count != 0 && count != hosts.len()).count();
    engine.close()?;
    Ok(Crash { committed: committed.len(), killed_after, missing, torn, reopen: reopen.unwrap_or_default() })
}
