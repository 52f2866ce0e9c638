//! The Markdown report: one column per engine, one row per figure, then how each was measured.

use std::fmt::Write as _;
use std::time::Duration;

use crate::args::Args;
use crate::machine;
use crate::run::Figures;

/// The whole report.
pub fn render(args: &Args, figures: &[Figures]) -> String {
    let shape = &args.shape;
    let mut out = String::new();
    let command = format!(
        "cargo run --release -p pulse-bench-store-engines -- --hosts {} --flushes {}",
        shape.hosts, shape.flushes
    );
    let _ = writeln!(out, "Command: `{command}` (or `./pulse bench store-engines`)\n");
    let commit = machine::commit().unwrap_or_else(|| "unknown".into());
    let _ = writeln!(out, "Machine: {}. Date: {}, commit `{commit}`.\n", machine::describe(), machine::now_utc());
    let _ = writeln!(
        out,
        "# History store engines: {} hosts, {} flushes ({:.1} simulated hours)\n",
        shape.hosts,
        shape.flushes,
        shape.flushes as f64 * 5.0 / 3_600.0
    );

    let mut table = Table::new(figures.iter().map(|f| f.kind.name().to_owned()));
    table.row("crate", figures.iter().map(|f| f.kind.version()));
    table.row(
        "a commit survives",
        figures.iter().map(|f| f.kind.durability().split(" (").next().unwrap_or("").to_owned()),
    );
    table.row(
        &format!("flush commit ({} host-segments, 1 txn), p50 / p95", shape.hosts),
        figures.iter().map(|f| pair(&f.ingest.flushes)),
    );
    table.row(
        &format!(
            "compaction round ({} hosts × {} segments → 1 block, {} txns), p50 / p95",
            shape.hosts,
            shape.compact_every,
            shape.hosts.div_ceil(shape.compact_batch)
        ),
        figures.iter().map(|f| pair(&f.ingest.compactions)),
    );
    table.row("ingest wall time (flushes + compactions)", figures.iter().map(|f| time(f.ingest.wall)));
    table.row(
        "ingest throughput, host-segments/s",
        figures.iter().map(|f| format!("{:.0}", f.ingest.segments as f64 / f.ingest.wall.as_secs_f64())),
    );
    table.row("CPU time over the ingest (user + sys, all threads)", figures.iter().map(|f| time(f.ingest.cpu)));
    table.row(
        "CPU per host-segment (flush + its share of compaction)",
        figures.iter().map(|f| time(f.ingest.cpu / f.ingest.segments.max(1) as u32)),
    );
    table.row(
        "written during the ingest: to the kernel / to storage",
        figures.iter().map(|f| format!("{} / {}", bytes(f.ingest.written.0), bytes(f.ingest.written.1))),
    );
    table.row(
        "written to the kernel per byte of segment ingested",
        figures.iter().map(|f| format!("{:.1}×", f.ingest.written.0 as f64 / f.ingest.segment_bytes.max(1) as f64)),
    );
    table.row("logical bytes stored (sum of blob lengths)", figures.iter().map(|f| bytes(f.ingest.logical_bytes)));
    table.row(
        "on disk after a checkpoint (file lengths), overhead",
        figures.iter().map(|f| format!("{} ({})", bytes(f.size.0), overhead(f.size.0, f.ingest.logical_bytes))),
    );
    table.row(
        "on disk, allocated blocks, overhead",
        figures.iter().map(|f| format!("{} ({})", bytes(f.size.1), overhead(f.size.1, f.ingest.logical_bytes))),
    );
    table.row("close, reopen → first read returned", figures.iter().map(|f| time(f.reopen)));
    table.row(
        &format!("range read of one host's {} blocks, p50 / p95", figures.first().map_or(0, |f| f.blocks_per_read)),
        figures.iter().map(|f| pair(&f.reads)),
    );
    table.row("crash check (SIGKILL mid-ingest)", figures.iter().map(crash));
    out.push_str(&table.render());

    let _ = writeln!(out, "\nDurability of a commit, as configured:\n");
    for f in figures {
        let _ = writeln!(out, "- **{}**: {}", f.kind.name(), f.kind.durability());
    }
    let _ = writeln!(
        out,
        "\nEach engine runs alone in a fresh directory under /tmp, one after the other in one process. Ingest: \
         every flush writes one {}-byte (±10 %) incompressible segment per host in one transaction; every {} flushes \
         each host's segments are read, written back as one block of 60 % of their bytes and deleted, {} hosts per \
         transaction. Reads come after a close and reopen: {} reads, each of every block of a random host. The crash \
         check runs the same ingest in a child process, SIGKILLs it after {} s (+ up to 0.5 s), reopens, and checks \
         every flush the child printed after its commit.",
        shape.segment_bytes, shape.compact_every, shape.compact_batch, args.reads, args.crash_seconds
    );
    out
}

fn crash(f: &Figures) -> String {
    let c = &f.crash;
    format!(
        "{} ({} flushes reported, {} missing, {} torn; killed at {:.1} s; reopen {})",
        if c.passed() { "**pass**" } else { "**FAIL**" },
        c.committed,
        c.missing,
        c.torn,
        c.killed_after.as_secs_f64(),
        time(c.reopen)
    )
}

/// A Markdown table with a label column and one column per engine.
struct Table {
    lines: Vec<String>,
}

impl Table {
    fn new(columns: impl Iterator<Item = String>) -> Table {
        let columns: Vec<String> = columns.collect();
        let head = format!("| | {} |", columns.join(" | "));
        let rule = format!("|---|{}", "---:|".repeat(columns.len()));
        Table { lines: vec![head, rule] }
    }

    fn row(&mut self, label: &str, cells: impl Iterator<Item = String>) {
        let cells: Vec<String> = cells.collect();
        self.lines.push(format!("| {label} | {} |", cells.join(" | ")));
    }

    fn render(&self) -> String {
        self.lines.iter().map(|line| format!("{line}\n")).collect()
    }
}

/// The `p`-th percentile (nearest rank) of `times`.
fn percentile(times: &[Duration], p: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let rank = ((p / 100.0 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied().unwrap_or_default()
}

fn pair(times: &[Duration]) -> String {
    format!("{} / {}", time(percentile(times, 50.0)), time(percentile(times, 95.0)))
}

fn time(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 1e-3 {
        format!("{:.0} µs", secs * 1e6)
    } else if secs < 1.0 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{secs:.2} s")
    }
}

fn bytes(n: u64) -> String {
    format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
}

fn overhead(on_disk: u64, logical: u64) -> String {
    format!("{:+.0} %", (on_disk as f64 / logical.max(1) as f64 - 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let times: Vec<_> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&times, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&times, 95.0), Duration::from_millis(95));
        assert_eq!(percentile(&times[..1], 95.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}
