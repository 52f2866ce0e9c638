//! The check's cost per plain request: `--requests` GETs of `--path` on
//! `--connections` keep-alive connections, per target (each target presents its
//! credential as a header line, or none), the targets alternated round by round.
//! Reported per round: requests per second, latency p50/p99, and the server's CPU
//! per request (from /proc), which is what the check adds to.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::args::{Args, Target};
use crate::http::Conn;
use crate::stats::{cpu_ns, quantile_us};

/// Runs every round and prints one JSON line per target and round.
pub async fn run(args: &Args) -> Result<(), String> {
    let targets = args.targets()?;
    let path: Rc<str> = args.text("--path").unwrap_or_else(|_| "/api/v1/series".into()).into();
    let requests: usize = args.number("--requests", 20_000);
    let connections: usize = args.number("--connections", 4).max(1);
    let rounds: usize = args.number("--rounds", 5);
    let warmup: usize = args.number("--warmup", 2_000);
    for target in &targets {
        let (_, _, _, statuses) = burst(target, &path, warmup, connections).await?;
        if statuses.iter().any(|&(status, _)| status != 200) {
            return Err(format!(
                "{} answered {statuses:?} while warming up: its credential does not work",
                target.label
            ));
        }
    }
    for round in 0..rounds {
        for k in 0..targets.len() {
            let target = &targets[(k + round) % targets.len()];
            let (seconds, cpu, mut times, statuses) = burst(target, &path, requests, connections).await?;
            times.sort();
            let ok: usize = statuses.iter().filter(|(s, _)| *s == 200).map(|(_, n)| n).sum();
            let line = serde_json::json!({
                "kind": "requests",
                "label": target.label,
                "round": round + 1,
                "path": &*path,
                "connections": connections,
                "requests": requests,
                "ok": ok,
                "seconds": seconds,
                "per_s": requests as f64 / seconds,
                "p50_us": quantile_us(&times, 0.5),
                "p99_us": quantile_us(&times, 0.99),
                "server_cpu_us_per_request": cpu as f64 / 1e3 / requests as f64,
            });
            println!("{line}");
        }
    }
    Ok(())
}

type Burst = (f64, u64, Vec<Duration>, Vec<(u16, usize)>);

/// `count` requests on `connections` connections: wall time, server CPU (ns),
/// every latency, and the statuses seen.
async fn burst(target: &Target, path: &Rc<str>, count: usize, connections: usize) -> Result<Burst, String> {
    let headers: Rc<str> =
        if target.extra.is_empty() { "".into() } else { format!("{}\r\n", target.extra.trim_end()).into() };
    let times = Rc::new(RefCell::new(Vec::with_capacity(count)));
    let statuses = Rc::new(RefCell::new(std::collections::BTreeMap::<u16, usize>::new()));
    let mut conns = Vec::with_capacity(connections);
    for _ in 0..connections {
        conns.push(Conn::open(&target.addr).await?);
    }
    let cpu_before = cpu_ns(target.pid);
    let start = Instant::now();
    let mut workers = Vec::new();
    for (i, mut conn) in conns.into_iter().enumerate() {
        // The first `count % connections` connections take one more.
        let mine = count / connections + usize::from(i < count % connections);
        let (path, headers, times, statuses) = (path.clone(), headers.clone(), times.clone(), statuses.clone());
        workers.push(tokio::task::spawn_local(async move {
            for _ in 0..mine {
                let began = Instant::now();
                let (status, _body) = conn.request("GET", &path, &headers, b"").await?;
                times.borrow_mut().push(began.elapsed());
                *statuses.borrow_mut().entry(status).or_default() += 1;
            }
            Ok::<(), String>(())
        }));
    }
    for worker in workers {
        worker.await.map_err(|e| e.to_string())??;
    }
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_ns(target.pid).saturating_sub(cpu_before);
    let statuses = statuses.take().into_iter().collect();
    Ok((seconds, cpu, times.take(), statuses))
}
