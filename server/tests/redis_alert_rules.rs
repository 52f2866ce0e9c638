//! The fleet's alert rules (`--redis` with `--alerts`): two hub processes share one
//! real `redis-server`, one rules file (webhooks only) and one webhook receiver, all
//! on 127.0.0.1. A rule made through the follower's API is listed by the owner
//! within about a second and fires from the owner, once; a mute made on the owner is
//! listed by the follower; with Redis gone, a change answers 503 naming Redis and
//! the last rules read stay listed; Redis back without its data is given them again.

#[path = "agent/procs.rs"]
mod procs;
#[path = "alerts/receiver.rs"]
mod receiver;
#[path = "redis/server.rs"]
mod server;

use std::time::{Duration, Instant};

use procs::{agent, DataDir, Hub, DEADLINE, TOKEN};
use pulse_protocol::alerts::{RuleInfo, RulesResponse};
use receiver::{Receiver, Reply};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use server::Redis;

/// The Standard Webhooks specification's example secret.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

async fn hub(redis: &Redis, rules: &str) -> Hub {
    let args =
        ["--agent-token", TOKEN, "--redis", &redis.url(), "--no-local", "--alerts", rules, "--webhook-allow-private"];
    Hub::start_with("127.0.0.1:0", &args).await
}

async fn send(method: reqwest::Method, url: String, body: Value) -> (StatusCode, Value) {
    let response = Client::new().request(method, &url).json(&body).send().await.expect("response");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn rules(hub: &Hub) -> Vec<RuleInfo> {
    let response = reqwest::get(format!("{}/api/v1/alerts/rules", hub.url())).await.expect("GET");
    assert!(response.status().is_success());
    response.json::<RulesResponse>().await.expect("JSON").rules
}

/// Waits (every 50 ms, bounded) until `hub` lists a rule `pick` accepts.
async fn wait_for_rule(hub: &Hub, pick: impl Fn(&RuleInfo) -> bool) -> Duration {
    let started = Instant::now();
    for _ in 0..200 {
        if rules(hub).await.iter().any(&pick) {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} never listed the rule: {:?}", hub.url(), rules(hub).await);
}

#[tokio::test]
async fn a_rule_made_on_one_hub_is_the_fleets_and_a_change_without_redis_is_refused() {
    let mut redis = Redis::start().await;
    let mut receiver = Receiver::start(Vec::new(), Reply::status(204)).await;
    let dir = DataDir::new();
    std::fs::create_dir_all(&dir.0).expect("dir");
    let path = dir.0.join("alerts.toml");
    let webhook = format!("[[webhook]]\nname = \"ops\"\nurl = \"{}\"\nsecret = \"{SECRET}\"\n", receiver.url("/hook"));
    std::fs::write(&path, webhook).expect("rules");
    let path = path.to_str().expect("utf-8");

    let mut a = hub(&redis, path).await;
    a.proc.wait_for_line("this hub holds the alerts lease").await;
    let mut b = hub(&redis, path).await;
    b.proc.wait_for_line("another hub holds the alerts lease").await;

    // Made on the follower, listed by the owner.
    let rule = json!({"name": "cpu ui", "series": "cpu.total", "above": -1.0, "notify": ["ops"]});
    let (status, body) = send(reqwest::Method::POST, format!("{}/api/v1/alerts/rules", b.url()), rule).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let seen = wait_for_rule(&a, |rule| rule.name == "cpu ui").await;
    eprintln!("a rule made on hub B was listed by hub A after {seen:?}");
    let again = json!({"name": "cpu ui", "series": "cpu.total", "above": 5.0, "notify": ["ops"]});
    let (status, _) = send(reqwest::Method::POST, format!("{}/api/v1/alerts/rules", a.url()), again).await;
    assert_eq!(status, StatusCode::CONFLICT, "the name is the fleet's");

    // The owner evaluates it and sends, once.
    let mut db = agent(&["--hub", &b.url(), "--name", "db 1"]);
    let first = receiver.next(DEADLINE * 2).await;
    assert_eq!(first.json()["data"]["rule"], "cpu ui", "{}", first.json());
    a.proc.wait_for_line("webhook delivered").await;
    assert!(!b.proc.log().contains("webhook delivered"), "the follower did not");

    // Muted on the owner, listed muted by the follower.
    let (status, body) =
        send(reqwest::Method::POST, format!("{}/api/v1/alerts/rules/cpu%20ui/mute", a.url()), json!({"for": "1h"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    wait_for_rule(&b, |rule| rule.name == "cpu ui" && rule.muted_until.is_some()).await;

    // Redis gone: a change is refused with 503 naming Redis; the rules stay.
    redis.kill().await;
    let late = json!({"name": "late", "series": "cpu.total", "above": 5.0, "notify": ["ops"]});
    let (status, body) = send(reqwest::Method::POST, format!("{}/api/v1/alerts/rules", b.url()), late).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "unavailable", "{body}");
    assert!(body["detail"].as_str().unwrap_or_default().contains("redis"), "{body}");
    assert!(rules(&b).await.iter().any(|rule| rule.name == "cpu ui"), "the last rules read stay in force");

    // Redis back, empty: the first hub to ask gives it the fleet's rules, so a rule
    // made now joins them rather than replacing them.
    redis.restart().await;
    let late = json!({"name": "late", "series": "cpu.total", "above": 1e12, "notify": ["ops"]});
    let mut made = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..100 {
        made = send(reqwest::Method::POST, format!("{}/api/v1/alerts/rules", a.url()), late.clone()).await.0;
        if made != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(made, StatusCode::CREATED);
    wait_for_rule(&b, |rule| rule.name == "late").await;
    let listed = rules(&b).await;
    assert!(listed.iter().any(|rule| rule.name == "cpu ui" && rule.muted_until.is_some()), "{listed:?}");
    db.kill().await;
    assert!(receiver.try_next().is_none(), "one notification");
}
