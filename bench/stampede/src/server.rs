//! The `pulse-server` process: start it (on a free port, or again on the same one),
//! read its `listening on http://ADDR/` line, stop it with SIGTERM or SIGKILL.
//! The pid of the running server is kept where the watchdog can kill it.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

use crate::error::{Error, Result};
use crate::record::Clock;

/// The pid of the server now running (0: none), for the watchdog.
pub static RUNNING: AtomicI32 = AtomicI32::new(0);

/// How long a server may take to print its address.
const START_LIMIT: Duration = Duration::from_secs(10);

/// Lines read from its stdout before the address line must have come (a bound).
const MAX_LINES: usize = 100;

/// Binding the same port again is retried this many times, 50 ms apart.
const BIND_TRIES: usize = 40;

/// A running `pulse-server`.
pub struct Server {
    child: Child,
    /// Kept open so the server never writes to a closed pipe.
    _stdout: Lines<BufReader<ChildStdout>>,
    /// Where it listens.
    pub addr: SocketAddr,
    /// When it printed its address, ms on the run's clock.
    pub listening_at: f64,
}

/// How to stop it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGTERM: the server says `bye` and closes with 1012.
    Graceful,
    /// SIGKILL: sockets just drop.
    Crash,
}

impl Server {
    /// Starts a server on `listen` (`127.0.0.1:0` for a free port); when the port is
    /// still taken, tries again for up to two seconds.
    pub async fn start(binary: &Path, listen: SocketAddr, clock: Clock) -> Result<Server> {
        let mut last = Error::Server("never started".into());
        for _ in 0..BIND_TRIES {
            match Self::start_once(binary, listen, clock).await {
                Ok(server) => return Ok(server),
                Err(error) => last = error,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(last)
    }

    async fn start_once(binary: &Path, listen: SocketAddr, clock: Clock) -> Result<Server> {
        let mut child = Command::new(binary)
            .args([
                "--listen",
                &listen.to_string(),
                "--interval",
                "1s",
                "--dist",
                "/nonexistent",
                "--max-per-address",
                "0",
            ])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().ok_or_else(|| Error::Server("no stdout".into()))?;
        let mut lines = BufReader::new(stdout).lines();
        let address = tokio::time::timeout(START_LIMIT, async {
            for _ in 0..MAX_LINES {
                let Some(line) = lines.next_line().await? else {
                    return Err(Error::Server(format!("exited before listening on {listen}")));
                };
                if let Some(rest) = line.trim().strip_prefix("listening on http://") {
                    let text = rest.trim_end_matches('/');
                    return text.parse::<SocketAddr>().map_err(|_| Error::Server(format!("odd address line: {line}")));
                }
            }
            Err(Error::Server("no address line".into()))
        })
        .await
        .map_err(|_| Error::Timeout("server start".into()))??;
        let listening_at = clock.now_ms();
        if let Some(pid) = child.id() {
            RUNNING.store(pid as i32, Ordering::SeqCst);
        }
        Ok(Server { child, _stdout: lines, addr: address, listening_at })
    }

    /// Sends the signal for `how` and waits for the process to exit (SIGKILL after
    /// 10 s); returns when it exited, ms on `clock`.
    pub async fn stop(mut self, how: Stop, clock: Clock) -> Result<f64> {
        let signal = match how {
            Stop::Graceful => libc::SIGTERM,
            Stop::Crash => libc::SIGKILL,
        };
        if let Some(pid) = self.child.id() {
            // SAFETY: kill(2) on our own child's pid, which has not been reaped yet.
            unsafe { libc::kill(pid as i32, signal) };
        }
        let waited = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
        if waited.is_err() {
            self.child.start_kill()?;
            self.child.wait().await?;
        }
        RUNNING.store(0, Ordering::SeqCst);
        Ok(clock.now_ms())
    }
}

/// Kills the server that is running, if any (the watchdog's last act).
pub fn kill_running() {
    let pid = RUNNING.swap(0, Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill(2) with a pid we started; at worst it no longer exists.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

/// Builds `pulse-server` with cargo when `binary` does not exist.
pub fn ensure_built(binary: &Path) -> Result<()> {
    if binary.is_file() {
        return Ok(());
    }
    eprintln!("pulse-stampede: {} is missing; building it", binary.display());
    let status = std::process::Command::new("cargo").args(["build", "--release", "-p", "pulse-server"]).status()?;
    if !status.success() || !binary.is_file() {
        return Err(Error::Server(format!("cannot build {}", binary.display())));
    }
    Ok(())
}
