//! Figure a: threshold crossed → webhook received. A hub with one `cpu.total above
//! 50` rule (`for`, hysteresis), agents over real links whose value crosses the
//! threshold at known sample times and holds it past `for`, and a real receiver.
//! Each crossing's latency is its firing webhook's arrival − (the crossing sample's
//! time + `for`): everything the hub adds beyond the rule's own wait. The resolves
//! are timed from the sample that recovered. Anchor, same run and samples: the
//! firing sample's arrival at a browser-like client of `/api/v1/ws` (the live path).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::watch;

use crate::agent::{self, Stream};
use crate::args::Flags;
use crate::clock::{now_ms, until_ms};
use crate::error::{Error, Result};
use crate::hub::Spec;
use crate::receiver::Receiver;
use crate::rules;
use crate::scratch::Scratch;
use crate::stats::spread;
use crate::watcher::{self, Arrivals};

const HIGH: f64 = 80.0;
const LOW: f64 = 20.0;
/// Low samples between two crossings.
const LOW_RUN: u64 = 3;
/// How long the last webhooks may take after the last sample.
const SETTLE: Duration = Duration::from_secs(30);

/// A crossing the rule must report: host, the crossing sample's time, its firing
/// sample (the first `for` after it), and the recovering sample's time.
struct Crossing {
    host: String,
    crossed_ms: i64,
    firing_seq: u64,
    firing_ms: i64,
    recovered_ms: i64,
}

/// Runs it; one JSON object of figures.
pub async fn run(mut flags: Flags) -> Result<Value> {
    let binary = flags.server();
    let agents: usize = flags.get("agents", 10)?;
    let wanted: usize = flags.get("crossings", 60)?;
    let hold_ms: u64 = flags.get("for-ms", 2_000)?;
    flags.done()?;
    let scratch = Scratch::new("latency")?;
    let receiver = Receiver::start().await?;
    let rules = rules::crossing(&receiver.url(), 50.0, 40.0, hold_ms)?;
    let spec = Spec::in_scratch(binary, &scratch, Some(&rules), None)?;
    let hub = spec.start().await?;
    let (_addr_tx, addr) = watch::channel(hub.addr);
    let (stop_tx, stop) = watch::channel(false);

    // Each cycle: LOW_RUN low samples, then high ones until `for` has passed and one
    // more, then the recovering low one starts the next cycle.
    let high_run = hold_ms.div_ceil(1000) + 2;
    let cycle = LOW_RUN + high_run;
    let cycles = wanted.div_ceil(agents) as u64;
    let start = (now_ms() / 1000 + 3) * 1000;
    let mut streams = Vec::new();
    let mut plays = Vec::new();
    let mut arrivals: Vec<Arrivals> = Vec::new();
    for index in 0..agents {
        let stream = Stream::new(format!("latency-{index:02}"), "lat");
        tokio::spawn(agent::link(addr.clone(), Arc::clone(&stream), stop.clone()));
        let seen = Arrivals::default();
        tokio::spawn(watcher::watch(hub.addr, stream.id.clone(), Arc::clone(&seen)));
        arrivals.push(seen);
        let phase = (index as i64 * 1000) / agents as i64;
        let play = Arc::clone(&stream);
        plays.push(tokio::spawn(async move {
            // One warm-up sample first, so every watcher is open before the crossings.
            for k in 0..(cycles * cycle + LOW_RUN) {
                let ts = start + phase + k as i64 * 1000;
                until_ms(ts).await;
                let in_cycle = k % cycle;
                play.push(ts, if k < cycles * cycle && in_cycle >= LOW_RUN { HIGH } else { LOW });
            }
        }));
        streams.push(stream);
    }
    for play in plays {
        play.await.map_err(|error| Error::Failed(error.to_string()))?;
    }
    let crossings = crossings(&streams, hold_ms);
    let expected = crossings.len() * 2;
    let deadline = tokio::time::Instant::now() + SETTLE;
    while receiver.received().len() < expected && tokio::time::Instant::now() < deadline {
        let _ = tokio::time::timeout_at(deadline, receiver.arrival()).await;
    }
    let _ = stop_tx.send(true);
    hub.kill().await?;

    let received = receiver.received();
    let firing_at: HashMap<(&str, i64), i64> = received
        .iter()
        .filter(|r| r.kind == "alert.firing")
        .map(|r| ((r.host.as_str(), r.at_ms), r.received_ms))
        .collect();
    let resolved_at: HashMap<(&str, i64), i64> = received
        .iter()
        .filter(|r| r.kind == "alert.resolved")
        .map(|r| ((r.host.as_str(), r.at_ms), r.received_ms))
        .collect();
    let mut firing = Vec::new();
    let mut resolved = Vec::new();
    let mut live = Vec::new();
    let mut missing = 0;
    for crossing in &crossings {
        let due = crossing.crossed_ms + hold_ms as i64;
        match firing_at.get(&(crossing.host.as_str(), crossing.firing_ms)) {
            Some(at) => firing.push((at - due) as f64),
            None => missing += 1,
        }
        match resolved_at.get(&(crossing.host.as_str(), crossing.recovered_ms)) {
            Some(at) => resolved.push((at - crossing.recovered_ms) as f64),
            None => missing += 1,
        }
        let index = streams.iter().position(|s| s.id == crossing.host).unwrap_or(0);
        let seen = arrivals[index].lock().unwrap_or_else(|p| p.into_inner()).get(&crossing.firing_seq).copied();
        if let Some(at) = seen {
            live.push((at - due) as f64);
        }
    }
    Ok(json!({
        "kind": "latency",
        "agents": agents,
        "for_ms": hold_ms,
        "crossings": crossings.len(),
        "received": received.len(),
        "missing": missing,
        "unexpected": received.len() as i64 - (expected as i64 - missing as i64),
        "firing_ms": spread(&firing),
        "resolved_ms": spread(&resolved),
        "live_ms": spread(&live),
    }))
}

/// Every crossing in the streams: a high sample after a low one, firing at the
/// first sample `for` after it, recovering at the next low one.
fn crossings(streams: &[Arc<Stream>], hold_ms: u64) -> Vec<Crossing> {
    let mut found = Vec::new();
    for stream in streams {
        let samples = stream.all();
        let mut k = 1;
        while k < samples.len() {
            if samples[k].cpu > 50.0 && samples[k - 1].cpu <= 50.0 {
                let crossed = samples[k];
                let firing = samples[k..].iter().find(|s| s.ts >= crossed.ts + hold_ms as i64);
                let recovered = samples[k..].iter().find(|s| s.cpu < 40.0);
                if let (Some(firing), Some(recovered)) = (firing, recovered) {
                    if firing.ts < recovered.ts {
                        found.push(Crossing {
                            host: stream.id.clone(),
                            crossed_ms: crossed.ts,
                            firing_seq: firing.seq,
                            firing_ms: firing.ts,
                            recovered_ms: recovered.ts,
                        });
                    }
                }
            }
            k += 1;
        }
    }
    found
}
