//! Bytes on disk per sample, on real host data: the recorded frames go through
//! the server's own `Persist` as a hub writes an agent's host (5-second
//! segments, sealed from memory into blocks of `--block-minutes`, default the
//! raw tier's, with their rollups), then the file's pages in use are counted.

use std::collections::HashMap;
use std::sync::Arc;

use pulse_protocol::Epoch;
use pulse_server::hub::Keeper;
use pulse_server::persist::{pending, Persist};
use pulse_store::{Store, Tiers};

use crate::{number, real, required};

/// Runs the measurement and prints a markdown table.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let (frames, catalog) = real::read(required(flags, "frames")?)?;
    let mut tiers = Tiers::default();
    let minutes = number(flags, "block-minutes", (tiers.0[0].block_ms / 60_000) as u64)?.max(1);
    tiers.0[0].block_ms = minutes as i64 * 60_000;
    let dir = std::env::temp_dir().join(format!("pulse-bytes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let persist = Persist::open(&dir, tiers);
    let keeper = persist.keeper("host");
    let epoch = Epoch("rec".into());
    let catalog = Arc::new(catalog);
    let mut samples = 0usize;
    let mut held = 0usize;
    for (i, frame) in frames.iter().enumerate() {
        samples += frame.values.len();
        keeper.keep(&epoch, frame, &catalog, false);
        if i % 5 == 4 {
            persist.flush();
        }
        held = held.max(persist.unsealed_bytes());
        persist.seal(frame.ts);
    }
    persist.flush();
    persist.seal(i64::MAX);
    drop(keeper);
    drop(persist);
    let store = Store::open(&dir, tiers).map_err(|e| e.to_string())?;
    let tier_bytes = store.bytes().map_err(|e| e.to_string())?;
    let used = store.used_bytes().map_err(|e| e.to_string())?;
    let empty_dir = dir.join("empty");
    let empty = Store::open(&empty_dir, tiers).and_then(|s| s.used_bytes()).map_err(|e| e.to_string())?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let span_s = (frames.last().map_or(0, |f| f.ts) - frames[0].ts) as f64 / 1e3;
    let per = |bytes: u64| bytes as f64 / samples as f64;
    println!(
        "Real data: {} frames of this machine over {:.0} minutes, {} series, {samples} samples; raw blocks of {minutes} minutes.",
        frames.len(),
        span_s / 60.0,
        catalog.series.len()
    );
    println!();
    println!("| part | bytes | bytes per sample |");
    println!("|---|---:|---:|");
    println!("| raw tier (every sample) | {} | {:.3} |", tier_bytes[0], per(tier_bytes[0]));
    println!("| 1-minute rollups | {} | {:.3} |", tier_bytes[1], per(tier_bytes[1]));
    println!("| 1-hour rollups | {} | {:.3} |", tier_bytes[2], per(tier_bytes[2]));
    println!("| the SQLite file's pages in use | {used} | {:.3} |", per(used));
    println!(
        "| **the file's growth over an empty store's {empty} B** | {} | **{:.3}** |",
        used - empty,
        per(used - empty)
    );
    println!();
    println!("Memory held for sealing (the host's unsealed rows) at its peak: {:.1} KiB.", held as f64 / 1024.0);
    Ok(())
}

/// Per series, the bytes its column takes in a 10-minute block of the recording
/// (what to look at when the total is too high).
pub fn columns(flags: &HashMap<String, String>) -> Result<(), String> {
    let (frames, catalog) = real::read(required(flags, "frames")?)?;
    let (mut blocks, mut shape, mut known) = (Vec::new(), pending::Shape::default(), pending::Known::default());
    let catalog = std::sync::Arc::new(catalog);
    for frame in frames.iter().take(600) {
        pending::append(&mut blocks, &mut shape, &mut known, "rec", frame, &catalog);
    }
    let block = blocks.first().ok_or("no block")?;
    let alone = |columns| pulse_store::codec::encode_block(&pulse_store::Block { columns, ..block.clone() }).len();
    let base = alone(Vec::new());
    println!("timestamps and header: {base} B for {} rows", block.len());
    for column in &block.columns {
        println!("{:>16}: {:>6} B", column.id, alone(vec![column.clone()]) - base);
    }
    Ok(())
}
