//! Seals once per fleet (`--redis`), with a real `redis-server`, real hubs and a
//! real agent on 127.0.0.1, and hours made seconds long (`--test-block`): the hub
//! that holds a host's claim seals its hours and publishes them, and another hub
//! adopts them (its chunks are the owner's, byte for byte, and it sealed nothing
//! itself); when the owner is killed before it seals, the other hub waits
//! (`--test-seal-wait`), seals by itself, and every sample stays readable.

#[path = "agent/procs.rs"]
mod procs;
#[path = "redis/server.rs"]
mod server;
#[path = "agent/watcher.rs"]
mod watcher;

use std::time::Duration;

use procs::{agent, DataDir, Hub, DEADLINE, TOKEN};
use pulse_protocol::HistoryResponse;
use server::Redis;
use watcher::Watcher;

/// How long the seals asked for may take: a few blocks and the grace after each
/// (`persist::share::GRACE_MS`, 10 s).
const SEALS: Duration = Duration::from_secs(90);

/// Hubs A and B on one Redis, each with its store, hours as long as `block` and a
/// wait of `wait` for the owner's seal; hub B samples no host of its own and has
/// `extra` flags. An agent, `db`, on hub A only (nobody holds it when A dies).
struct Fleet {
    a: Hub,
    b: Hub,
    dirs: (DataDir, DataDir),
    _agent: procs::Proc,
    _redis: Redis,
}

async fn fleet(block: &str, wait: &str, extra: &[&str]) -> Fleet {
    let redis = Redis::start().await;
    let dirs = (DataDir::new(), DataDir::new());
    let url = redis.url();
    let start = |dir: &DataDir, name: &'static str, more: &[&str]| {
        let dir = dir.0.to_str().expect("a UTF-8 path").to_owned();
        let mut args: Vec<String> = ["--agent-token", TOKEN, "--redis", &url, "--name", name, "--data", &dir]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(["--test-block", block, "--test-seal-wait", wait].iter().chain(more).map(|s| s.to_string()));
        async move { Hub::start_with("127.0.0.1:0", &args.iter().map(String::as_str).collect::<Vec<_>>()).await }
    };
    let a = start(&dirs.0, "hub-a", &[]).await;
    let b = start(&dirs.1, "hub-b", &[&["--no-local"], extra].concat()).await;
    let agent = agent(&["--hub", &a.url(), "--name", "db"]);
    Fleet { a, b, dirs, _agent: agent, _redis: redis }
}

/// `/healthz`'s `redis.seals`: hours sealed here, adopted, published.
async fn seals(hub: &Hub) -> (u64, u64, u64) {
    let url = format!("{}/healthz", hub.url());
    let health: serde_json::Value = reqwest::get(url).await.expect("healthz").json().await.expect("json");
    let seals = &health["redis"]["seals"];
    let count = |name: &str| seals[name].as_u64().unwrap_or_else(|| panic!("no {name} in {health}"));
    (count("sealed"), count("adopted"), count("published"))
}

/// Polls `hub`'s seal counts (every 200 ms, within `limit`) until `done` holds.
async fn wait_for_seals(hub: &Hub, limit: Duration, done: impl Fn((u64, u64, u64)) -> bool) -> (u64, u64, u64) {
    let polls = (limit.as_millis() / 200).max(1);
    let mut seen = (0, 0, 0);
    for _ in 0..polls {
        seen = seals(hub).await;
        if done(seen) {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("seals (sealed, adopted, published) were {seen:?} after {limit:?}; log:\n{}", hub.proc.log());
}

/// Host `host`'s chunks of tier `tier` in the store in `data`: (start, bytes).
fn chunks(data: &DataDir, host: &str, tier: i64) -> Vec<(i64, Vec<u8>)> {
    let db = rusqlite::Connection::open(data.0.join("pulse.db")).expect("open the store");
    let mut query =
        db.prepare("SELECT start, data FROM chunks WHERE host = ?1 AND tier = ?2 ORDER BY start").expect("query");
    let rows = query.query_map(rusqlite::params![host, tier], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows");
    rows.collect::<Result<_, _>>().expect("chunks")
}

#[tokio::test]
async fn the_owner_seals_a_hosts_hour_once_and_the_other_hub_adopts_it() {
    let Fleet { mut a, mut b, dirs: (dir_a, dir_b), _agent, _redis } = fleet("3s", "60s", &[]).await;

    // Hub B owns no host (no agent, no own host): every hour it seals is adopted.
    let (sealed, adopted, _) = wait_for_seals(&b, SEALS, |(_, adopted, _)| adopted >= 6).await;
    assert_eq!(sealed, 0, "hub B sealed nothing by itself; log:\n{}", b.proc.log());
    assert!(adopted >= 6);
    let (_, _, published) = seals(&a).await;
    assert!(published >= 6, "hub A published its hosts' hours: {published}");

    // What hub B holds of the agent's host is hub A's chunks, byte for byte.
    a.proc.terminate().await;
    b.proc.terminate().await;
    let (raw_a, raw_b) = (chunks(&dir_a, "db", 0), chunks(&dir_b, "db", 0));
    assert!(raw_b.len() >= 2, "{} raw chunks on hub B", raw_b.len());
    for (start, bytes) in &raw_b {
        let owners = raw_a.iter().find(|(s, _)| s == start).map(|(_, bytes)| bytes);
        assert_eq!(owners, Some(bytes), "the raw chunk starting at {start}");
    }
    assert!(!chunks(&dir_b, "db", 1).is_empty(), "the minute rollups came with it");
}

#[tokio::test]
async fn when_the_owner_dies_before_it_seals_the_other_hub_seals_by_itself_and_loses_nothing() {
    // Hub B keeps 2 s of the host in memory: older history comes from its store.
    let Fleet { mut a, b, dirs: _dirs, _agent, _redis } = fleet("20s", "2s", &["--agent-window", "2s"]).await;
    let mut on_b = Watcher::start(b.addr, "db");
    on_b.wait_for_count(10, DEADLINE).await;
    a.proc.kill().await;
    let seen = on_b.frames();
    let newest = seen.last().expect("frames").seq;

    // Both of hub A's hosts (the agent's and A's own) are sealed on hub B after
    // the wait, by hub B itself.
    let (sealed, _, published) = wait_for_seals(&b, SEALS, |(sealed, _, _)| sealed >= 2).await;
    assert!(sealed >= 2);
    assert_eq!(published, 0, "hub B owns no host");

    // Every sample hub B saw is in its history, from its store, without a hole.
    let url = format!("{}/api/v1/history?host=db&series=cpu.total&from=0", b.url());
    let history: HistoryResponse = reqwest::get(url).await.expect("history").json().await.expect("json");
    assert_eq!(history.epoch.0, seen[0].epoch);
    assert!(history.first_seq <= seen[0].seq, "from {} on, first seen {}", history.first_seq, seen[0].seq);
    assert!(history.last_seq >= newest, "to {}, newest seen {newest}", history.last_seq);
    assert_eq!(history.ts.len() as u64, history.last_seq - history.first_seq + 1, "no hole");
}
