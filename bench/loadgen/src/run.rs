//! One measurement: read the server's baseline, ramp N clients at a bounded rate,
//! let them settle, then measure a window and summarise it as a [`Report`].

use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;

use crate::args::Args;
use crate::procfs;
use crate::stats::Stats;
use crate::transport::{self, Client};

/// How long the ramp waits for the last handshakes after the last attempt started.
const RAMP_GRACE: Duration = Duration::from_secs(15);
/// How often RSS is sampled during the window.
const RSS_EVERY: Duration = Duration::from_millis(200);

/// The server's memory and CPU at the points the report compares.
#[derive(Debug, Default, Serialize)]
pub struct ServerProbe {
    /// RSS before any client connected, KiB.
    pub rss_before_kib: u64,
    /// RSS right after the ramp, KiB.
    pub rss_connected_kib: u64,
    /// Lowest RSS seen in the window (between fan-out bursts), KiB.
    pub rss_window_min_kib: u64,
    /// Highest RSS seen in the window, KiB.
    pub rss_window_max_kib: u64,
    /// Server CPU time used during the window, µs.
    pub cpu_window_us: u64,
}

/// The one JSON line the load generator prints.
#[derive(Debug, Serialize)]
pub struct Report {
    pub label: String,
    pub transport: &'static str,
    pub clients: usize,
    pub connected: usize,
    pub connected_min_in_window: usize,
    pub clients_with_frames: usize,
    pub connect_failures: usize,
    pub disconnects: usize,
    pub window_disconnects: usize,
    pub ramp_s: f64,
    pub window_s: f64,
    pub frames_in_window: u64,
    pub frames_expected: f64,
    pub msgs_per_s: f64,
    pub latency_samples: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    pub missed_seqs: u64,
    pub gaps: u64,
    pub heartbeats: u64,
    pub hellos: u64,
    pub frames_without_ts: u64,
    /// Server CPU per delivered message in the window, µs (null without --server-pid).
    pub server_cpu_us_per_msg: Option<f64>,
    /// As above, less the server's CPU use with no clients (its sampler, timers):
    /// the cost of fan-out alone.
    pub server_cpu_us_per_msg_net: Option<f64>,
    /// The server's CPU use with no clients, µs per second (measured before the ramp).
    pub server_idle_cpu_us_per_s: Option<f64>,
    /// Server CPU use over the window, in percent of one core.
    pub server_cpu_pct: Option<f64>,
    /// (RSS right after the ramp − RSS before) / connected, KiB.
    pub rss_per_conn_connected_kib: Option<f64>,
    /// (lowest window RSS − RSS before) / connected, KiB: between bursts.
    pub rss_per_conn_between_bursts_kib: Option<f64>,
    /// (highest window RSS − RSS before) / connected, KiB: frames flowing.
    pub rss_per_conn_flowing_kib: Option<f64>,
    pub server: Option<ServerProbe>,
    /// The load generator's own CPU per delivered message, µs: if it is near the
    /// server's, the load generator and not the server limits the latency.
    pub loadgen_cpu_us_per_msg: f64,
    pub loadgen_cpu_pct: f64,
    /// CPU used during the window by everything except the server and the load
    /// generator (other users of the machine, the kernel's own threads), in percent
    /// of one core: above a few percent, the figures are disturbed.
    pub other_cpu_pct: Option<f64>,
    pub nofile_limit: u64,
    pub errors: Vec<String>,
    pub notes: Vec<&'static str>,
}

/// Runs the whole measurement; never takes longer than the ramp, settle and window.
pub async fn measure(args: &Args, nofile_limit: u64) -> Report {
    let stats = Rc::new(Stats::default());
    let pid = args.server_pid;
    let mut probe = ServerProbe::default();
    let mut baseline_cpu_us_per_s = None;
    if let Some(pid) = pid {
        probe.rss_before_kib = procfs::rss_kib(pid).unwrap_or(0);
        baseline_cpu_us_per_s = baseline_cpu(pid, args.baseline).await;
    }

    let ramp_start = Instant::now();
    ramp(args, &stats).await;
    let ramp_s = ramp_start.elapsed().as_secs_f64();
    if let Some(pid) = pid {
        probe.rss_connected_kib = procfs::rss_kib(pid).unwrap_or(0);
    }
    tokio::time::sleep(args.settle).await;

    let server_cpu0 = pid.and_then(|p| procfs::cpu_us(p).ok());
    let self_cpu0 = procfs::self_cpu_us();
    let machine0 = procfs::machine_busy_us().ok();
    let window_start = Instant::now();
    stats.open_window();
    let mut connected_min = stats.connected.get();
    let mut rss_min = u64::MAX;
    let mut rss_max = 0;
    let deadline = window_start + args.duration;
    while Instant::now() < deadline {
        let next = (Instant::now() + RSS_EVERY).min(deadline);
        tokio::time::sleep_until(next.into()).await;
        connected_min = connected_min.min(stats.connected.get());
        if let Some(rss) = pid.and_then(|p| procfs::rss_kib(p).ok()) {
            rss_min = rss_min.min(rss);
            rss_max = rss_max.max(rss);
        }
    }
    stats.measuring.set(false);
    let window_s = window_start.elapsed().as_secs_f64();
    let self_cpu_us = procfs::self_cpu_us().saturating_sub(self_cpu0);
    let machine_us =
        machine0.and_then(|before| procfs::machine_busy_us().ok().map(|after| after.saturating_sub(before)));
    let server_cpu_us = match (pid, server_cpu0) {
        (Some(p), Some(before)) => procfs::cpu_us(p).ok().map(|after| after.saturating_sub(before)),
        _ => None,
    };
    probe.cpu_window_us = server_cpu_us.unwrap_or(0);
    probe.rss_window_min_kib = if rss_min == u64::MAX { 0 } else { rss_min };
    probe.rss_window_max_kib = rss_max;

    summarise(
        args,
        &stats,
        probe,
        Summary {
            ramp_s,
            window_s,
            connected_min,
            server_cpu_us,
            baseline_cpu_us_per_s,
            self_cpu_us,
            machine_us,
            nofile_limit,
        },
    )
}

/// The server's CPU use with no client at all (sampling, timers), µs per second.
async fn baseline_cpu(pid: u32, span: Duration) -> Option<f64> {
    if span.is_zero() {
        return None;
    }
    let before = procfs::cpu_us(pid).ok()?;
    let start = Instant::now();
    tokio::time::sleep(span).await;
    let after = procfs::cpu_us(pid).ok()?;
    Some(after.saturating_sub(before) as f64 / start.elapsed().as_secs_f64())
}

/// Starts `args.clients` connection attempts at `args.rate` per second, at most
/// `args.concurrency` in flight, and waits (bounded) until each is up or failed.
async fn ramp(args: &Args, stats: &Rc<Stats>) {
    let permits = Arc::new(Semaphore::new(args.concurrency));
    let addr: Rc<str> = Rc::from(args.addr.as_str());
    let bearer: Option<Rc<str>> = args.bearer.as_deref().map(Rc::from);
    let start = Instant::now();
    let per_client = Duration::from_secs_f64(1.0 / f64::from(args.rate));
    for i in 0..args.clients {
        let due = start + per_client.mul_f64(i as f64);
        if due > Instant::now() {
            tokio::time::sleep_until(due.into()).await;
        }
        let Ok(permit) = permits.clone().acquire_owned().await else {
            break; // The semaphore is never closed; this cannot happen.
        };
        let client = Client::new(stats.clone(), permit);
        tokio::task::spawn_local(transport::run(
            args.transport,
            addr.clone(),
            bearer.clone(),
            args.poll_wait_s,
            client,
        ));
    }
    let grace_end = Instant::now() + RAMP_GRACE;
    while Instant::now() < grace_end {
        let settled = stats.connected.get() + stats.connect_failures.get() + stats.disconnects.get();
        if settled >= args.clients {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The figures measured outside [`Stats`].
struct Summary {
    ramp_s: f64,
    window_s: f64,
    connected_min: usize,
    server_cpu_us: Option<u64>,
    baseline_cpu_us_per_s: Option<f64>,
    self_cpu_us: u64,
    machine_us: Option<u64>,
    nofile_limit: u64,
}

fn summarise(args: &Args, stats: &Stats, probe: ServerProbe, s: Summary) -> Report {
    let hist = stats.hist.borrow();
    let frames = stats.window_frames.get();
    let connected = stats.connected.get();
    let per_msg = |us: u64| if frames == 0 { None } else { Some(us as f64 / frames as f64) };
    let per_conn = |kib: u64| {
        if connected == 0 || kib == 0 || args.server_pid.is_none() {
            None
        } else {
            Some(kib.saturating_sub(probe.rss_before_kib) as f64 / connected as f64)
        }
    };
    let interval_s = args.interval.as_secs_f64().max(1e-3);
    Report {
        label: args.label.clone(),
        transport: args.transport.name(),
        clients: args.clients,
        connected,
        connected_min_in_window: s.connected_min,
        clients_with_frames: stats.clients_with_frames.get(),
        connect_failures: stats.connect_failures.get(),
        disconnects: stats.disconnects.get(),
        window_disconnects: stats.window_disconnects.get(),
        ramp_s: round(s.ramp_s, 2),
        window_s: round(s.window_s, 2),
        frames_in_window: frames,
        frames_expected: round(connected as f64 * s.window_s / interval_s, 0),
        msgs_per_s: round(frames as f64 / s.window_s, 1),
        latency_samples: hist.total(),
        p50_ms: hist.quantile_ms(0.50),
        p90_ms: hist.quantile_ms(0.90),
        p99_ms: hist.quantile_ms(0.99),
        p999_ms: hist.quantile_ms(0.999),
        max_ms: hist.max_ms(),
        mean_ms: round(hist.mean_ms(), 2),
        missed_seqs: stats.missed_seqs.get(),
        gaps: stats.gaps.get(),
        heartbeats: stats.heartbeats.get(),
        hellos: stats.hellos.get(),
        frames_without_ts: stats.frames_without_ts.get(),
        server_cpu_us_per_msg: s.server_cpu_us.and_then(per_msg).map(|v| round(v, 2)),
        server_cpu_us_per_msg_net: match (s.server_cpu_us, s.baseline_cpu_us_per_s) {
            (Some(used), Some(idle)) if frames > 0 => {
                let net = (used as f64 - idle * s.window_s).max(0.0);
                Some(round(net / frames as f64, 2))
            }
            _ => None,
        },
        server_idle_cpu_us_per_s: s.baseline_cpu_us_per_s.map(|v| round(v, 0)),
        server_cpu_pct: s.server_cpu_us.map(|us| round(us as f64 / s.window_s / 1e4, 1)),
        rss_per_conn_connected_kib: per_conn(probe.rss_connected_kib).map(|v| round(v, 2)),
        rss_per_conn_between_bursts_kib: per_conn(probe.rss_window_min_kib).map(|v| round(v, 2)),
        rss_per_conn_flowing_kib: per_conn(probe.rss_window_max_kib).map(|v| round(v, 2)),
        server: args.server_pid.map(|_| probe),
        loadgen_cpu_us_per_msg: per_msg(s.self_cpu_us).map_or(0.0, |v| round(v, 2)),
        loadgen_cpu_pct: round(s.self_cpu_us as f64 / s.window_s / 1e4, 1),
        other_cpu_pct: s.machine_us.map(|all| {
            let ours = s.self_cpu_us + s.server_cpu_us.unwrap_or(0);
            round(all.saturating_sub(ours) as f64 / s.window_s / 1e4, 1)
        }),
        nofile_limit: s.nofile_limit,
        errors: stats.errors.borrow().clone(),
        notes: vec![
            "latency = receipt wall clock (µs) - frame ts (ms, server clock, same machine); ts has 1 ms resolution, so latencies read up to 1 ms high",
            "a process here may hold at most 20,000 open files (hard limit), so N tops out just below that",
        ],
    }
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}
