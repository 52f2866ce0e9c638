//! Figure b, in a real hub: its CPU per ingested sample with 1,000 agents at 1 Hz,
//! with alerts off, with a rules file of no rules (the taps and the engine task,
//! nothing to judge) and with 100 rules on every host (and, with `--before-server`,
//! 100 rules on another build of the hub). Each case is a fresh hub
//! (pinned to `--hub-cpu`, one worker), the agents played from this process; the
//! cases alternate round by round. The difference between the cases is what the
//! alert engine costs per sample.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::watch;

use crate::agent::{self, Stream};
use crate::args::Flags;
use crate::clock::{now_ms, until_ms};
use crate::error::Result;
use crate::hub::Spec;
use crate::receiver::Receiver;
use crate::rules;
use crate::scratch::Scratch;

/// A value of `cpu.total` no rule fires on.
const CPU: f64 = 12.0;
/// New links a second while the agents connect.
const OPEN_RATE: u64 = 250;

/// One case: a label, its rules (`None`: alerts off) and its hub binary.
struct Case {
    label: &'static str,
    rules: Option<usize>,
    binary: PathBuf,
}

/// Runs every case `rounds` times; one JSON object per case and round.
pub async fn run(mut flags: Flags) -> Result<Vec<Value>> {
    let binary = flags.server();
    let agents: usize = flags.get("agents", 1_000)?;
    let count: usize = flags.get("rules", 100)?;
    let warmup: u64 = flags.get("warmup", 20)?;
    let seconds: u64 = flags.get("seconds", 60)?;
    let rounds: usize = flags.get("rounds", 2)?;
    let cpu: i64 = flags.get("hub-cpu", 0)?;
    let before = flags.text("before-server", "");
    flags.done()?;
    let mut cases = vec![
        Case { label: "alerts off", rules: None, binary: binary.clone() },
        Case { label: "rules file, no rules", rules: Some(0), binary: binary.clone() },
        Case { label: "100 rules", rules: Some(count), binary: binary.clone() },
    ];
    if !before.is_empty() {
        // Another build of the hub, e.g. before a change to the engine.
        cases.push(Case { label: "100 rules, the --before hub", rules: Some(count), binary: PathBuf::from(before) });
    }
    let receiver = Receiver::start().await?;
    let mut lines = Vec::new();
    for round in 0..rounds {
        let order: Vec<&Case> = if round % 2 == 0 { cases.iter().collect() } else { cases.iter().rev().collect() };
        for case in order {
            let scratch = Scratch::new("cost")?;
            let text = case.rules.map(|count| rules::quiet(&receiver.url(), count)).transpose()?;
            let spec = Spec::in_scratch(case.binary.clone(), &scratch, text.as_deref(), u32::try_from(cpu).ok())?;
            let mut line = one(&spec, agents, warmup, seconds).await?;
            line["label"] = json!(case.label);
            line["rules"] = json!(case.rules.unwrap_or(0));
            line["round"] = json!(round + 1);
            eprintln!("{line}");
            lines.push(line);
        }
    }
    Ok(lines)
}

/// One hub under `agents` agents: its CPU over `seconds` after `warmup`.
async fn one(spec: &Spec, agents: usize, warmup: u64, seconds: u64) -> Result<Value> {
    let hub = spec.start().await?;
    let (_addr_tx, addr) = watch::channel(hub.addr);
    let (stop_tx, stop) = watch::channel(false);
    let start = (now_ms() / 1000 + 1) * 1000;
    let opened = agents as u64 * 1000 / OPEN_RATE;
    let begin = start + opened as i64 + warmup as i64 * 1000;
    let end = begin + seconds as i64 * 1000;
    let mut streams = Vec::new();
    for index in 0..agents {
        let stream = Stream::new(format!("cost-{index:05}"), "cost");
        let link = tokio::spawn(agent::link(addr.clone(), Arc::clone(&stream), stop.clone()));
        let play = Arc::clone(&stream);
        let phase = (index as i64 * 1000) / agents as i64;
        let first = start + (index as i64 * 1000) / OPEN_RATE as i64;
        let mut stopping = stop.clone();
        tokio::spawn(async move {
            let mut ts = first + phase;
            loop {
                tokio::select! {
                    () = until_ms(ts) => {}
                    _ = stopping.wait_for(|stop| *stop) => break,
                }
                play.push(ts, CPU);
                ts += 1000;
            }
        });
        streams.push(stream);
        drop(link);
    }
    until_ms(begin).await;
    let before = hub.cpu_us()?;
    until_ms(end).await;
    let after = hub.cpu_us()?;
    let frames: usize =
        streams.iter().map(|stream| stream.all().iter().filter(|s| s.ts >= begin && s.ts < end).count()).sum();
    let _ = stop_tx.send(true);
    hub.kill().await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cpu = after.saturating_sub(before);
    Ok(json!({
        "kind": "cost",
        "agents": agents,
        "seconds": seconds,
        "frames": frames,
        "hub_cpu_us": cpu,
        "us_per_frame": cpu as f64 / frames.max(1) as f64,
        "hub_core_pct": cpu as f64 / (seconds as f64 * 1e4),
    }))
}
