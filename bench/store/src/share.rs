//! `share --hosts N --hours H`: what sealing costs with `--redis`, per host and
//! hour, on three stores written the same synthetic samples (`fill`'s 12 series):
//! a hub alone seals each hour itself (`seal_rows`, from memory, as today); the
//! owner seals it and encodes what it wrote for Redis (`seal_rows_shared`,
//! `encode_sealed`); another hub decodes that and adopts it (`decode_sealed`,
//! `adopt`, its rows known from memory). CPU of this process for each part alone.
//! The minute tier's chunk is a day, merged again at every hour: later hours of a
//! day cost more, so H = 24 gives a whole day's average.

use std::collections::HashMap;

use pulse_store::codec::{decode_sealed, encode_sealed};
use pulse_store::share::spans_of;
use pulse_store::{Adopted, HostRecord, Store, Tiers};

use crate::fill::block_of;
use crate::number;
use crate::usage::cpu_seconds;

const HOUR_MS: i64 = 3_600_000;

/// Runs the three and prints a markdown table.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let hosts = number(flags, "hosts", 100)?;
    let hours = number(flags, "hours", 24)? as i64;
    let dir = std::env::temp_dir().join(format!("pulse-share-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let open = |name: &str| Store::open(&dir.join(name), Tiers::default()).map_err(|e| e.to_string());
    let (mut alone, mut owner, mut other) = (open("alone")?, open("owner")?, open("other")?);
    let start = 1_800_000_000_000i64.div_euclid(86_400_000) * 86_400_000;
    let (mut cpu_alone, mut cpu_owner, mut cpu_other) = (0.0, 0.0, 0.0);
    let (mut published, mut merged) = (0usize, 0usize);
    for hour in 0..hours {
        let (from, to) = (start + hour * HOUR_MS, start + (hour + 1) * HOUR_MS);
        let rows: Vec<_> = (0..hosts).map(|h| block_of(h, 1 + (hour * 3_600) as u64, from, to, 0)).collect();
        for (h, block) in rows.iter().enumerate() {
            let id = format!("host-{h}");
            let record = HostRecord {
                id: id.clone(),
                name: id.clone(),
                tags: String::new(),
                local: false,
                epoch: block.epoch.clone(),
                newest_seq: block.last_seq(),
                newest_ts: to - 1_000,
                catalog: String::new(),
            };
            let segments = [(id, block.clone())];
            for store in [&mut alone, &mut owner, &mut other] {
                store.write(std::slice::from_ref(&record), &segments).map_err(|e| e.to_string())?;
            }
        }
        let before = cpu_seconds();
        for (h, block) in rows.iter().enumerate() {
            alone.seal_rows(&format!("host-{h}"), to, std::slice::from_ref(block)).map_err(|e| e.to_string())?;
        }
        cpu_alone += cpu_seconds() - before;
        let before = cpu_seconds();
        let mut sent = Vec::new();
        for (h, block) in rows.iter().enumerate() {
            let sealed = owner
                .seal_rows_shared(&format!("host-{h}"), to, std::slice::from_ref(block))
                .map_err(|e| e.to_string())?;
            sent.push(encode_sealed(&sealed));
        }
        cpu_owner += cpu_seconds() - before;
        published += sent.iter().map(Vec::len).sum::<usize>();
        let before = cpu_seconds();
        for (h, (block, bytes)) in rows.iter().zip(&sent).enumerate() {
            let sealed = decode_sealed(bytes).map_err(|e| e.to_string())?;
            let mine = spans_of(std::slice::from_ref(block));
            match other.adopt(&format!("host-{h}"), to, &sealed, Some(&mine)).map_err(|e| e.to_string())? {
                Adopted::Written { merged: m } => merged += m,
                Adopted::Short => return Err("an hour was not adopted".into()),
            }
        }
        cpu_other += cpu_seconds() - before;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let per = |cpu: f64| cpu / (hosts as f64 * hours as f64) * 1e3;
    println!("{hosts} hosts x {hours} hours (a day's minute chunk merged at every hour), 12 series at 1 Hz, one core.");
    println!();
    println!("| a host's hour, on | CPU s in all | ms a host-hour |");
    println!("|---|---|---|");
    println!("| a hub alone: seals it (`seal_rows`, today) | {cpu_alone:.2} | {:.2} |", per(cpu_alone));
    println!("| the owner: seals it and encodes it for Redis | {cpu_owner:.2} | {:.2} |", per(cpu_owner));
    println!("| another hub: decodes and adopts it | {cpu_other:.2} | {:.2} |", per(cpu_other));
    println!();
    println!(
        "Published: {:.1} KB a host-hour; rollup chunks merged by the adopter (not the owner's): {merged}.",
        published as f64 / (hosts as f64 * hours as f64) / 1e3
    );
    Ok(())
}
