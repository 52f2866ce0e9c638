//! Several hubs sharing one real `redis-server` (`--redis`), with real agent
//! processes and browser-like WebSocket clients, all on 127.0.0.1: a host whose
//! agent is on one hub is live on another; a cursor from one hub resumes on
//! another; when the agent's hub is killed the agent moves and nothing is lost or
//! repeated; when Redis restarts the hubs say so, recover, and lose nothing of a
//! host whose agent stayed connected; a host an admin removes on one hub is gone
//! from every hub and stays gone until its agent comes back.

#[path = "agent/procs.rs"]
mod procs;
#[path = "redis/server.rs"]
mod server;
#[path = "agent/watcher.rs"]
mod watcher;

use std::time::Duration;

use procs::{agent, Hub, DEADLINE, TOKEN};
use pulse_protocol::HostStatus;
use server::Redis;
use watcher::{assert_contiguous, Watcher};

/// How long an agent may take to move to another hub: its claim on the dead hub
/// runs out (3 s) and its backoff grows meanwhile.
const MOVE: Duration = Duration::from_secs(40);

async fn hub(redis: &Redis) -> Hub {
    Hub::start_with("127.0.0.1:0", &["--agent-token", TOKEN, "--redis", &redis.url()]).await
}

/// `/healthz`'s `redis` field.
async fn redis_health(hub: &Hub) -> serde_json::Value {
    let url = format!("{}/healthz", hub.url());
    let health: serde_json::Value = reqwest::get(url).await.expect("healthz").json().await.expect("json");
    health["redis"].clone()
}

/// The hub status message a page holding revision `rev` is sent by a poll (none
/// when `rev` is current).
async fn hub_status(hub: &Hub, rev: u64) -> Option<serde_json::Value> {
    let url = format!("{}/api/v1/poll?host=cache&hub={rev}", hub.url());
    let polled: serde_json::Value = reqwest::get(url).await.expect("poll").json().await.expect("json");
    let messages = polled["messages"].as_array().expect("messages");
    messages.iter().find(|m| m["type"] == "hub").cloned()
}

#[tokio::test]
async fn a_host_is_live_on_every_hub_and_a_cursor_resumes_on_another() {
    let redis = Redis::start().await;
    let (mut a, mut b) = (hub(&redis).await, hub(&redis).await);
    let _agent = agent(&["--hub", &a.url(), "--name", "db 1"]);
    let mut on_a = Watcher::start(a.addr, "db-1");
    let mut on_b = Watcher::start(b.addr, "db-1");
    on_a.wait_for_count(10, DEADLINE).await;
    on_b.wait_for_count(10, DEADLINE).await;
    assert_contiguous(&on_a.frames());
    assert_contiguous(&on_b.frames());
    assert_eq!(on_a.frames()[0].epoch, on_b.frames()[0].epoch, "one epoch everywhere: the agent's");
    assert_eq!(redis_health(&b).await["status"], "ok");
    let listed = b.wait_for_status("db-1", HostStatus::Up, DEADLINE).await;
    assert_eq!(listed.name, "db 1", "hub B lists the host its agent holds on hub A");

    // A cursor taken on hub A means the same on hub B: exactly the frames after it.
    let cursor = on_a.frames()[4].clone();
    let mut moved = Watcher::start_on(vec![b.addr], "db-1", Some((cursor.epoch.clone(), cursor.seq)));
    moved.wait_for_count(5, DEADLINE).await;
    let frames = moved.frames();
    assert_eq!(frames[0].seq, cursor.seq + 1, "resumed right after the cursor: {frames:?}");
    assert_contiguous(&frames);
    assert!(moved.gaps().is_empty(), "{:?}", moved.gaps());
    // And over polling, the same cursor on hub B.
    let url = format!("{}/api/v1/poll?host=db-1&epoch={}&since={}", b.url(), cursor.epoch, cursor.seq);
    let polled: serde_json::Value = reqwest::get(url).await.expect("poll").json().await.expect("json");
    let seqs: Vec<u64> = polled["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["type"] == "frame")
        .filter_map(|m| m["seq"].as_u64())
        .collect();
    assert_eq!(seqs.first(), Some(&(cursor.seq + 1)), "{polled}");
    assert!(seqs.windows(2).all(|pair| pair[1] == pair[0] + 1), "{seqs:?}");
    assert!(polled["messages"].as_array().expect("messages").iter().all(|m| m["type"] != "gap"), "{polled}");

    // One agent per host across the hubs: a second one on hub B is refused.
    let mut twin = agent(&["--hub", &b.url(), "--name", "db 1"]);
    twin.wait_for_line("is connected to another hub").await;
    b.proc.wait_for_line("sharing hosts with the other hubs").await;
    a.proc.wait_for_line("sharing hosts with the other hubs").await;
}

#[tokio::test]
async fn when_the_agents_hub_dies_the_agent_moves_and_nothing_is_lost_or_repeated() {
    let redis = Redis::start().await;
    let (mut a, mut b) = (hub(&redis).await, hub(&redis).await);
    let _agent = agent(&["--hub", &a.url(), "--hub", &b.url(), "--name", "web"]);
    let mut on_b = Watcher::start(b.addr, "web");
    on_b.wait_for_count(10, DEADLINE).await;
    assert!(!b.proc.log().contains("an agent connected"), "the agent is on hub A");

    a.proc.kill().await;
    let killed_at = on_b.frames().last().expect("frames").seq;
    b.proc.wait_for_lines("an agent connected", 1, MOVE).await;
    on_b.wait_for("20 after the kill", DEADLINE, |seen| seen.seq >= killed_at + 20).await;
    let frames = on_b.frames();
    assert_contiguous(&frames);
    assert!(on_b.gaps().is_empty(), "{:?}", on_b.gaps());
}

#[tokio::test]
async fn when_redis_restarts_the_hubs_say_so_recover_and_lose_nothing() {
    let mut redis = Redis::start().await;
    let (mut a, mut b) = (hub(&redis).await, hub(&redis).await);
    let _agent = agent(&["--hub", &a.url(), "--name", "cache"]);
    let mut on_b = Watcher::start(b.addr, "cache");
    on_b.wait_for_count(5, DEADLINE).await;

    redis.kill().await;
    a.proc.wait_for_line("redis is unreachable").await;
    b.proc.wait_for_line("redis is unreachable").await;
    let down = redis_health(&a).await;
    assert_eq!(down["status"], "down", "{down}");
    assert!(down["error"].as_str().is_some_and(|e| !e.is_empty()), "{down}");
    // Pages that ask (`hub=REV`) are told, with the time Redis went away.
    let told = hub_status(&a, 0).await.expect("a page holding nothing is told");
    assert_eq!(told["redis_down_since"], down["since"], "{told} / {down}");
    let rev = told["rev"].as_u64().expect("rev");
    assert_eq!(hub_status(&a, rev).await, None, "a page that holds it is not told again");
    // Hub A still serves its agent's host live.
    let mut on_a = Watcher::start(a.addr, "cache");
    on_a.wait_for_count(5, DEADLINE).await;

    redis.restart().await;
    a.proc.wait_for_lines("sharing hosts with the other hubs", 2, DEADLINE).await;
    b.proc.wait_for_lines("sharing hosts with the other hubs", 2, DEADLINE).await;
    assert_eq!(redis_health(&a).await["status"], "ok");
    let back = hub_status(&a, rev).await.expect("the page is told Redis is back");
    assert!(back["redis_down_since"].is_null(), "{back}");
    assert!(back["rev"].as_u64().expect("rev") > rev, "{back}");
    let newest = on_a.frames().last().expect("frames").seq;
    on_b.wait_for("5 after the restart", DEADLINE, |seen| seen.seq >= newest + 5).await;
    assert_contiguous(&on_b.frames());
    assert!(on_b.gaps().is_empty(), "{:?}", on_b.gaps());
}

/// `DELETE /api/v1/hosts/ID` on `hub` (a loopback hub without users is open: anyone
/// on this machine is its admin); the status.
async fn remove(hub: &Hub, id: &str) -> u16 {
    let url = format!("{}/api/v1/hosts/{id}", hub.url());
    reqwest::Client::new().delete(url).send().await.expect("delete").status().as_u16()
}

#[tokio::test]
async fn a_host_removed_on_one_hub_is_gone_from_every_hub_until_its_agent_returns() {
    let redis = Redis::start().await;
    let (mut a, b) = (hub(&redis).await, hub(&redis).await);
    let mut old = agent(&["--hub", &a.url(), "--name", "old box"]);
    b.wait_for_status("old-box", HostStatus::Up, DEADLINE).await;
    assert_eq!(remove(&b, "old-box").await, 409, "its agent is linked to hub A");

    old.kill().await;
    b.wait_for_status("old-box", HostStatus::Down, DEADLINE).await;
    assert_eq!(remove(&b, "old-box").await, 204);
    a.proc.wait_for_line("host removed on another hub").await;
    assert!(a.hosts().await.iter().all(|h| h.id != "old-box"), "hub A dropped it");
    assert!(b.hosts().await.iter().all(|h| h.id != "old-box"), "hub B removed it");

    // It sticks: a hub that starts now learns of the other hosts, not of this one.
    let _other = agent(&["--hub", &a.url(), "--name", "other"]);
    let c = hub(&redis).await;
    c.wait_for_status("other", HostStatus::Up, DEADLINE).await;
    b.wait_for_status("other", HostStatus::Up, DEADLINE).await;
    for on in [&a, &b, &c] {
        assert!(on.hosts().await.iter().all(|h| h.id != "old-box"), "{:?}", on.hosts().await);
    }

    // Its agent coming back adds it again, on every hub.
    let _back = agent(&["--hub", &a.url(), "--name", "old box"]);
    b.wait_for_status("old-box", HostStatus::Up, DEADLINE).await;
    c.wait_for_status("old-box", HostStatus::Up, DEADLINE).await;
}

#[tokio::test]
async fn a_hubs_own_host_is_shared_and_a_second_hub_of_its_name_keeps_its_own_to_itself() {
    let redis = Redis::start().await;
    let named = |name: &'static str| {
        let url = redis.url();
        async move { Hub::start_with("127.0.0.1:0", &["--agent-token", TOKEN, "--redis", &url, "--name", name]).await }
    };
    let mut a = named("hub-a").await;
    let mut on_a = Watcher::start(a.addr, "hub-a");
    on_a.wait_for_count(5, DEADLINE).await;

    // Hub B, started later, serves hub A's own host from the stream's history (a
    // cursor from hub A resumes right after it) and live.
    let b = named("hub-b").await;
    let first = on_a.frames()[0].clone();
    let mut on_b = Watcher::start_on(vec![b.addr], "hub-a", Some((first.epoch.clone(), first.seq)));
    on_b.wait_for_count(8, DEADLINE).await;
    let frames = on_b.frames();
    assert_eq!(frames[0].seq, first.seq + 1, "resumed right after the cursor: {frames:?}");
    assert_eq!(frames[0].epoch, first.epoch, "hub A's own epoch");
    assert_contiguous(&frames);
    assert!(on_b.gaps().is_empty(), "{:?}", on_b.gaps());
    let newest = on_a.frames().last().expect("frames").seq;
    on_b.wait_for("live after hub A's newest", DEADLINE, |seen| seen.seq > newest + 2).await;
    let listed = b.wait_for_status("hub-a", HostStatus::Up, DEADLINE).await;
    assert!(!listed.local, "hub A's own host is hub B's followed host");

    // A third hub with hub A's name keeps its own host to itself and says why.
    let mut c = named("hub-a").await;
    c.proc.wait_for_line("give this hub its own --name to share it").await;
    assert!(!a.proc.log().contains("give this hub its own --name"), "{}", a.proc.log());
    a.proc.wait_for_line("sharing hosts with the other hubs").await;
}

#[tokio::test]
async fn a_link_whose_claim_another_hub_took_is_closed_and_its_agent_refused_until_it_is_free() {
    let redis = Redis::start().await;
    let mut a = hub(&redis).await;
    let mut agent = agent(&["--hub", &a.url(), "--name", "split"]);
    a.proc.wait_for_line("an agent connected").await;

    // Another hub's agent for this host took the claim while this hub was cut off
    // from Redis (written by hand: a hub that does not exist, with no expiry).
    let client = redis::Client::open(redis.url()).expect("client");
    let mut conn = client.get_multiplexed_async_connection().await.expect("connection");
    let key = "pulse:host:{split}:claim";
    let () =
        redis::cmd("SET").arg(key).arg("hub:elsewhere:0000000000000001").query_async(&mut conn).await.expect("set");
    a.proc.wait_for_line("another hub holds this host now").await;
    agent.wait_for_line("is connected to another hub").await;

    // Once the other hub lets go, the agent is taken back.
    let () = redis::cmd("DEL").arg(key).query_async(&mut conn).await.map(|_: u64| ()).expect("del");
    a.proc.wait_for_lines("an agent connected", 2, MOVE).await;
}
