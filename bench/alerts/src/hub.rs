//! A real `pulse-server` hub as a child process of the bench: agents only
//! (`--no-local`), on a fixed loopback port, with its own `--data`, optionally a
//! rules file and a CPU to run on. It can be killed with SIGKILL and started again
//! on the same port and data, as a crash and a restart would.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

use crate::error::{Error, Result};
use crate::scratch::Scratch;

/// The agents' token every hub of the bench takes.
pub const TOKEN: &str = "bench-token";

/// How long a hub may take to listen.
const START_WAIT: Duration = Duration::from_secs(20);

/// How to start a hub (again).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The `pulse-server` binary.
    pub binary: PathBuf,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// `--data`.
    pub data: PathBuf,
    /// `--alerts`, if any.
    pub rules: Option<PathBuf>,
    /// A CPU to pin it to (`taskset -c`), with `--workers 1`.
    pub cpu: Option<u32>,
    /// Where its output goes (appended).
    pub log: PathBuf,
}

/// A running hub.
pub struct Hub {
    child: Child,
    /// Its process id.
    pub pid: u32,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Spec {
    /// A hub on a free port, its data and log in `scratch`, with `rules` (a rules
    /// file's text written there; none: alerts off), pinned to `cpu` if given.
    pub fn in_scratch(binary: PathBuf, scratch: &Scratch, rules: Option<&str>, cpu: Option<u32>) -> Result<Spec> {
        let rules = match rules {
            Some(text) => {
                let path = scratch.join("alerts.toml");
                std::fs::write(&path, text)?;
                Some(path)
            }
            None => None,
        };
        Ok(Spec { binary, port: free_port()?, data: scratch.join("data"), rules, cpu, log: scratch.join("hub.log") })
    }

    /// Starts the hub and waits until it listens.
    pub async fn start(&self) -> Result<Hub> {
        let mut command = match self.cpu {
            Some(cpu) => {
                let mut taskset = Command::new("taskset");
                taskset.arg("-c").arg(cpu.to_string()).arg(&self.binary).args(["--workers", "1"]);
                taskset
            }
            None => Command::new(&self.binary),
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        command
            .args(["--listen", &addr.to_string(), "--no-local", "--agent-token", TOKEN, "--max-per-address", "0"])
            .args(["--dist", "/nonexistent", "--webhook-allow-private", "--data"])
            .arg(&self.data)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(rules) = &self.rules {
            command.arg("--alerts").arg(rules);
        }
        let mut child = command.spawn()?;
        let pid = child.id().ok_or_else(|| Error::Failed("the hub exited at once".into()))?;
        let stdout = child.stdout.take().ok_or_else(|| Error::Failed("no stdout".into()))?;
        let stderr = child.stderr.take().ok_or_else(|| Error::Failed("no stderr".into()))?;
        tokio::spawn(keep(stderr, self.log.clone()));
        let mut lines = BufReader::new(stdout).lines();
        let listening = async {
            while let Some(line) = lines.next_line().await? {
                if line.starts_with("listening on ") {
                    return Ok(());
                }
            }
            Err(Error::Failed(format!("the hub exited before listening; see {}", self.log.display())))
        };
        tokio::time::timeout(START_WAIT, listening)
            .await
            .map_err(|_| Error::Timeout(format!("waiting for the hub to listen; see {}", self.log.display())))??;
        tokio::spawn(keep(lines.into_inner().into_inner(), self.log.clone()));
        Ok(Hub { child, pid, addr })
    }
}

impl Hub {
    /// SIGKILL, and waits for it to be gone.
    pub async fn kill(mut self) -> Result<()> {
        self.child.kill().await?;
        Ok(())
    }

    /// Its CPU time so far (user + system, every thread), in microseconds.
    pub fn cpu_us(&self) -> Result<u64> {
        cpu_us(self.pid)
    }
}

/// Process `pid`'s user + system CPU time, in microseconds (`/proc/PID/stat`).
pub fn cpu_us(pid: u32) -> Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (in parentheses) may hold spaces; after it, utime is the
    // 12th field and stime the 13th.
    let after = stat.rfind(')').map_or("", |end| &stat[end + 1..]);
    let ticks: u64 =
        after.split(' ').filter(|field| !field.is_empty()).skip(11).take(2).filter_map(|f| f.parse::<u64>().ok()).sum();
    // SAFETY: sysconf reads a constant of the system.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(ticks * 1_000_000 / per_second)
}

/// A free port on 127.0.0.1 (the kernel's choice, released at once).
pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Appends what `from` writes to `path`, until it closes.
async fn keep(from: impl AsyncRead + Unpin, path: PathBuf) {
    let Ok(mut file) = tokio::fs::OpenOptions::new().create(true).append(true).open(&path).await else { return };
    let mut from = BufReader::new(from);
    let _ = tokio::io::copy_buf(&mut from, &mut file).await;
    let _ = file.flush().await;
}
