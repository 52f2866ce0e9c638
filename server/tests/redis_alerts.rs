//! Alerts once per fleet (`--redis` with `--alerts`): two hub processes share one
//! real `redis-server`, one rules file and one webhook receiver started by the test,
//! all on 127.0.0.1. Only the hub holding the alerts lease sends: an alert reaches
//! the receiver once, while the other hub judges it too (its `/api/v1/alerts` shows
//! it) without queueing anything. When the owner is killed with `kill -9`, the
//! other hub takes the lease within its TTL and a later alert goes out exactly once;
//! a hub shutting down releases the lease for the other to take at its next try.
//! And the fleet's outbox: a receiver failing with 500 while the owner builds a
//! retry backlog older than the takeover's replay, the owner killed, the receiver
//! recovered: the new owner delivers every notification, each once; and an owner
//! paused (SIGSTOP) past its lease, then resumed, sends nothing the new owner holds.

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
    let args = [
        "--agent-token",
        TOKEN,
        "--redis",
        &redis.url(),
        "--no-local",
        "--alerts",
        rules,
        "--webhook-allow-private",
        // Retries at most 15 s apart, so a failing receiver is tried often.
        "--webhook-horizon",
        "120s",
    ];
    Hub::start_with("127.0.0.1:0", &args).await
}

/// One redis-server, a rules file notifying `url`, hub A holding the alerts lease
/// and hub B following.
struct Pair {
    redis: Redis,
    _dir: DataDir,
    a: Hub,
    b: Hub,
}

async fn pair(url: &str) -> Pair {
    let redis = Redis::start().await;
    let dir = DataDir::new();
    std::fs::create_dir_all(&dir.0).expect("dir");
    let path = dir.0.join("alerts.toml");
    std::fs::write(&path, rules(url)).expect("rules");
    let path = path.to_str().expect("utf-8");
    let mut a = hub(&redis, path).await;
    a.proc.wait_for_line("this hub holds the alerts lease").await;
    let mut b = hub(&redis, path).await;
    b.proc.wait_for_line("another hub holds the alerts lease").await;
    Pair { redis, _dir: dir, a, b }
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

/// Waits (every 100 ms, at most 30 s: a retry may be 15 s away) until `hub`'s
/// delivery log shows `id` delivered.
async fn wait_for_delivered(hub: &Hub, id: &str) -> DeliveriesResponse {
    for _ in 0..300 {
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
    let mut receiver = Receiver::start(Vec::new(), Reply::status(204)).await;
    let Pair { redis: _redis, _dir, mut a, mut b } = pair(&receiver.url("/hook")).await;
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
    // so B re-queued it, but the fleet's outbox says it was delivered: not sent again.
    assert_eq!(by_id[&first_id], ("db-1".to_owned(), 1), "{by_id:?}");
    eprintln!("takeover after kill -9: {took:?}; deliveries of the first alert: {}", by_id[&first_id].1);
}

#[tokio::test]
async fn a_hub_shutting_down_hands_the_lease_over_at_once() {
    let Pair { redis: _redis, _dir, mut a, mut b } = pair("http://127.0.0.1:9/hook").await;
    let stopped = Instant::now();
    a.proc.terminate().await;
    a.proc.wait_for_line("released the alerts lease").await;
    b.proc.wait_for_line("this hub holds the alerts lease").await;
    eprintln!("takeover after a graceful shutdown: {:?}", stopped.elapsed());
}

/// Older than the takeover's replay (`gate::REPLAY`, 10 s): only the fleet's outbox
/// can bring a notification this old to the new owner.
const BACKLOG_AGE: Duration = Duration::from_secs(11);

#[tokio::test]
async fn the_new_owner_delivers_the_dead_owners_retry_backlog() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(500)).await;
    let Pair { redis: _redis, _dir, mut a, mut b } = pair(&receiver.url("/hook")).await;

    // Two alerts, each tried by the owner (hub A) and refused with 500.
    let _agents = [agent(&["--hub", &b.url(), "--name", "db 1"]), agent(&["--hub", &b.url(), "--name", "db 2"])];
    let mut failed: BTreeMap<String, Instant> = BTreeMap::new();
    while failed.len() < 2 {
        let request = receiver.next(DEADLINE * 2).await;
        assert_eq!(request.answered, 500);
        failed.entry(request.header("webhook-id").to_owned()).or_insert(request.at);
    }
    let newest = failed.values().max().copied().expect("two");
    tokio::time::sleep((newest + BACKLOG_AGE).saturating_duration_since(Instant::now())).await;

    // The owner dies with its backlog; the receiver recovers; B takes over.
    a.proc.kill().await;
    receiver.answer(Reply::status(204));
    let killed = Instant::now();
    let took = tokio::time::timeout(TAKEOVER, b.proc.wait_for_line("took over the fleet's outbox"))
        .await
        .unwrap_or_else(|_| panic!("hub B never took over the outbox:\n{}", b.proc.log()));
    assert!(took.contains("pending=2"), "{took}");
    let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
    while delivered.len() < failed.len() {
        let request = receiver.next(DEADLINE * 2).await;
        if request.answered == 204 {
            *delivered.entry(request.header("webhook-id").to_owned()).or_default() += 1;
        }
    }
    let after = killed.elapsed();
    for id in failed.keys() {
        wait_for_delivered(&b, id).await;
    }
    while let Some(late) = receiver.try_next() {
        if late.answered == 204 {
            *delivered.entry(late.header("webhook-id").to_owned()).or_default() += 1;
        }
    }
    assert_eq!(delivered.keys().collect::<Vec<_>>(), failed.keys().collect::<Vec<_>>(), "every notification arrived");
    assert!(delivered.values().all(|&count| count == 1), "each once: {delivered:?}");
    eprintln!("backlog of {} delivered by the new owner {after:?} after the old one was killed", failed.len());
}

/// Sends `signal` (`STOP`, `CONT`) to a hub.
async fn signal(hub: &Hub, signal: &str) {
    let pid = hub.proc.child.id().expect("running").to_string();
    let sent = tokio::process::Command::new("kill").args([&format!("-{signal}"), &pid]).status().await.expect("kill");
    assert!(sent.success());
}

#[tokio::test]
async fn an_owner_paused_past_its_lease_is_fenced_off() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(500)).await;
    let Pair { redis: _redis, _dir, mut a, b } = pair(&receiver.url("/hook")).await;
    let _agent = agent(&["--hub", &b.url(), "--name", "db 1"]);
    let failed = receiver.next(DEADLINE * 2).await;
    assert_eq!(failed.answered, 500);
    let id = failed.header("webhook-id").to_owned();

    // A stops (as a long GC pause or a frozen VM would) with the alert pending; B
    // takes the lease and delivers it.
    signal(&a, "STOP").await;
    receiver.answer(Reply::status(204));
    let delivered = loop {
        let request = receiver.next(DEADLINE * 2).await;
        if request.answered == 204 {
            break request;
        }
    };
    assert_eq!(delivered.header("webhook-id"), id);
    wait_for_delivered(&b, &id).await;

    // A wakes up believing it owns the lease and holding the alert pending: the
    // fencing number stops it, and its own log settles it as the fleet did.
    signal(&a, "CONT").await;
    a.proc.wait_for_line("another hub holds the alerts lease").await;
    let log = wait_for_delivered(&a, &id).await;
    let row = log.deliveries.iter().find(|row| row.id == id).expect("listed");
    assert!(row.last_error.as_deref().unwrap_or_default().contains("settled by the hub"), "{:?}", row.last_error);
    while let Some(late) = receiver.try_next() {
        assert_ne!(late.answered, 204, "delivered twice: {}", late.header("webhook-id"));
    }
    a.proc.kill().await;
}
