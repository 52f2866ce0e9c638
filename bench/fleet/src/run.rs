//! The run: connect the agents at a steady rate, then the watchers, warm up,
//! measure a window, and report. Every wait has a deadline.

use std::cell::{Cell, RefCell};
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio::time::Instant;

use crate::args::Args;
use crate::error::{Error, Result};
use crate::procfs::{self, Usage};
use crate::sample::Sample;
use crate::{agent, watcher};

/// What every link shares: the arguments, the frames, the clock, the counters.
pub struct Plan {
    pub args: Args,
    pub hub: SocketAddr,
    /// Where the watchers connect (`hub` unless `--watch-url`).
    pub watch_hub: SocketAddr,
    pub sample: Sample,
    /// When the agents send their first frames: once every link is up (at
    /// `rate`, plus 5 s), so the hub's memory with links alone can be read.
    pub frames_from: Instant,
    /// When every link stops.
    pub stop_at: Instant,
    pub counters: Counters,
}

/// Running totals, on one thread.
#[derive(Default)]
pub struct Counters {
    /// Agents that sent their hello.
    pub live: Cell<usize>,
    /// Frames the agents sent.
    pub sent: Cell<u64>,
    /// Links that failed (agents or watchers), and the first reason.
    pub failed: Cell<usize>,
    /// Of those, watchers.
    pub watchers_failed: Cell<usize>,
    pub first_error: RefCell<Option<String>>,
    /// Watchers whose WebSocket opened.
    pub watching: Cell<usize>,
    /// Frames the watchers received, lost (holes, gaps), duplicated.
    pub received: Cell<u64>,
    pub lost: Cell<u64>,
    pub duplicated: Cell<u64>,
    pub gaps: Cell<u64>,
    /// While true, watchers record each frame's age.
    pub measuring: Cell<bool>,
    /// Frame ages on arrival, in µs, inside the measured window.
    pub ages_us: RefCell<Vec<u64>>,
}

/// The figures, as one JSON line.
#[derive(Serialize)]
pub struct Report {
    label: String,
    agents: usize,
    live: usize,
    failed: usize,
    watchers_failed: usize,
    first_error: Option<String>,
    watchers: usize,
    frame_bytes: usize,
    window_s: f64,
    frames_per_s: f64,
    hub_cpu_share: f64,
    hub_cpu_us_per_frame: f64,
    hub_waited_share: f64,
    hub_rss_idle_mib: f64,
    hub_rss_connected_mib: f64,
    hub_rss_end_mib: f64,
    hub_kib_per_host: f64,
    hub_kib_per_host_connected: f64,
    latency_p50_ms: f64,
    latency_p99_ms: f64,
    latency_max_ms: f64,
    frames_watched: u64,
    lost: u64,
    duplicated: u64,
    gaps: u64,
    loadgen_cpu_share: f64,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    now_us() / 1000
}

/// Microseconds since the Unix epoch.
pub fn now_us() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros() as i64)
}

/// Runs the whole bench.
pub async fn measure(args: Args) -> Result<Report> {
    let hub: SocketAddr =
        args.host_port.parse().map_err(|_| Error::Args(format!("{} is not ip:port", args.host_port)))?;
    let watch_hub: SocketAddr =
        args.watch_host_port.parse().map_err(|_| Error::Args(format!("{} is not ip:port", args.watch_host_port)))?;
    let sample = Sample::load(&args.sample)?;
    let hub_usage = |pid: u32| if pid == 0 { Ok(Usage::default()) } else { procfs::usage(pid) };
    let idle = hub_usage(args.hub_pid)?;
    let started = Instant::now();
    let stop_at = started + args.deadline();
    let frames_from = started + Duration::from_secs(args.agents as u64 / u64::from(args.rate) + 5);
    let plan = Rc::new(Plan { args, hub, watch_hub, sample, frames_from, stop_at, counters: Counters::default() });
    let args = &plan.args;

    // Agents, at `rate` a second; then wait (bounded) for all to be live.
    let pace = Duration::from_secs(1) / args.rate;
    for index in 0..args.agents {
        tokio::time::sleep_until(started + pace * index as u32).await;
        spawn(&plan, agent::run(Rc::clone(&plan), index), false);
    }
    settle(&plan, || plan.counters.live.get() + plan.counters.failed.get() >= args.agents).await;
    tokio::time::sleep_until(plan.frames_from - Duration::from_secs(1)).await;
    let connected = hub_usage(args.hub_pid)?;

    // Watchers, on hosts spread over the fleet. On another hub (`--watch-url`) a
    // host exists once that hub's follower has read it from Redis (it lists hosts
    // once a second, and a host's stream starts with its first frame): open them
    // 5 s after the frames start.
    if plan.watch_hub != plan.hub {
        tokio::time::sleep_until(plan.frames_from + Duration::from_secs(5)).await;
    }
    let watchers = args.watchers.min(args.agents);
    let failed_agents = plan.counters.failed.get();
    for n in 0..watchers {
        spawn(&plan, watcher::run(Rc::clone(&plan), n * args.agents / watchers), true);
    }
    let watchers_done = || plan.counters.watching.get() + plan.counters.failed.get() - failed_agents >= watchers;
    settle(&plan, watchers_done).await;
    tokio::time::sleep(args.warmup).await;

    let (before, sent_before, own_before) = (hub_usage(args.hub_pid)?, plan.counters.sent.get(), procfs::own_cpu_us());
    let from = Instant::now();
    plan.counters.measuring.set(true);
    tokio::time::sleep(args.duration).await;
    plan.counters.measuring.set(false);
    let (after, sent_after, own_after) = (hub_usage(args.hub_pid)?, plan.counters.sent.get(), procfs::own_cpu_us());
    let window = from.elapsed().as_secs_f64();
    Ok(report(&plan, [idle, connected, before, after], sent_after - sent_before, own_after - own_before, window))
}

fn spawn(plan: &Rc<Plan>, link: impl std::future::Future<Output = Result<()>> + 'static, watcher: bool) {
    let plan = Rc::clone(plan);
    tokio::task::spawn_local(async move {
        if let Err(error) = link.await {
            plan.counters.failed.set(plan.counters.failed.get() + 1);
            if watcher {
                plan.counters.watchers_failed.set(plan.counters.watchers_failed.get() + 1);
            }
            plan.counters.first_error.borrow_mut().get_or_insert_with(|| error.to_string());
        }
    });
}

/// Waits until `done` holds, at most 60 s, looking every 100 ms.
async fn settle(plan: &Plan, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() && Instant::now() < deadline.min(plan.stop_at) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn report(plan: &Plan, [idle, connected, before, after]: [Usage; 4], frames: u64, own_us: u64, window: f64) -> Report {
    let counters = &plan.counters;
    let mut ages = counters.ages_us.take();
    ages.sort_unstable();
    let quantile = |q: f64| {
        let rank = ((q * ages.len() as f64).ceil() as usize).clamp(1, ages.len().max(1)) - 1;
        ages.get(rank).map_or(0.0, |&us| us as f64 / 1000.0)
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    let live = counters.live.get().max(1) as f64;
    let cpu_us = after.cpu_us.saturating_sub(before.cpu_us) as f64;
    Report {
        label: plan.args.label.clone(),
        agents: plan.args.agents,
        live: counters.live.get(),
        failed: counters.failed.get(),
        watchers_failed: counters.watchers_failed.get(),
        first_error: counters.first_error.borrow().clone(),
        watchers: counters.watching.get(),
        frame_bytes: plan.sample.frame_bytes,
        window_s: window,
        frames_per_s: frames as f64 / window,
        hub_cpu_share: cpu_us / 1e6 / window,
        hub_cpu_us_per_frame: cpu_us / frames.max(1) as f64,
        hub_waited_share: after.waited_us.saturating_sub(before.waited_us) as f64 / 1e6 / window,
        hub_rss_idle_mib: mib(idle.rss_kib),
        hub_rss_connected_mib: mib(connected.rss_kib),
        hub_rss_end_mib: mib(after.rss_kib),
        hub_kib_per_host: after.rss_kib.saturating_sub(idle.rss_kib) as f64 / live,
        hub_kib_per_host_connected: connected.rss_kib.saturating_sub(idle.rss_kib) as f64 / live,
        latency_p50_ms: quantile(0.5),
        latency_p99_ms: quantile(0.99),
        latency_max_ms: ages.last().map_or(0.0, |&us| us as f64 / 1000.0),
        frames_watched: counters.received.get(),
        lost: counters.lost.get(),
        duplicated: counters.duplicated.get(),
        gaps: counters.gaps.get(),
        loadgen_cpu_share: own_us as f64 / 1e6 / window,
    }
}
