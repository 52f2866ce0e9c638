//! One run: start a server, connect N clients of one policy, restart the server one
//! way, wait until every client is live again, and keep what was recorded.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::engine_client::{self, Setup};
use crate::error::{Error, Result};
use crate::naive;
use crate::record::{Clock, Recorder, Shared};
use crate::server::{Server, Stop};

/// How long every client of a run may live (the run ends before).
const RUN_LIMIT: Duration = Duration::from_secs(40);

/// How long N clients may take to be live, after the ramp.
const CONNECT_LIMIT: Duration = Duration::from_secs(15);

/// How long everyone may take to be live again after the restart.
const RECOVER_LIMIT: Duration = Duration::from_secs(20);

/// Live before the restart for this long, so every client has a resume cursor.
const SETTLE: Duration = Duration::from_millis(1_500);

/// The crash case: the new server starts this long after the old one died.
const CRASH_DOWNTIME: Duration = Duration::from_secs(2);

/// Which clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Pulse's connection engine.
    Engine,
    /// Reconnect at exactly 1 s.
    Naive,
}

/// What one run needs.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Which clients.
    pub policy: Policy,
    /// How the server goes down.
    pub stop: Stop,
    /// How many.
    pub clients: usize,
    /// Clients started per second.
    pub ramp_per_s: f64,
    /// Jitter seed.
    pub seed: u64,
}

impl fmt::Display for Spec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = match self.policy {
            Policy::Engine => "engine",
            Policy::Naive => "naive 1 s",
        };
        let stop = match self.stop {
            Stop::Graceful => "graceful",
            Stop::Crash => "crash",
        };
        write!(f, "{policy}, {stop}")
    }
}

/// What a run recorded, with the moments that matter (ms on the clock).
#[derive(Debug)]
pub struct Recorded {
    /// What ran.
    pub spec: Spec,
    /// Everything the clients reported.
    pub record: Recorder,
    /// The old server was signalled.
    pub signalled_at: f64,
    /// The old server's process was gone.
    pub died_at: f64,
    /// The new server printed its address.
    pub listening_at: f64,
    /// The run stopped recording.
    pub ended_at: f64,
}

/// Aborts every client task when dropped.
struct Clients(Vec<JoinHandle<()>>);

impl Drop for Clients {
    fn drop(&mut self) {
        for task in &self.0 {
            task.abort();
        }
    }
}

/// Runs `spec` against `binary`; must be called inside a `LocalSet`.
pub async fn run(spec: Spec, binary: &Path, clock: Clock) -> Result<Recorded> {
    let any_port = SocketAddr::from(([127, 0, 0, 1], 0));
    let server = Server::start(binary, any_port, clock).await?;
    let addr = server.addr;
    let record = Recorder::shared(spec.clients, clock);
    let started = Instant::now();
    let deadline = started + RUN_LIMIT;
    let step = Duration::from_secs_f64(1.0 / spec.ramp_per_s);
    let mut clients = Clients(Vec::with_capacity(spec.clients));
    for id in 0..spec.clients {
        let setup = Setup { id, addr, record: record.clone(), clock, seed: spec.seed };
        let begin = started + step * id as u32;
        let client = async move {
            tokio::time::sleep_until(begin).await;
            match spec.policy {
                Policy::Engine => engine_client::run(setup).await,
                Policy::Naive => naive::run(setup).await,
            }
        };
        clients.0.push(tokio::task::spawn_local(async move {
            let _ = tokio::time::timeout_at(deadline, client).await;
        }));
    }
    let ramp = step * spec.clients as u32;
    let all = spec.clients;
    wait_for(&record, ramp + CONNECT_LIMIT, all, Recorder::live_count)
        .await
        .map_err(|live| Error::Timeout(format!("{spec}: only {live} of {all} clients live before the restart")))?;
    tokio::time::sleep(SETTLE).await;

    let signalled_at = clock.now_ms();
    record.borrow_mut().mark_restart(signalled_at);
    let died_at = server.stop(spec.stop, clock).await?;
    if spec.stop == Stop::Crash {
        tokio::time::sleep(CRASH_DOWNTIME).await;
    }
    let server = Server::start(binary, addr, clock).await?;
    let listening_at = server.listening_at;
    let recovered = wait_for(&record, RECOVER_LIMIT, all, Recorder::back_count).await;
    if let Err(back) = recovered {
        eprintln!("pulse-stampede: {spec}: only {back} of {all} clients live again within {RECOVER_LIMIT:?}");
    }
    let ended_at = clock.now_ms();
    drop(clients);
    server.stop(Stop::Crash, clock).await?;
    let record = record.borrow_mut().take();
    Ok(Recorded { spec, record, signalled_at, died_at, listening_at, ended_at })
}

/// Polls every 10 ms until `count` reaches `target` (Ok) or `limit` passes (Err
/// with the count at that moment).
async fn wait_for(
    record: &Shared,
    limit: Duration,
    target: usize,
    count: fn(&Recorder) -> usize,
) -> std::result::Result<(), usize> {
    let polls = (limit.as_millis() / 10).max(1);
    for _ in 0..polls {
        if count(&record.borrow()) >= target {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(count(&record.borrow()))
}
