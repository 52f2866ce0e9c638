//! The history store with real hub processes: a hub killed with `kill -9` comes
//! back on the same `--data` with every host's history, and a browser's cursor
//! from before the crash resumes without a hole (the hub's own host and an
//! agent's); a full disk, a foreign file and a newer store are said in one line
//! while live data keeps flowing.

#[path = "agent/procs.rs"]
mod procs;
#[path = "agent/watcher.rs"]
mod watcher;

use std::time::Duration;

use procs::{agent, DataDir, Hub, DEADLINE};
use pulse_protocol::{HistoryResponse, HostStatus};
use watcher::{assert_contiguous, Watcher};

/// How long a restarted hub and its reconnecting clients get.
const COMEBACK: Duration = Duration::from_secs(40);

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

async fn hub_on(listen: &str, data: &DataDir, extra: &[&str]) -> Hub {
    let dir = data.0.to_str().expect("utf-8 path");
    let mut args = vec!["--data", dir, "--agent-token", procs::TOKEN];
    args.extend_from_slice(extra);
    Hub::start_with(listen, &args).await
}

async fn drawn(hub: &Hub, host: &str, from: i64, to: i64, width: usize) -> HistoryResponse {
    let url =
        format!("{}/api/v1/history?host={host}&series=cpu.total,mem.used&from={from}&to={to}&width={width}", hub.url());
    let response = reqwest::get(url).await.expect("history");
    assert!(response.status().is_success(), "history: {}", response.status());
    response.json().await.expect("history json")
}

#[tokio::test]
async fn after_kill_9_the_hubs_own_host_resumes_from_the_same_cursor_with_its_history() {
    let data = DataDir::new();
    let started = now_ms();
    let mut first = hub_on("127.0.0.1:0", &data, &[]).await;
    let listen = first.addr.to_string();
    let mut watcher = Watcher::start(first.addr, "the-hub");
    watcher.wait_for_count(10, DEADLINE).await;
    first.proc.kill().await;
    let before = watcher.frames().len();

    let second = hub_on(&listen, &data, &[]).await;
    watcher.wait_for_count(before + 10, COMEBACK).await;
    let frames = watcher.frames();
    assert_contiguous(&frames);

    // The stored samples from before the crash are drawn from the raw tier.
    let history = drawn(&second, "the-hub", started - 1_000, now_ms(), 200).await;
    assert_eq!(history.tier.as_deref(), Some("raw"));
    let first_ts = frames[0].ts;
    let drawn_before: usize = history
        .ts
        .iter()
        .zip(&history.series["cpu.total"].values)
        .filter(|(&ts, v)| ts <= first_ts + 2_000 && v.is_some())
        .count();
    assert!(drawn_before > 0, "the first samples are drawn after the restart: {history:?}");
    assert!(history.ts.len() <= 2 * 200 + 200, "at most two rows a column and a break per gap");

    // Without width=, every stored sample from before the crash, joined to memory's
    // without a hole; to= ends the window.
    let url = format!("{}/api/v1/history?host=the-hub&series=cpu.total&from={}", second.url(), started - 1_000);
    let rows: HistoryResponse = reqwest::get(url).await.expect("history").json().await.expect("json");
    assert!(rows.ts.first().is_some_and(|&ts| ts <= first_ts), "reaches back before the restart");
    assert_eq!(rows.ts.len() as u64, rows.last_seq - rows.first_seq + 1, "one row per seq, no hole");
    assert_eq!(rows.epoch.0, frames[0].epoch, "in the epoch the browser resumed");
    let cut = rows.ts[rows.ts.len() / 2];
    let url =
        format!("{}/api/v1/history?host=the-hub&series=cpu.total&from={}&to={cut}", second.url(), started - 1_000);
    let early: HistoryResponse = reqwest::get(url).await.expect("history").json().await.expect("json");
    assert!(early.ts.iter().all(|&ts| ts < cut) && !early.ts.is_empty(), "to= is the end, exclusive");
    assert_eq!(early.first_seq, rows.first_seq);
}

#[tokio::test]
async fn after_kill_9_agents_hosts_keep_every_sample_once_and_a_gone_one_stays_listed() {
    let data = DataDir::new();
    let mut first = hub_on("127.0.0.1:0", &data, &[]).await;
    let listen = first.addr.to_string();
    let _alpha = agent(&["--hub", &first.url(), "--name", "alpha"]);
    let mut beta = agent(&["--hub", &first.url(), "--name", "beta"]);
    first.wait_for_status("alpha", HostStatus::Up, DEADLINE).await;
    first.wait_for_status("beta", HostStatus::Up, DEADLINE).await;
    let mut watcher = Watcher::start(first.addr, "alpha");
    watcher.wait_for_count(15, DEADLINE).await;
    beta.kill().await;
    first.wait_for_status("beta", HostStatus::Down, DEADLINE).await;
    first.proc.kill().await;
    let before = watcher.frames().len();

    let second = hub_on(&listen, &data, &[]).await;
    // beta's agent is gone: still listed, down, with its history from the store.
    let listed = second.wait_for_status("beta", HostStatus::Down, DEADLINE).await;
    assert!(listed.last_seen > 0, "last seen comes from the store: {listed:?}");
    let history = drawn(&second, "beta", now_ms() - 120_000, now_ms(), 100).await;
    assert_eq!(history.tier.as_deref(), Some("raw"));
    assert!(history.series["cpu.total"].values.iter().any(Option::is_some), "{history:?}");

    // alpha's agent reconnects and replays what the hub had not stored: the
    // browser gets every sample once, in order, in the agent's epoch.
    second.wait_for_status("alpha", HostStatus::Up, COMEBACK).await;
    watcher.wait_for_count(before + 10, COMEBACK).await;
    assert_contiguous(&watcher.frames());
}

#[tokio::test]
async fn a_foreign_file_or_a_newer_store_is_said_in_one_line_and_live_data_flows() {
    let data = DataDir::new();
    std::fs::create_dir_all(&data.0).expect("mkdir");
    let notes = b"my notes: not a database";
    std::fs::write(data.0.join("pulse.db"), notes).expect("write");
    let mut hub = hub_on("127.0.0.1:0", &data, &[]).await;
    let log = hub.proc.wait_for_line("history store unavailable").await;
    assert!(log.contains("not a Pulse store"), "{log}");
    assert_eq!(log.matches("history store").count(), 1, "one line: {log}");
    let mut watcher = Watcher::start(hub.addr, "the-hub");
    watcher.wait_for_count(5, DEADLINE).await;
    assert_eq!(std::fs::read(data.0.join("pulse.db")).expect("read"), notes, "the user's file is untouched");
    assert!(hub.proc.running());

    let newer = DataDir::new();
    let mut made = hub_on("127.0.0.1:0", &newer, &[]).await;
    made.proc.wait_for_line("history store open").await;
    made.proc.kill().await;
    let db = rusqlite::Connection::open(newer.0.join("pulse.db")).expect("open the store");
    db.execute_batch("PRAGMA user_version = 99;").expect("set the store's version");
    drop(db);
    let mut hub = hub_on("127.0.0.1:0", &newer, &[]).await;
    let log = hub.proc.wait_for_line("history store unavailable").await;
    assert!(log.contains("newer Pulse"), "{log}");
    Watcher::start(hub.addr, "the-hub").wait_for_count(3, DEADLINE).await;
}

#[tokio::test]
async fn a_full_disk_is_said_once_and_live_data_keeps_flowing() {
    let data = DataDir::new();
    std::fs::create_dir_all(&data.0).expect("mkdir");
    let dir = data.0.to_str().expect("utf-8").to_owned();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=192k", "tmpfs", &dir])
        .status()
        .is_ok_and(|s| s.success());
    assert!(mounted, "this test mounts a 192 KiB tmpfs (it needs root, as CI has)");
    let unmount = Unmount(dir.clone());
    let mut hub = hub_on("127.0.0.1:0", &data, &[]).await;
    let log = hub.proc.wait_for_lines("disk holding the store is full", 1, Duration::from_secs(60)).await;
    assert!(log.contains("serving live data from memory"), "{log}");
    let mut watcher = Watcher::start(hub.addr, "the-hub");
    watcher.wait_for_count(20, DEADLINE).await;
    assert_contiguous(&watcher.frames());
    let health = reqwest::get(format!("{}/healthz", hub.url())).await.expect("healthz");
    assert!(health.status().is_success());
    assert_eq!(hub.proc.log().matches("disk holding the store is full").count(), 1, "said once");
    drop(hub);
    drop(unmount);
}

/// Unmounts the test's tmpfs when dropped.
struct Unmount(String);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
