//! `pulse-bench-store-engines`: a benchmark (not a test) that chooses the history store's
//! embedded engine by measurement. The same workload (1,000 hosts flushing a small
//! segment every simulated 5 s, compacted into one-minute blocks; then range reads, a
//! reopen and a SIGKILL crash check) runs against SQLite, fjall and redb, and a Markdown
//! table goes to stdout and to `bench/results/store-engines.md`.
//!
//! ```text
//! cargo run --release -p pulse-bench-store-engines -- --hosts 1000 --flushes 720
//! ```
//!
//! Each engine is a cargo feature (all on by default), so that one can be built alone
//! to measure what it adds to the build (`bench/store-engines/build-cost.sh`).

mod args;
mod crash;
mod engine;
mod error;
#[cfg(any(feature = "fjall", feature = "redb"))]
mod key;
mod machine;
mod report;
mod rng;
mod run;
mod workload;

use std::process::ExitCode;

use args::Args;
use error::Result;

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("pulse-bench-store-engines: {error}");
            return ExitCode::from(2);
        }
    };
    let outcome = match &args.writer {
        Some((kind, dir)) => crash::writer(*kind, dir, &args.shape, args.seed),
        None => bench(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pulse-bench-store-engines: {error}");
            ExitCode::from(1)
        }
    }
}

fn bench(args: &Args) -> Result<()> {
    let mut figures = Vec::new();
    for &kind in &args.engines {
        eprintln!(
            "pulse-bench-store-engines: {} ({} hosts, {} flushes)",
            kind.name(),
            args.shape.hosts,
            args.shape.flushes
        );
        figures.push(run::measure(kind, args)?);
    }
    let report = report::render(args, &figures);
    print!("{report}");
    if let Some(dir) = args.out.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, report)?;
    eprintln!("pulse-bench-store-engines: wrote {}", args.out.display());
    Ok(())
}
