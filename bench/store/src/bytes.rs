//! Bytes on disk per sample, on real host data: the recorded frames go through
//! the store as a hub writes them (5-second segments, sealed every 10 minutes
//! with their rollups), then the file's pages in use are counted.

use std::collections::HashMap;

use pulse_server::persist::pending;
use pulse_store::{Store, Tiers};

use crate::{real, required};

/// Runs the measurement and prints a markdown table.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let (frames, catalog) = real::read(required(flags, "frames")?)?;
    let dir = std::env::temp_dir().join(format!("pulse-bytes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut store = Store::open(&dir, Tiers::default()).map_err(|e| e.to_string())?;
    let block_ms = store.tiers().0[0].block_ms;
    let mut pending = Vec::new();
    let mut sealed_to = i64::MIN;
    let mut samples = 0usize;
    for (i, frame) in frames.iter().enumerate() {
        samples += frame.values.len();
        pending::append(&mut pending, "rec", frame, &catalog);
        if i % 5 == 4 {
            let segments: Vec<_> = pending.drain(..).map(|b| ("host".to_owned(), b)).collect();
            store.write(&[], &segments).map_err(|e| e.to_string())?;
        }
        let boundary = frame.ts.div_euclid(block_ms) * block_ms;
        if boundary > sealed_to {
            store.seal("host", boundary).map_err(|e| e.to_string())?;
            sealed_to = boundary;
        }
    }
    let segments: Vec<_> = pending.drain(..).map(|b| ("host".to_owned(), b)).collect();
    store.write(&[], &segments).map_err(|e| e.to_string())?;
    store.seal("host", i64::MAX).map_err(|e| e.to_string())?;
    let tiers = store.bytes().map_err(|e| e.to_string())?;
    let used = store.used_bytes().map_err(|e| e.to_string())?;
    let empty_dir = dir.join("empty");
    let empty = Store::open(&empty_dir, Tiers::default()).and_then(|s| s.used_bytes()).map_err(|e| e.to_string())?;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    let span_s = (frames.last().map_or(0, |f| f.ts) - frames[0].ts) as f64 / 1e3;
    let per = |bytes: u64| bytes as f64 / samples as f64;
    println!(
        "Real data: {} frames of this machine over {:.0} minutes, {} series, {samples} samples.",
        frames.len(),
        span_s / 60.0,
        catalog.series.len()
    );
    println!();
    println!("| part | bytes | bytes per sample |");
    println!("|---|---:|---:|");
    println!("| raw tier (every sample) | {} | {:.3} |", tiers[0], per(tiers[0]));
    println!("| 1-minute rollups | {} | {:.3} |", tiers[1], per(tiers[1]));
    println!("| 1-hour rollups | {} | {:.3} |", tiers[2], per(tiers[2]));
    println!("| the SQLite file's pages in use | {used} | {:.3} |", per(used));
    println!(
        "| **the file's growth over an empty store's {empty} B** | {} | **{:.3}** |",
        used - empty,
        per(used - empty)
    );
    Ok(())
}

/// Per series, the bytes its column takes in a 10-minute block of the recording
/// (what to look at when the total is too high).
pub fn columns(flags: &HashMap<String, String>) -> Result<(), String> {
    let (frames, catalog) = real::read(required(flags, "frames")?)?;
    let mut blocks = Vec::new();
    for frame in frames.iter().take(600) {
        pending::append(&mut blocks, "rec", frame, &catalog);
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
