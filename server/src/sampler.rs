//! Samples the real host once per interval on its own OS thread.
//!
//! sysinfo's refreshes block (they read procfs), so they never run on the async
//! runtime. Each sample goes down a channel to whoever publishes it (the hub's
//! publisher, which numbers, serialises and broadcasts it as a `Frame`); the sampler
//! knows nothing of hubs. Counters become rates here.

mod disks;
mod network;
mod rates;
mod series;
mod top;

use std::collections::BTreeMap;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pulse_protocol::{Catalog, ProcessInfo};
use sysinfo::{
    CpuRefreshKind, Disks, MemoryRefreshKind, Networks, ProcessRefreshKind, ProcessesToUpdate, RefreshKind, System,
};

use rates::Rates;
pub use series::CatalogBuilder;

/// How many of the busiest processes (by CPU and by memory) each frame lists.
const TOP_PROCESSES: usize = 10;

/// One reading of the host, before it gets a sequence number.
#[derive(Debug, Clone)]
pub struct Sample {
    /// When the reading was taken, ms since the Unix epoch.
    pub ts: i64,
    /// Value per series id.
    pub values: BTreeMap<String, f64>,
    /// The busiest processes.
    pub top: Vec<ProcessInfo>,
    /// Every series the host has right now.
    pub catalog: Catalog,
}

/// Starts the sampler thread for `host` (the name every series carries) and returns
/// its samples; the thread ends at the first sample after the receiver is dropped.
///
/// Hand the receiver to a task on the runtime (`hub::publisher::run`), not to a
/// thread: publishing wakes SSE streams' tasks, and a wake-up from outside the
/// runtime costs a queue push under a lock and a write to the runtime's eventfd
/// *per task*; from inside it is a local queue push.
pub fn spawn(host: String, interval: Duration) -> std::io::Result<tokio::sync::mpsc::Receiver<Sample>> {
    let (samples, received) = tokio::sync::mpsc::channel::<Sample>(1);
    thread::Builder::new().name("pulse-sampler".into()).spawn(move || {
        let mut sampler = Sampler::new(host);
        // CPU usage is the difference between two readings: give the first one time.
        thread::sleep(sysinfo::MINIMUM_CPU_UPDATE_INTERVAL.min(interval));
        let mut next = Instant::now();
        loop {
            let sample = sampler.sample();
            // Fails once the publisher has stopped (shutdown) or the runtime is gone.
            if samples.blocking_send(sample).is_err() {
                return;
            }
            next += interval;
            let now = Instant::now();
            if next > now {
                thread::sleep(next - now);
            } else {
                next = now;
            }
        }
    })?;
    Ok(received)
}

/// The reading state: sysinfo handles and the previous counters.
pub struct Sampler {
    host: String,
    system: System,
    networks: Networks,
    disks: Disks,
    rates: Rates,
}

impl Sampler {
    /// A sampler for `host` (the name every series carries).
    pub fn new(host: String) -> Self {
        let system = System::new_with_specifics(
            RefreshKind::nothing()
                .with_cpu(CpuRefreshKind::nothing().with_cpu_usage())
                .with_memory(MemoryRefreshKind::everything()),
        );
        Sampler {
            host,
            system,
            networks: Networks::new_with_refreshed_list(),
            disks: Disks::new_with_refreshed_list(),
            rates: Rates::default(),
        }
    }

    /// Reads every metric once.
    pub fn sample(&mut self) -> Sample {
        let system = &mut self.system;
        system.refresh_cpu_usage();
        system.refresh_memory();
        system.refresh_processes_specifics(
            ProcessesToUpdate::All,
            true,
            // Threads are not processes here: leaving tasks out keeps the count
            // right and the refresh cheap.
            ProcessRefreshKind::nothing().without_tasks().with_cpu().with_memory(),
        );
        self.networks.refresh(true);
        self.disks.refresh(true);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        let ts = now.as_millis() as i64;
        let seconds = now.as_secs_f64();

        let mut catalog = CatalogBuilder::new(&self.host);
        let mut values = BTreeMap::new();

        catalog.percent("cpu", "cpu.total", "total");
        values.insert("cpu.total".into(), round(f64::from(system.global_cpu_usage()), 1));
        for (i, cpu) in system.cpus().iter().enumerate() {
            let id = format!("cpu.core:{i}");
            catalog.percent("cpu_cores", &id, &format!("core {i}"));
            values.insert(id, round(f64::from(cpu.cpu_usage()), 1));
        }

        for (id, label, value) in [
            ("mem.used", "used", system.total_memory().saturating_sub(system.available_memory())),
            ("mem.total", "total", system.total_memory()),
            ("swap.used", "swap used", system.used_swap()),
            ("swap.total", "swap total", system.total_swap()),
        ] {
            catalog.bytes("memory", id, label);
            values.insert(id.into(), value as f64);
        }

        let load = System::load_average();
        for (id, label, value) in
            [("load.1", "1 min", load.one), ("load.5", "5 min", load.five), ("load.15", "15 min", load.fifteen)]
        {
            catalog.load("load", id, label);
            values.insert(id.into(), round(value, 2));
        }

        self.rates.begin();
        network::sample(&self.networks, &mut self.rates, seconds, &mut catalog, &mut values);

        let io = disks::read_diskstats();
        for (id, label, counter) in [("disk.read", "read", io.read_bytes), ("disk.write", "write", io.written_bytes)] {
            catalog.rate("disk_io", id, label);
            if let Some(rate) = counter.and_then(|c| self.rates.rate(id, c, seconds)) {
                values.insert(id.into(), rate.round());
            }
        }
        for (mount, used_percent) in disks::usage(&self.disks) {
            let id = format!("disk.usage:{mount}");
            catalog.percent("disk_usage", &id, &mount);
            values.insert(id, round(used_percent, 1));
        }

        catalog.count("processes", "proc.count", "processes");
        values.insert("proc.count".into(), system.processes().len() as f64);
        catalog.seconds("uptime", "uptime", "uptime");
        values.insert("uptime".into(), System::uptime() as f64);

        self.rates.sweep();
        let top = top::busiest(system, TOP_PROCESSES);
        Sample { ts, values, top, catalog: catalog.build() }
    }
}

/// Rounds to `decimals` places, so frames stay small.
fn round(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

#[cfg(test)]
mod tests;
