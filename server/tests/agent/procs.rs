//! Real `pulse-server` processes for the agent tests: a hub (`--agent-token`) and
//! agents (`pulse-server agent …`), each with its stderr kept line by line so a
//! test can await a log line with a deadline.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pulse_protocol::{HostInfo, HostStatus, HostsResponse};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

/// Every wait in these tests is bounded by this, unless it says otherwise.
pub const DEADLINE: Duration = Duration::from_secs(15);
/// The sampling interval of hubs and agents: short, so tests are.
pub const INTERVAL: &str = "200ms";
/// The token hubs take and good agents give.
pub const TOKEN: &str = "good-token-7f3a0c";

/// A process with its stderr collected.
pub struct Proc {
    pub child: Child,
    log: Arc<Mutex<Vec<String>>>,
    lines: watch::Receiver<usize>,
    /// A hub's history store, when the test did not name one (removed on drop).
    data: Option<DataDir>,
}

/// A fresh store directory for one process, removed when dropped.
pub struct DataDir(pub std::path::PathBuf);

impl DataDir {
    pub fn new() -> DataDir {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("pulse-proc-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        DataDir(path)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Proc {
    fn spawn(args: &[&str]) -> Self {
        Proc::spawn_logging(args, "info")
    }

    /// `pulse-server ARGS` with `RUST_LOG` set to `rust_log`.
    pub fn spawn_logging(args: &[&str], rust_log: &str) -> Self {
        // A hub keeps its history in a directory of its own unless the test names
        // one; an agent ignores PULSE_DATA.
        let data = (!args.contains(&"--data") && !args.contains(&"--no-store")).then(DataDir::new);
        let mut command = Command::new(env!("CARGO_BIN_EXE_pulse-server"));
        if let Some(dir) = &data {
            command.env("PULSE_DATA", &dir.0);
        }
        let mut child = command
            .args(args)
            .env("RUST_LOG", rust_log)
            .env("NO_COLOR", "1")
            .env_remove("PULSE_AGENT_TOKEN")
            .env_remove("PULSE_HUB")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn pulse-server");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (count, lines) = watch::channel(0);
        collect(child.stderr.take().expect("stderr"), Arc::clone(&log), count);
        Proc { child, log, lines, data }
    }

    /// Everything it logged so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log").join("\n")
    }

    /// Waits until `count` logged lines contain `text`; returns the log.
    pub async fn wait_for_lines(&mut self, text: &str, count: usize, limit: Duration) -> String {
        let log = Arc::clone(&self.log);
        let matching = move || log.lock().expect("log").iter().filter(|line| line.contains(text)).count();
        let ok = matches!(tokio::time::timeout(limit, self.lines.wait_for(|_| matching() >= count)).await, Ok(Ok(_)));
        let log = self.log();
        assert!(ok, "no {count} lines with {text:?} within {limit:?}; log:\n{log}");
        log
    }

    /// Waits until a logged line contains `text`; returns the log.
    pub async fn wait_for_line(&mut self, text: &str) -> String {
        self.wait_for_lines(text, 1, DEADLINE).await
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("status").is_none()
    }

    /// SIGTERM, then its exit status (within the deadline).
    pub async fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().expect("running").to_string();
        let kill = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
        assert!(kill.success());
        tokio::time::timeout(DEADLINE, self.child.wait()).await.expect("exits in time").expect("wait")
    }

    /// SIGKILL, and waits for it to be gone.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill");
    }
}

fn collect(stream: impl AsyncRead + Unpin + Send + 'static, log: Arc<Mutex<Vec<String>>>, count: watch::Sender<usize>) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let total = {
                let mut log = log.lock().expect("log");
                log.push(line);
                log.len()
            };
            count.send_replace(total);
        }
    });
}

/// A hub process and the address it listens on.
pub struct Hub {
    pub proc: Proc,
    pub addr: SocketAddr,
    /// `http://ADDR` or `https://ADDR`.
    base: String,
    /// The bearer the test reads the hub's API with (a hub with users).
    reader: Option<String>,
}

impl Hub {
    /// A hub taking agents with [`TOKEN`], on `listen` (`127.0.0.1:0` for any port).
    pub async fn start(listen: &str) -> Self {
        Hub::start_with(listen, &["--agent-token", TOKEN]).await
    }

    /// A hub with other flags (named `the-hub` unless they give a `--name`).
    pub async fn start_with(listen: &str, extra: &[&str]) -> Self {
        Hub::start_logging(listen, extra, "info").await
    }

    /// A hub with other flags, logging as `rust_log` says.
    pub async fn start_logging(listen: &str, extra: &[&str], rust_log: &str) -> Self {
        let mut args = vec!["--listen", listen, "--interval", INTERVAL, "--dist", "/nonexistent"];
        if !extra.contains(&"--name") {
            args.extend(["--name", "the-hub"]);
        }
        args.extend_from_slice(extra);
        let mut proc = Proc::spawn_logging(&args, rust_log);
        let stdout = proc.child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(DEADLINE, lines.next_line()).await.expect("starts in time");
        let line = line.expect("read").unwrap_or_else(|| panic!("the hub did not start; log:\n{}", proc.log()));
        let base = line
            .strip_prefix("listening on ")
            .and_then(|url| url.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected line {line:?}"));
        let addr = base.split_once("://").map(|(_, addr)| addr).unwrap_or_else(|| panic!("unexpected line {line:?}"));
        Hub { addr: addr.parse().expect("an address"), base: base.to_owned(), proc, reader: None }
    }

    /// Reads the hub's API with `token` from now on (a hub with users).
    pub fn reading_with(mut self, token: &str) -> Self {
        self.reader = Some(token.to_owned());
        self
    }

    /// The base URL, as an agent's `--hub` takes it.
    pub fn url(&self) -> String {
        self.base.clone()
    }

    /// `GET /api/v1/hosts`.
    pub async fn hosts(&self) -> Vec<HostInfo> {
        let mut request = reqwest::Client::new().get(format!("{}/api/v1/hosts", self.url()));
        if let Some(token) = &self.reader {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("hosts");
        assert!(response.status().is_success(), "GET /api/v1/hosts: {}", response.status());
        response.json::<HostsResponse>().await.expect("hosts json").hosts
    }

    /// `id`'s entry, if listed.
    pub async fn host(&self, id: &str) -> Option<HostInfo> {
        self.hosts().await.into_iter().find(|host| host.id == id)
    }

    /// Polls `/api/v1/hosts` (every 100 ms, within `limit`) until `id` has `status`.
    pub async fn wait_for_status(&self, id: &str, status: HostStatus, limit: Duration) -> HostInfo {
        let polls = (limit.as_millis() / 100).max(1);
        let mut seen = None;
        for _ in 0..polls {
            seen = self.host(id).await;
            if let Some(host) = seen.as_ref().filter(|host| host.status == status) {
                return host.clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("host {id} was not {status:?} within {limit:?}: {seen:?}; hub log:\n{}", self.proc.log());
    }
}

/// An agent process: `pulse-server agent --token TOKEN --interval 200ms` and `args`.
pub fn agent(args: &[&str]) -> Proc {
    agent_with_token(TOKEN, args)
}

/// An agent giving `token`.
pub fn agent_with_token(token: &str, args: &[&str]) -> Proc {
    agent_logging(token, args, "info")
}

/// An agent giving `token`, logging as `rust_log` says.
pub fn agent_logging(token: &str, args: &[&str], rust_log: &str) -> Proc {
    let mut argv = vec!["agent", "--token", token, "--interval", INTERVAL];
    argv.extend_from_slice(args);
    Proc::spawn_logging(&argv, rust_log)
}

/// Runs `pulse-server ARGS` (`user …`, `token …`) with `input` on its standard
/// input; its standard output. Panics when it fails.
pub async fn command(args: &[&str], input: &str) -> String {
    use tokio::io::AsyncWriteExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_pulse-server"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pulse-server");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).await.expect("write stdin");
    drop(stdin);
    let output = tokio::time::timeout(DEADLINE, child.wait_with_output()).await.expect("in time").expect("output");
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf8")
}
