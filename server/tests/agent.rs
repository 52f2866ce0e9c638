//! Real agents (`pulse-server agent`) pushing to a real hub over 127.0.0.1: the
//! token is checked, refusals are logged clearly and backed off, a host is listed
//! `up` with its tags and `down` when its agent dies, and nothing sampled while
//! the hub was out of reach is lost: not over a 30 s cut, not over a hub restart.

#[path = "support/certs.rs"]
mod certs;
#[path = "agent/procs.rs"]
mod procs;
#[path = "agent/proxy.rs"]
mod proxy;
#[path = "agent/watcher.rs"]
mod watcher;

use std::collections::BTreeMap;
use std::time::Duration;

use procs::{agent, agent_with_token, command, DataDir, Hub, DEADLINE, TOKEN};
use proxy::Proxy;
use pulse_protocol::{HistoryResponse, HostStatus};
use watcher::{assert_contiguous, Watcher};

/// How long the hub stays out of reach in the cut-off test (the figure).
const CUT: Duration = Duration::from_secs(30);

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[tokio::test]
async fn a_good_token_connects_and_the_host_is_listed_up_with_its_tags() {
    let hub = Hub::start("127.0.0.1:0").await;
    let mut agent = agent(&["--hub", &hub.url(), "--name", "web 1", "--tag", "env=test", "--tag", "zone=eu west"]);
    let host = hub.wait_for_status("web-1", HostStatus::Up, DEADLINE).await;
    assert_eq!(host.name, "web 1");
    let tags = BTreeMap::from([("env".to_owned(), "test".to_owned()), ("zone".to_owned(), "eu west".to_owned())]);
    assert_eq!(host.tags, tags);
    assert!(!host.local);
    assert_eq!(host.interval_ms, 200);
    assert!(host.last_seen > now_ms() - 5_000, "{host:?}");
    let log = agent.wait_for_line("connected to the hub").await;
    assert!(!log.contains(TOKEN), "the token is in the agent's log:\n{log}");
    assert!(log.contains("the buffer holds 4500 samples (15m)"), "{log}");
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_backed_off_without_being_logged() {
    const WRONG: &str = "wrong-token-91bc4e";
    let hub = Hub::start("127.0.0.1:0").await;
    let mut agent = agent_with_token(WRONG, &["--hub", &hub.url(), "--name", "intruder"]);
    // Two refusals: it keeps trying, with a delay between (1 to 2 s the second time).
    let log = agent.wait_for_lines("the hub refused the token", 2, Duration::from_secs(20)).await;
    assert!(log.contains("reconnecting in"), "{log}");
    assert!(agent.running(), "the agent keeps running");
    assert!(!log.contains(WRONG), "the token is in the agent's log:\n{log}");
    assert!(!hub.proc.log().contains(WRONG), "the token is in the hub's log");
    assert!(hub.host("intruder").await.is_none(), "a refused agent's host is not listed");
    let refusals = log.lines().filter(|line| line.contains("the hub refused the token")).count();
    assert!(refusals <= 3, "the agent hammers the hub: {refusals} attempts\n{log}");
}

#[tokio::test]
async fn a_hub_without_agent_tokens_says_which_flag_it_needs() {
    let hub = Hub::start_with("127.0.0.1:0", &[]).await;
    let mut agent = agent(&["--hub", &hub.url(), "--name", "lonely"]);
    let log = agent.wait_for_line("the hub refused the token").await;
    assert!(log.contains("--agent-token"), "the refusal names the flag:\n{log}");
    assert!(!log.contains(TOKEN));
}

#[tokio::test]
async fn an_agent_token_made_on_the_command_line_pushes_to_a_hub_with_users() {
    let data = DataDir::new();
    let dir = data.0.to_str().expect("utf-8 path");
    command(&["user", "add", "ann", "--role", "admin", "--data", dir], "a long password\n").await;
    let last = |out: String| out.lines().last().expect("a last line").to_owned();
    let pushing = last(command(&["token", "create", "--role", "agent", "--data", dir], "").await);
    let reading = last(command(&["token", "create", "--role", "viewer", "--data", dir], "").await);
    // No --agent-token: the agent's token is the access file's.
    let hub = Hub::start_with("127.0.0.1:0", &["--data", dir]).await.reading_with(&reading);
    let anonymous = reqwest::get(format!("{}/api/v1/hosts", hub.url())).await.expect("hosts");
    assert_eq!(anonymous.status(), 401, "a hub with users serves no one anonymously");
    let mut agent = agent_with_token(&pushing, &["--hub", &hub.url(), "--name", "pushed"]);
    hub.wait_for_status("pushed", HostStatus::Up, DEADLINE).await;
    let log = agent.wait_for_line("connected to the hub").await;
    assert!(!log.contains(&pushing) && !hub.proc.log().contains(&pushing), "a token in a log");
    let with_agent_token = reqwest::Client::new()
        .get(format!("{}/api/v1/hosts", hub.url()))
        .bearer_auth(&pushing)
        .send()
        .await
        .expect("hosts");
    assert_eq!(with_agent_token.status(), 403, "an agent token pushes and reads nothing");
}

#[tokio::test]
async fn a_second_agent_with_the_same_name_is_refused_naming_the_host() {
    let hub = Hub::start("127.0.0.1:0").await;
    let _first = agent(&["--hub", &hub.url(), "--name", "twin"]);
    hub.wait_for_status("twin", HostStatus::Up, DEADLINE).await;
    let mut second = agent(&["--hub", &hub.url(), "--name", "twin"]);
    let log = second.wait_for_line("host twin is already connected").await;
    assert!(second.running(), "the second agent keeps trying:\n{log}");
    assert_eq!(hub.wait_for_status("twin", HostStatus::Up, DEADLINE).await.status, HostStatus::Up);
}

#[tokio::test]
async fn the_first_hub_that_answers_is_used() {
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let dead_url = format!("http://{}", dead.local_addr().expect("addr"));
    drop(dead);
    let hub = Hub::start("127.0.0.1:0").await;
    let mut agent = agent(&["--hub", &dead_url, "--hub", &hub.url(), "--name", "fallback"]);
    hub.wait_for_status("fallback", HostStatus::Up, DEADLINE).await;
    let log = agent.wait_for_line("connected to the hub").await;
    assert!(log.contains("cannot use this hub"), "the dead hub was tried first:\n{log}");
}

#[tokio::test]
async fn an_https_hub_with_a_private_ca_is_trusted_through_ca() {
    let dir = certs::make();
    let (cert, key, ca) = (dir.join("server.pem"), dir.join("server.key"), dir.join("ca.pem"));
    let (cert, key, ca) = (cert.to_str().expect("path"), key.to_str().expect("path"), ca.to_str().expect("path"));
    let mut hub = Hub::start_with("127.0.0.1:0", &["--agent-token", TOKEN, "--tls-cert", cert, "--tls-key", key]).await;
    assert!(hub.url().starts_with("https://"), "{}", hub.url());

    let mut trusting = agent(&["--hub", &hub.url(), "--name", "over-tls", "--ca", ca]);
    trusting.wait_for_line("the hub resumes this host's stream").await;
    hub.proc.wait_for_line("host=over-tls").await;

    // Without --ca the system's roots do not know the test CA: the log says what to do.
    let mut doubting = agent(&["--hub", &hub.url(), "--name", "no-ca"]);
    let log = doubting.wait_for_line("TLS handshake failed").await;
    assert!(log.contains("--ca FILE"), "{log}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_killed_agent_turns_its_host_down_and_a_stopped_one_exits_cleanly() {
    let hub = Hub::start("127.0.0.1:0").await;
    let mut killed = agent(&["--hub", &hub.url(), "--name", "killed"]);
    let mut stopped = agent(&["--hub", &hub.url(), "--name", "stopped"]);
    hub.wait_for_status("killed", HostStatus::Up, DEADLINE).await;
    hub.wait_for_status("stopped", HostStatus::Up, DEADLINE).await;

    killed.kill().await;
    let down = hub.wait_for_status("killed", HostStatus::Down, DEADLINE).await;
    assert!(down.last_seen > 0, "its history stays: {down:?}");

    let status = stopped.terminate().await;
    assert!(status.success(), "SIGTERM: exit 0, not {status:?}");
    hub.wait_for_status("stopped", HostStatus::Down, DEADLINE).await;
    let log = stopped.log();
    assert!(log.contains("agent stopped"), "{log}");
}

#[tokio::test]
async fn samples_taken_while_the_hub_was_cut_off_for_30_s_all_reach_a_browser() {
    let hub = Hub::start("127.0.0.1:0").await;
    let proxy = Proxy::start(hub.addr).await;
    let agent = agent(&["--hub", &proxy.url(), "--name", "cut-off"]);
    hub.wait_for_status("cut-off", HostStatus::Up, DEADLINE).await;
    let mut browser = Watcher::start(hub.addr, "cut-off");
    browser.wait_for_count(5, DEADLINE).await;

    proxy.cut();
    let cut_at = now_ms();
    hub.wait_for_status("cut-off", HostStatus::Down, DEADLINE).await;
    // The outage itself: nothing to wait for but time.
    tokio::time::sleep(CUT).await;
    proxy.restore();
    let restored_at = now_ms();

    // Reconnecting may wait up to the 30 s backoff cap after the last failed try.
    let limit = Duration::from_secs(45);
    browser.wait_for(&format!("sampled after {restored_at}"), limit, |frame| frame.ts > restored_at).await;
    hub.wait_for_status("cut-off", HostStatus::Up, DEADLINE).await;
    let frames = browser.frames();
    assert_contiguous(&frames);
    let during = frames.iter().filter(|frame| frame.ts > cut_at && frame.ts < restored_at).count();
    // 30 s at 200 ms is 150 samples; a loaded machine's sampler may fall behind
    // (it skips rather than bunches up). That none is missing, the seqs say above.
    assert!(during >= 100, "only {during} samples from the outage arrived");
    let log = agent.log();
    assert!(log.contains("lost the link") && log.contains("reconnecting in"), "{log}");
    assert!(!log.contains(TOKEN));
}

#[tokio::test]
async fn a_restarted_hub_gets_its_hosts_back_with_their_history() {
    let first = Hub::start("127.0.0.1:0").await;
    let listen = first.addr.to_string();
    let _a = agent(&["--hub", &first.url(), "--name", "alpha", "--tag", "role=a"]);
    let _b = agent(&["--hub", &first.url(), "--name", "beta"]);
    first.wait_for_status("alpha", HostStatus::Up, DEADLINE).await;
    first.wait_for_status("beta", HostStatus::Up, DEADLINE).await;
    let before = history(&first, "alpha").await;
    assert!(before.last_seq > 0);

    let mut first = first;
    let status = first.proc.terminate().await;
    assert!(status.success(), "{status:?}");
    let restarted_at = now_ms();
    let second = Hub::start(&listen).await;
    for id in ["alpha", "beta"] {
        second.wait_for_status(id, HostStatus::Up, Duration::from_secs(40)).await;
    }
    assert_eq!(second.host("alpha").await.map(|host| host.tags), Some(BTreeMap::from([("role".into(), "a".into())])));

    // The new hub's history for each host reaches back before its own start: the
    // agents refilled it from their buffers, in one unbroken run.
    let after = history(&second, "alpha").await;
    assert_eq!(after.epoch, before.epoch, "the agent's epoch survives the hub's restart");
    assert!(after.first_seq <= before.first_seq, "refilled from the start: {} > {}", after.first_seq, before.first_seq);
    assert_eq!(after.ts.len() as u64, after.last_seq - after.first_seq + 1, "no hole");
    assert!(after.ts.first().is_some_and(|&ts| ts < restarted_at));
    let beta = history(&second, "beta").await;
    assert!(beta.ts.first().is_some_and(|&ts| ts < restarted_at));
}

async fn history(hub: &Hub, host: &str) -> HistoryResponse {
    let url = format!("{}/api/v1/history?host={host}&series=cpu.total", hub.url());
    let response = reqwest::get(url).await.expect("history");
    assert!(response.status().is_success(), "history of {host}: {}", response.status());
    response.json().await.expect("history json")
}
