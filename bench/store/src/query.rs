//! Latency of `width=` answers for one chart (4 series, 1,000 px) over 5 m, 24 h
//! and 30 d, each ending at the store's newest sample, on random hosts of a
//! filled store: the server's own drawing path (`Persist::picture`), minus HTTP.

use std::collections::HashMap;
use std::time::Instant;

use pulse_server::persist::picture::Window;
use pulse_server::persist::Persist;
use pulse_store::Tiers;

use crate::{number, required};

const SERIES: [&str; 4] = ["cpu.total", "mem.used", "net.rx", "net.tx"];

/// Runs the queries and prints a markdown table.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let dir = std::path::PathBuf::from(required(flags, "data")?);
    let rounds = number(flags, "rounds", 100)? as usize;
    let persist = Persist::open(&dir, Tiers::default());
    let all = persist.hosts().map_err(|e| e.to_string())?;
    // `--pick N`: ask only of host-1 … host-N (the ones filled with the most days).
    let pick = number(flags, "pick", 0)?;
    let hosts: Vec<_> = all
        .iter()
        .filter(|h| {
            pick == 0 || h.id.strip_prefix("host-").and_then(|n| n.parse::<u64>().ok()).is_some_and(|n| n <= pick)
        })
        .cloned()
        .collect();
    if hosts.is_empty() {
        return Err(format!("{} holds no hosts: fill it first", dir.display()));
    }
    let series: Vec<String> = SERIES.iter().map(|s| (*s).to_owned()).collect();
    println!(
        "{} hosts in the store; {rounds} queries per range, 4 series, 1,000 px, each on a random one of {}.",
        all.len(),
        hosts.len()
    );
    println!();
    println!("| range | tier | rows | p50 | p95 |");
    println!("|---|---|---:|---:|---:|");
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for (name, span) in [("5 m", 300_000i64), ("24 h", 86_400_000), ("30 d", 30 * 86_400_000)] {
        let mut times = Vec::with_capacity(rounds);
        let (mut tier, mut rows) = ("", 0);
        for _ in 0..rounds {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let host = &hosts[seed as usize % hosts.len()];
            let to = host.newest_ts + 1;
            let window = Window {
                host: &host.id,
                series: &series,
                from: to - span,
                to,
                width: 1_000,
                interval_ms: 1_000,
                now: to,
            };
            let started = Instant::now();
            let answer = persist.picture(&window, &[], true).map_err(|e| e.to_string())?;
            times.push(started.elapsed().as_secs_f64() * 1e3);
            (tier, rows) = (answer.tier, answer.drawn.ts.len());
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
        println!("| {name} | {tier} | {rows} | {:.2} ms | {:.2} ms |", at(0.5), at(0.95));
    }
    Ok(())
}
