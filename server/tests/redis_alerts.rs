//! Alerts once per fleet (`--redis` with `--alerts`): two hub processes share one
//! real `redis-server`, one rules file and one webhook receiver started by the test,
//! all on 127.0.0.1. Only the hub holding the alerts lease sends: an alert reaches
//! the receiver once, while the other hub judges it too (its `/api/v1/alerts` shows
//! it) without queueing anything. When the owner is killed with `kill -9`, the
//! other hub takes the lease within its TTL and a later alert goes out exactly once;
//! a hub shutting down releases the lease for the other to take at its next try.

#[path = "agent/procs.rs"]
mod procs;
#[path = "alerts/receiver.rs"]
mod receiver;
#[path = "redis/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use procs::{agent, DataDir, Hub, DEADLINE, TOKEN};
use pulse_protocol::alerts::{AlertState, AlertsResponse, DeliveriesResponse, DeliveryStatus};
use receiver::{Received, Receiver, Reply};
use server::Redis;

/// The lease's TTL (5 s) and a renewal round (1 s), with room for a slow machine.
const TAKEOVER: Duration = Duration::from_secs(10);

/// The rules: every host's `cpu.total` above -1 (so it fires on the first sample),
/// notifying the test's receiver at `url`.
fn rules(url: &str) -> String {
    let webhook = format!("[[webhook]]\nname = \"ops\"\nurl = \"{url}\"\nsecret = \"{SECRET}\"\n");
    format!("{webhook}\n[[rule]]\nname = \"cpu hot\"\nseries = \"cpu.total\"\nabove = -1.0\nnotify = [\"ops\"]\n")
}

/// The Standard Webhooks specification's example secret.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn hub(redis: &Redis, rules: &str) -> Hub {
    let args =
        ["--agent-token", TOKEN, "--redis", &redis.url(), "--no-local", "--alerts", rules, "--webhook-allow-private"];
    Hub::start_with("127.0.0.1:0", &args).await
}

async fn get<T: serde::de::DeserializeOwned>(url: String) -> T {
    let response = reqwest::get(&url).await.expect("GET");
    assert!(response.status().is_success(), "GET {url}: {}", response.status());
    response.json().await.expect("JSON")
}

/// `/healthz`'s `redis.alerts`: this hub's part in alerts.
async fn part(hub: &Hub) -> String {
    let health: serde_json::Value = get(format!("{}/healthz", hub.url())).await;
    health["redis"]["alerts"].as_str().unwrap_or_default().to_owned()
}

/// Waits (every 100 ms, bounded) until `hub` lists `rule` firing on `host`.
async fn wait_for_firing(hub: &Hub, rule: &str, host: &str) {
    for _ in 0..150 {
        let alerts: AlertsResponse = get(format!("{}/api/v1/alerts", hub.url())).await;
        if alerts.alerts.iter().any(|a| a.rule == rule && a.host == host && a.state == AlertState::Firing) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{rule} never fired on {host} at {}", hub.url());
}

/// Waits (every 100 ms, bounded) until `hub`'s delivery log shows `id` delivered.
async fn wait_for_delivered(hub: &Hub, id: &str) -> DeliveriesResponse {
    for _ in 0..150 {
        let log: DeliveriesResponse = get(format!("{}/api/v1/alerts/deliveries", hub.url())).await;
        if log.deliveries.iter().any(|d| d.id == id && d.status == DeliveryStatus::Delivered) {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{id} was never delivered by {}", hub.url());
}

/// The firing notifications received so far, by `webhook-id`: (host, how many).
fn tally(received: &[Received]) -> BTreeMap<String, (String, usize)> {
    let mut by_id: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for request in received {
        let body = request.json();
        assert_eq!(body["type"], "alert.firing", "{body}");
        let host = body["data"]["host"].as_str().unwrap_or_default().to_owned();
        by_id.entry(request.header("webhook-id").to_owned()).or_insert((host, 0)).1 += 1;
    }
    by_id
}

#[tokio::test]
async fn an_alert_goes_out_once_and_the_lease_moves_when_its_owner_dies() {
    let redis = Redis::start().await;
    let mut receiver = Receiver::start(Vec::new(), Reply::status(204)).await;
    let dir = DataDir::new();
    std::fs::create_dir_all(&dir.0).expect("dir");
    let path = dir.0.join("alerts.toml");
    std::fs::write(&path, rules(&receiver.url("/hook"))).expect("rules");
    let path = path.to_str().expect("utf-8");

    let mut a = hub(&redis, path).await;
    a.proc.wait_for_line("this hub holds the alerts lease").await;
    let mut b = hub(&redis, path).await;
    b.proc.wait_for_line("another hub holds the alerts lease").await;
    assert_eq!((part(&a).await, part(&b).await), ("owner".to_owned(), "follower".to_owned()));

    // The agent is on hub B; the owner, hub A, sends; B judges too but queues nothing.
    let mut first_agent = agent(&["--hub", &b.url(), "--name", "db 1"]);
    let first = tokio::time::timeout(DEADLINE, receiver.next(DEADLINE * 2))
        .await
        .unwrap_or_else(|_| panic!("no alert; hub A:\n{}\nhub B:\n{}", a.proc.log(), b.proc.log()));
    let first_id = first.header("webhook-id").to_owned();
    wait_for_firing(&b, "cpu hot", "db-1").await;
    wait_for_delivered(&a, &first_id).await;
    let on_b: DeliveriesResponse = get(format!("{}/api/v1/alerts/deliveries", b.url())).await;
    assert!(on_b.deliveries.is_empty(), "the follower queued nothing: {:?}", on_b.deliveries);
    assert!(receiver.try_next().is_none(), "one delivery while both hubs run");

    // The owner dies; B takes the lease once it runs out.
    let killed = Instant::now();
    a.proc.kill().await;
    tokio::time::timeout(TAKEOVER, b.proc.wait_for_line("this hub holds the alerts lease"))
        .await
        .expect("hub B takes the alerts lease");
    let took = killed.elapsed();
    assert_eq!(part(&b).await, "owner");

    // A later alert (another host, on B) goes out once, from B.
    let _second_agent = agent(&["--hub", &b.url(), "--name", "db 2"]);
    let mut received = vec![first];
    let second_id = loop {
        let request = tokio::time::timeout(DEADLINE, receiver.next(DEADLINE * 2))
            .await
            .unwrap_or_else(|_| panic!("no later alert; hub B:\n{}", b.proc.log()));
        let id = request.header("webhook-id").to_owned();
        let host = request.json()["data"]["host"].as_str().unwrap_or_default().to_owned();
        received.push(request);
        if host == "db-2" {
            break id;
        }
    };
    wait_for_delivered(&b, &second_id).await;
    // db-1 stays firing on B: its state says the receivers were told, so B does not
    // announce it again under a new id.
    first_agent.kill().await;
    received.extend(std::iter::from_fn(|| receiver.try_next()));
    let by_id = tally(&received);
    assert_eq!(by_id.len(), 2, "one id per alert: {by_id:?}");
    assert_eq!(by_id[&second_id], ("db-2".to_owned(), 1), "the later alert exactly once");
    // The first alert fired less than the replay window (10 s) before B took over,
    // so B re-queued it: the same id again (at least once), for the receiver to drop.
    assert_eq!(by_id[&first_id].0, "db-1");
    assert!(by_id[&first_id].1 <= 2, "{by_id:?}");
    eprintln!("takeover after kill -9: {took:?}; deliveries of the first alert: {}", by_id[&first_id].1);
}

#[tokio::test]
async fn a_hub_shutting_down_hands_the_lease_over_at_once() {
    let redis = Redis::start().await;
    let dir = DataDir::new();
    std::fs::create_dir_all(&dir.0).expect("dir");
    let path = dir.0.join("alerts.toml");
    std::fs::write(&path, rules("http://127.0.0.1:9/hook")).expect("rules");
    let path = path.to_str().expect("utf-8");
    let mut a = hub(&redis, path).await;
    a.proc.wait_for_line("this hub holds the alerts lease").await;
    let mut b = hub(&redis, path).await;
    b.proc.wait_for_line("another hub holds the alerts lease").await;
    let stopped = Instant::now();
    a.proc.terminate().await;
    a.proc.wait_for_line("released the alerts lease").await;
    b.proc.wait_for_line("this hub holds the alerts lease").await;
    eprintln!("takeover after a graceful shutdown: {:?}", stopped.elapsed());
}
