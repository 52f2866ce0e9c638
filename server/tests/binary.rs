//! The real `pulse-server` binary: prints the address it bound, serves, and exits
//! promptly on SIGTERM (with a current-thread runtime, as the fan-out benchmark runs it).

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn the_binary_prints_its_address_serves_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pulse-server"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--interval",
            "100ms",
            "--dist",
            "/nonexistent",
            "--no-store",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn pulse-server");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await.expect("starts in time");
    let line = line.expect("read").expect("a line");
    let url = line.strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected line {line:?}"));
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with('/') && !url.contains(":0/"), "{url}");

    let health: serde_json::Value = reqwest::get(format!("{url}healthz")).await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["epoch"].as_str().map(str::len), Some(12));

    let pid = child.id().expect("running").to_string();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(5), child.wait()).await.expect("exits within 5 s");
    assert!(status.expect("wait").success());
}
