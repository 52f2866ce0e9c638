//! A real `redis-server` for a test: on 127.0.0.1, a port of its own, nothing saved,
//! in a temporary directory; stopped by its PID (dropping it kills it). `./pulse
//! test` installs Redis (`scripts/lib.sh`).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long Redis may take to start.
const START: Duration = Duration::from_secs(10);

/// A running Redis.
pub struct Redis {
    child: Child,
    pub port: u16,
    dir: std::path::PathBuf,
}

impl Redis {
    /// Starts Redis on a free port, holding a fleet known to have no users (the
    /// access revision, as a fleet that has run holds it): loopback hubs without
    /// users open at once. A copy seeded by a hub from an empty access file would
    /// keep them closed for `GRACE` (10 s) first (see [`Redis::start_empty`]).
    pub async fn start() -> Redis {
        let redis = Redis::start_empty().await;
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", redis.port)).expect("redis answers");
        conn.write_all(b"SET pulse:access:rev 1\r\n").expect("write to redis");
        let mut reply = [0; 5];
        conn.read_exact(&mut reply).expect("redis replies");
        assert_eq!(&reply, b"+OK\r\n");
        redis
    }

    /// Starts Redis on a free port, holding nothing: a new fleet.
    pub async fn start_empty() -> Redis {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let dir = std::env::temp_dir().join(format!("pulse-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("redis dir");
        let child = spawn(port, &dir).await;
        Redis { child, port, dir }
    }

    /// `redis://127.0.0.1:PORT`, as `--redis` takes it.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills it (its data is gone: nothing is saved).
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill redis");
    }

    /// Starts it again, empty, on the same port.
    pub async fn restart(&mut self) {
        self.child = spawn(self.port, &self.dir).await;
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn spawn(port: u16, dir: &std::path::Path) -> Child {
    let mut child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("redis-server is installed (./pulse test installs it)");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(START, async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("Ready to accept connections") {
                return true;
            }
        }
        false
    });
    assert!(matches!(ready.await, Ok(true)), "redis-server did not start on port {port}");
    // Its later lines are read and dropped, so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}
