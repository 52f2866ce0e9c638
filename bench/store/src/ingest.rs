//! The hub's CPU per stored sample with `--hosts` hosts of real recorded frames
//! at 1 Hz: each frame is kept as an agent's is (queued), flushed every 5 s, and
//! sealed (from memory) into blocks of `--block-minutes` (default the raw tier's)
//! as the hub's store thread does, a seal round each simulated second, through
//! the server's own `Persist`, as fast as it goes in simulated time. The same loop without the store runs beside it as the anchor.

use std::collections::HashMap;

use pulse_protocol::Epoch;
use pulse_server::hub::Keeper;
use pulse_server::persist::Persist;
use pulse_store::Tiers;

use crate::usage::{cpu_seconds, dir_bytes};
use crate::{number, real, required};

/// Runs both loops and prints a markdown table.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let (frames, catalog) = real::read(required(flags, "frames")?)?;
    let hosts = number(flags, "hosts", 10_000)? as usize;
    let seconds = number(flags, "seconds", 120)? as i64;
    let flush_every = number(flags, "flush-every", pulse_server::persist::FLUSH_EVERY.as_secs())?.max(1) as i64;
    let dir = std::env::temp_dir().join(format!("pulse-ingest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut tiers = Tiers::default();
    let minutes = number(flags, "block-minutes", (tiers.0[0].block_ms / 60_000) as u64)?.max(1);
    tiers.0[0].block_ms = minutes as i64 * 60_000;
    let persist = Persist::open(&dir, tiers);
    let keepers: Vec<_> = (0..hosts).map(|h| persist.keeper(&format!("host-{h}"))).collect();
    let epoch = Epoch("bench".into());
    let catalog = std::sync::Arc::new(catalog);
    let start = 1_800_000_000_000i64;
    let mut template = frames[0].clone();
    let mut held = 0usize;
    let mut pass = |store: bool| {
        let before = cpu_seconds();
        let mut touched = 0.0;
        for t in 0..seconds {
            for (h, keeper) in keepers.iter().enumerate() {
                let source = &frames[(t as usize + h * 7) % frames.len()];
                template.seq = t as u64 + 1;
                template.ts = start + t * 1_000 + (h % 1_000) as i64;
                template.values.clone_from(&source.values);
                if store {
                    keeper.keep(&epoch, &template, &catalog, false);
                } else {
                    touched += template.values.len() as f64;
                }
            }
            if store && t % flush_every == flush_every - 1 {
                persist.flush();
            }
            if store {
                persist.seal(start + t * 1_000);
                if t % 60 == 59 {
                    held = held.max(persist.unsealed_bytes());
                }
            }
        }
        std::hint::black_box(touched);
        cpu_seconds() - before
    };
    let anchor = pass(false);
    let stored = pass(true);
    persist.flush();
    let samples = (hosts as i64 * seconds) as f64 * frames[0].values.len() as f64;
    let per = |cpu: f64| cpu / samples * 1e6;
    println!("{hosts} hosts x {seconds} s of real frames ({} series), {samples} samples; WAL, synchronous=NORMAL (a commit survives kill -9; fsync at checkpoints).", frames[0].values.len());
    println!();
    println!("| loop | CPU s | µs per sample |");
    println!("|---|---:|---:|");
    println!("| anchor: the same loop, frames built, not stored | {anchor:.2} | {:.3} |", per(anchor));
    println!(
        "| stored: queued, flushed every {flush_every} s, sealed into {minutes}-minute blocks | {stored:.2} | {:.3} |",
        per(stored)
    );
    println!("| **the store's own cost** | {:.2} | **{:.3}** |", stored - anchor, per(stored - anchor));
    println!();
    println!(
        "Memory held for sealing (rows not sealed yet) at its peak: {:.1} MiB, {:.1} KiB a host.",
        held as f64 / (1u64 << 20) as f64,
        held as f64 / 1024.0 / hosts as f64
    );
    println!();
    println!(
        "The directory after the run: {:.1} MiB (its last minute still in segments, the WAL, and pages freed by sealing, which later writes reuse).",
        dir_bytes(&dir) as f64 / (1u64 << 20) as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
