//! Command-line flags. The benchmark: `--hosts N --flushes N --compact-batch N --reads N
//! --engines a,b --crash-seconds S --out PATH --seed N`. The crash check's child runs the
//! same binary with `--writer ENGINE --dir PATH` (and the parent's `--hosts` and `--seed`).

use std::path::PathBuf;

use crate::engine::Kind;
use crate::error::{Error, Result};
use crate::workload::Shape;

const USAGE: &str = "usage: pulse-bench-store-engines [--hosts 1000] [--flushes 720] [--compact-batch 100] \
     [--reads 200] [--engines sqlite,fjall,redb] [--crash-seconds 2] [--out bench/results/store-engines.md] [--seed N]";

/// What to run.
#[derive(Debug, Clone)]
pub struct Args {
    /// The workload's size.
    pub shape: Shape,
    /// Range reads timed after the reopen, each of one random host.
    pub reads: usize,
    /// The engines to measure, in this order.
    pub engines: Vec<Kind>,
    /// How long the crash check's writer runs before it is killed.
    pub crash_seconds: f64,
    /// Where the Markdown report goes.
    pub out: PathBuf,
    /// Seeds the blobs' bytes and the hosts read.
    pub seed: u64,
    /// Set in the crash check's child: write flushes into this engine and directory until killed.
    pub writer: Option<(Kind, PathBuf)>,
}

impl Args {
    /// Parses the flags after the program name.
    pub fn parse(mut args: impl Iterator<Item = String>) -> Result<Args> {
        let mut parsed = Args {
            shape: Shape::default(),
            reads: 200,
            engines: Kind::ALL.to_vec(),
            crash_seconds: 2.0,
            out: PathBuf::from("bench/results/store-engines.md"),
            seed: 0x5eed,
            writer: None,
        };
        let (mut writer, mut dir) = (None, None);
        // Bounded: every flag takes one value, so there are at most as many rounds as arguments.
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| Error::Args(format!("{flag} needs a value")));
            match flag.as_str() {
                "--hosts" => parsed.shape.hosts = number(&flag, &value()?)?,
                "--flushes" => parsed.shape.flushes = number(&flag, &value()?)?,
                "--compact-batch" => parsed.shape.compact_batch = number(&flag, &value()?)?,
                "--reads" => parsed.reads = number(&flag, &value()?)?,
                "--engines" => parsed.engines = value()?.split(',').map(engine).collect::<Result<_>>()?,
                "--crash-seconds" => parsed.crash_seconds = number(&flag, &value()?)?,
                "--out" => parsed.out = PathBuf::from(value()?),
                "--seed" => parsed.seed = number(&flag, &value()?)?,
                "--writer" => writer = Some(engine(&value()?)?),
                "--dir" => dir = Some(PathBuf::from(value()?)),
                "--help" | "-h" => return Err(Error::Args(USAGE.into())),
                other => return Err(Error::Args(format!("unknown flag {other}"))),
            }
        }
        parsed.writer = match (writer, dir) {
            (Some(kind), Some(dir)) => Some((kind, dir)),
            (None, None) => None,
            _ => return Err(Error::Args("--writer and --dir go together".into())),
        };
        let shape = &parsed.shape;
        if shape.hosts == 0 || shape.hosts > 100_000 {
            return Err(Error::Args("--hosts must be 1 to 100000".into()));
        }
        if shape.flushes < shape.compact_every || !shape.flushes.is_multiple_of(shape.compact_every) {
            return Err(Error::Args(format!("--flushes must be a positive multiple of {}", shape.compact_every)));
        }
        if shape.compact_batch == 0 {
            return Err(Error::Args("--compact-batch must be at least 1".into()));
        }
        if parsed.engines.is_empty() || parsed.reads == 0 {
            return Err(Error::Args("--engines and --reads must not be empty".into()));
        }
        if !(0.1..=60.0).contains(&parsed.crash_seconds) {
            return Err(Error::Args("--crash-seconds must be 0.1 to 60".into()));
        }
        Ok(parsed)
    }
}

fn engine(name: &str) -> Result<Kind> {
    let known: Vec<_> = Kind::ALL.iter().map(|kind| kind.name()).collect();
    Kind::parse(name).ok_or_else(|| Error::Args(format!("unknown engine {name} (built in: {})", known.join(", "))))
}

fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T> {
    text.parse().map_err(|_| Error::Args(format!("{flag}: not a number: {text}")))
}
