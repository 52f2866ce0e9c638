//! Alerts over real sockets: a hub (`--alerts FILE --webhook-allow-private`) with a
//! rule that certainly fires (`cpu.total` above -1), and a receiving HTTP server
//! started by the test on 127.0.0.1. The receiver checks the Standard Webhooks
//! signature with its own HMAC (ring, not the hub's code); retries on 500 and on
//! 429 with `Retry-After` are timed; 410 disables the webhook; the outbox survives
//! `kill -9` of a real hub process and the restarted hub sends the same
//! `webhook-id`; a rules file with an error names its line and keeps the rules.

#[path = "agent/procs.rs"]
mod procs;
#[path = "alerts/receiver.rs"]
mod receiver;
#[path = "alerts/rules_file.rs"]
mod rules_file;
#[path = "support/server.rs"]
mod support;

use std::time::{Duration, Instant};

use pulse_protocol::alerts::{AlertSeverity, AlertState, AlertsResponse, DeliveriesResponse, DeliveryStatus};
use receiver::{Receiver, Reply};
use rules_file::write_rules;
use support::{TempDir, TestServer};

/// The Standard Webhooks specification's example secret.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// How long a notification may take to arrive (a firing alert needs one sample).
const ARRIVAL: Duration = Duration::from_secs(15);

/// The line of `above` in [`rules`]' file.
const ABOVE_LINE: usize = 9;

/// A rules file: webhook `ops` at `url` and rule `cpu hot`, then `extra`.
fn rules(url: &str, extra: &str) -> String {
    format!(
        r#"[[webhook]]
name = "ops"
url = "{url}"
secret = "{SECRET}"

[[rule]]
name = "cpu hot"
series = "cpu.total"
above = -1.0
severity = "critical"
notify = ["ops"]
{extra}"#
    )
}

/// A second rule on the same webhook.
const SECOND_RULE: &str = r#"
[[rule]]
name = "cpu still hot"
series = "cpu.total"
above = -2.0
notify = ["ops"]
"#;

/// An in-process hub sampling every 100 ms with the rules file at `path`.
async fn hub(path: &str) -> TestServer {
    TestServer::start(&["--alerts", path, "--webhook-allow-private", "--interval", "100ms", "--name", "alert-host"])
        .await
}

async fn get<T: serde::de::DeserializeOwned>(url: String) -> T {
    let response = reqwest::get(&url).await.expect("GET");
    assert!(response.status().is_success(), "GET {url}: {}", response.status());
    response.json().await.expect("JSON")
}

/// Polls `/api/v1/alerts/deliveries` (every 100 ms, bounded) until `done` holds.
async fn wait_for_deliveries(base: &str, what: &str, done: impl Fn(&DeliveriesResponse) -> bool) -> DeliveriesResponse {
    let mut last = None;
    for _ in 0..150 {
        let log: DeliveriesResponse = get(format!("{base}/api/v1/alerts/deliveries")).await;
        if done(&log) {
            return log;
        }
        last = Some(log);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery log never showed {what}: {last:?}");
}

#[tokio::test]
async fn a_firing_alert_reaches_the_receiver_signed_and_is_listed() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(204)).await;
    let dir = TempDir::new("alerts-signed");
    let path = write_rules(&dir, &rules(&receiver.url("/hook?k=1"), ""));
    let server = hub(&path).await;

    let request = receiver.next(ARRIVAL).await;
    assert_eq!(request.path, "/hook?k=1");
    assert_eq!(request.header("content-type"), "application/json");
    request.assert_signed(SECRET);
    let body = request.json();
    assert_eq!(body["type"], "alert.firing", "{body}");
    assert_eq!(body["data"]["rule"], "cpu hot");
    assert_eq!(body["data"]["host"], "alert-host");
    assert_eq!(body["data"]["severity"], "critical");
    assert_eq!(body["data"]["threshold"], -1.0);
    assert!(body["data"]["value"].as_f64().is_some_and(|v| v >= 0.0), "{body}");
    assert!(body["data"]["url"].as_str().is_some_and(|url| url.ends_with("?host=alert-host")), "{body}");

    let listed: AlertsResponse = get(server.url("/api/v1/alerts")).await;
    let alert = listed.alerts.iter().find(|a| a.rule == "cpu hot").expect("the alert is listed");
    assert_eq!(
        (alert.host.as_str(), alert.state, alert.severity),
        ("alert-host", AlertState::Firing, Some(AlertSeverity::Critical))
    );
    assert!(alert.value.is_some() && alert.until.is_none());

    let log = wait_for_deliveries(&server.url(""), "a delivered row", |log| {
        log.deliveries.iter().any(|d| d.status == DeliveryStatus::Delivered)
    })
    .await;
    let row = &log.deliveries[0];
    assert_eq!(
        (row.id.as_str(), row.webhook.as_str(), row.kind.as_str(), row.attempts),
        (request.header("webhook-id"), "ops", "alert.firing", 1)
    );
    let text = serde_json::to_string(&log).expect("json");
    assert!(!text.contains("whsec_") && !text.contains("/hook"), "no secret, no URL: {text}");
}

#[tokio::test]
async fn a_500_is_retried_with_the_same_id_and_a_fresh_signature_until_delivered() {
    let mut receiver = Receiver::start(vec![Reply::status(500), Reply::status(500)], Reply::status(200)).await;
    let dir = TempDir::new("alerts-500");
    let path = write_rules(&dir, &rules(&receiver.url("/"), ""));
    let server = hub(&path).await;

    let first = receiver.next(ARRIVAL).await;
    let second = receiver.next(ARRIVAL).await;
    let third = receiver.next(ARRIVAL).await;
    for request in [&first, &second, &third] {
        request.assert_signed(SECRET);
        assert_eq!(request.header("webhook-id"), first.header("webhook-id"), "one id on every attempt");
    }
    assert_eq!((first.answered, second.answered, third.answered), (500, 500, 200));
    let gap = second.at - first.at;
    assert!(gap >= Duration::from_millis(900) && gap <= Duration::from_millis(6_000), "first retry after {gap:?}");
    assert!(third.at - second.at >= Duration::from_millis(900), "second retry after {:?}", third.at - second.at);
    wait_for_deliveries(&server.url(""), "3 attempts, delivered", |log| {
        log.deliveries.iter().any(|d| d.status == DeliveryStatus::Delivered && d.attempts == 3)
    })
    .await;
}

#[tokio::test]
async fn a_429_is_retried_no_sooner_than_its_retry_after() {
    let mut receiver = Receiver::start(vec![Reply::status(429).with("Retry-After", "3")], Reply::status(200)).await;
    let dir = TempDir::new("alerts-429");
    let path = write_rules(&dir, &rules(&receiver.url("/"), ""));
    let _server = hub(&path).await;

    let first = receiver.next(ARRIVAL).await;
    let second = receiver.next(ARRIVAL).await;
    assert_eq!((first.answered, second.answered), (429, 200));
    assert_eq!(first.header("webhook-id"), second.header("webhook-id"));
    let gap = second.at - first.at;
    assert!(gap >= Duration::from_millis(2_900), "Retry-After: 3 honoured, retried after {gap:?}");
}

#[tokio::test]
async fn a_410_disables_the_webhook() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(410)).await;
    let dir = TempDir::new("alerts-410");
    let url = receiver.url("/");
    let path = write_rules(&dir, &rules(&url, ""));
    let server = hub(&path).await;

    let first = receiver.next(ARRIVAL).await;
    assert_eq!(first.answered, 410);
    wait_for_deliveries(&server.url(""), "the first row disabled", |log| {
        log.deliveries.iter().any(|d| d.rule == "cpu hot" && d.status == DeliveryStatus::Disabled)
    })
    .await;
    // A second rule on the same webhook fires: its notification is not sent.
    write_rules(&dir, &rules(&url, SECOND_RULE));
    let log = wait_for_deliveries(&server.url(""), "the second rule's row disabled", |log| {
        log.deliveries.iter().any(|d| d.rule == "cpu still hot" && d.status == DeliveryStatus::Disabled)
    })
    .await;
    let second = log.deliveries.iter().find(|d| d.rule == "cpu still hot").expect("row");
    assert_eq!(second.attempts, 0, "never attempted: {second:?}");
    assert!(receiver.try_next().is_none(), "nothing more was posted to a disabled webhook");
}

#[tokio::test]
async fn the_outbox_survives_kill_9_and_the_restarted_hub_sends_the_same_id() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(503)).await;
    let dir = TempDir::new("alerts-kill");
    let path = write_rules(&dir, &rules(&receiver.url("/"), ""));
    let data = procs::DataDir::new();
    let data_path = data.0.to_str().expect("utf-8").to_owned();
    let args = ["--data", data_path.as_str(), "--alerts", path.as_str(), "--webhook-allow-private"];
    let mut first = procs::Hub::start_with("127.0.0.1:0", &args).await;

    let refused = receiver.next(ARRIVAL).await;
    assert_eq!(refused.answered, 503);
    let id = refused.header("webhook-id").to_owned();
    first.proc.kill().await;
    receiver.answer(Reply::status(200));

    let second = procs::Hub::start_with("127.0.0.1:0", &args).await;
    let started = Instant::now();
    let mut delivered = None;
    for _ in 0..20 {
        let request = receiver.next(ARRIVAL).await;
        assert_eq!(request.header("webhook-id"), id, "only the one notification, by its id");
        if request.answered == 200 {
            request.assert_signed(SECRET);
            delivered = Some(request);
            break;
        }
    }
    let delivered = delivered.expect("delivered after the restart");
    assert!(delivered.at - started <= Duration::from_secs(10), "tried within seconds of starting");

    let listed: AlertsResponse = get(format!("{}/api/v1/alerts", second.url())).await;
    assert!(
        listed.alerts.iter().any(|a| a.rule == "cpu hot" && a.host == "the-hub" && a.state == AlertState::Firing),
        "the state survived too: {listed:?}"
    );
}

#[tokio::test]
async fn a_rules_file_with_an_error_names_its_line_and_keeps_the_rules_before_it() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(200)).await;
    let dir = TempDir::new("alerts-bad");
    let good = rules(&receiver.url("/"), "");
    let path = write_rules(&dir, &good);
    let mut hub = procs::Hub::start_with("127.0.0.1:0", &["--alerts", path.as_str(), "--webhook-allow-private"]).await;
    receiver.next(ARRIVAL).await;

    write_rules(&dir, &good.replace("above = -1.0", "above = \"high\""));
    // Each problem is logged with its line, then one line saying what happens.
    let kept = "the rules read before stay in force";
    let log = hub.proc.wait_for_line(kept).await;
    let line = format!("line {ABOVE_LINE}, column");
    assert!(log.contains(&line), "{log}");
    // SIGHUP reads it again (its time has not changed since): the same report.
    let pid = hub.proc.child.id().expect("running").to_string();
    let sent = tokio::process::Command::new("kill").args(["-HUP", &pid]).status().await.expect("kill -HUP");
    assert!(sent.success());
    let log = hub.proc.wait_for_lines(kept, 2, procs::DEADLINE).await;
    assert_eq!(log.matches(&line).count(), 2, "{log}");

    let listed: AlertsResponse = get(format!("{}/api/v1/alerts", hub.url())).await;
    assert!(
        listed.alerts.iter().any(|a| a.rule == "cpu hot" && a.state == AlertState::Firing),
        "the rule is still in force: {listed:?}"
    );
    assert!(hub.proc.running());
}

#[tokio::test]
async fn a_resolve_waits_for_the_firing_before_it_and_the_past_alert_is_listed() {
    let mut receiver = Receiver::start(vec![Reply::status(500), Reply::status(500)], Reply::status(200)).await;
    let dir = TempDir::new("alerts-order");
    let url = receiver.url("/");
    let path = write_rules(&dir, &rules(&url, ""));
    let server = hub(&path).await;

    let first = receiver.next(ARRIVAL).await;
    assert_eq!((first.json()["type"].as_str(), first.answered), (Some("alert.firing"), 500));
    // Edited while firing: judged at once by the new threshold, which no value passes.
    write_rules(&dir, &rules(&url, "").replace("above = -1.0", "above = 1e12"));
    let mut firing_delivered = false;
    let mut resolved = None;
    for _ in 0..20 {
        let request = receiver.next(ARRIVAL).await;
        match request.json()["type"].as_str() {
            Some("alert.firing") => {
                assert_eq!(request.header("webhook-id"), first.header("webhook-id"));
                firing_delivered |= request.answered == 200;
            }
            Some("alert.resolved") => {
                assert!(firing_delivered, "the resolve came before the firing was delivered");
                resolved = Some(request);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let resolved = resolved.expect("the resolve arrived");
    resolved.assert_signed(SECRET);
    assert_ne!(resolved.header("webhook-id"), first.header("webhook-id"));
    assert_eq!(resolved.json()["data"]["threshold"], 1e12);

    let past: AlertsResponse = get(server.url("/api/v1/alerts?history=1")).await;
    let episode = past.alerts.iter().find(|a| a.until.is_some()).expect("a past alert");
    assert_eq!(
        (episode.rule.as_str(), episode.state, episode.severity),
        ("cpu hot", AlertState::Resolved, Some(AlertSeverity::Critical))
    );
    assert!(episode.since <= episode.until.unwrap_or_default());
    let current: AlertsResponse = get(server.url("/api/v1/alerts")).await;
    assert!(current.alerts.iter().all(|a| a.until.is_none()), "past ones only with history=1: {current:?}");
}

#[tokio::test]
async fn without_allow_private_a_loopback_webhook_is_refused_and_never_posted() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(200)).await;
    let dir = TempDir::new("alerts-private");
    let path = write_rules(&dir, &rules(&receiver.url("/"), ""));
    let server = TestServer::start(&["--alerts", &path, "--interval", "100ms", "--name", "alert-host"]).await;

    let log = wait_for_deliveries(&server.url(""), "a failed row", |log| {
        log.deliveries.iter().any(|d| d.status == DeliveryStatus::Failed)
    })
    .await;
    let why = log.deliveries[0].last_error.clone().unwrap_or_default();
    assert!(why.contains("loopback") && why.contains("--webhook-allow-private"), "{why}");
    assert!(receiver.try_next().is_none(), "nothing reached the loopback receiver");
}

#[tokio::test]
async fn a_preset_webhook_gets_its_services_body() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(200)).await;
    let dir = TempDir::new("alerts-preset");
    let text = rules(&receiver.url("/slack"), "").replace(&format!("secret = \"{SECRET}\""), "preset = \"slack\"");
    let path = write_rules(&dir, &text);
    let _server = hub(&path).await;

    let request = receiver.next(ARRIVAL).await;
    let body = request.json();
    assert!(body["text"].as_str().is_some_and(|text| text.contains("cpu hot")), "{body}");
    assert_eq!(body["blocks"][0]["type"], "header", "{body}");
    assert!(request.header("webhook-id").starts_with("msg_"), "the id still travels, for de-duplication");
    assert_eq!(request.header("webhook-signature"), "", "no secret, no signature");
}

#[tokio::test]
async fn an_agents_host_is_judged_by_the_rule_for_its_tag() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(200)).await;
    let dir = TempDir::new("alerts-agent");
    let text = rules(&receiver.url("/"), "").replace("above = -1.0", "hosts = \"tag:env=prod\"\nabove = -1.0");
    let path = write_rules(&dir, &text);
    let hub = procs::Hub::start_with(
        "127.0.0.1:0",
        &["--agent-token", procs::TOKEN, "--alerts", path.as_str(), "--webhook-allow-private"],
    )
    .await;
    let _agent = procs::agent(&["--hub", &hub.url(), "--name", "tagged", "--tag", "env=prod"]);

    let request = receiver.next(ARRIVAL).await;
    let body = request.json();
    assert_eq!(
        (body["type"].as_str(), body["data"]["host"].as_str()),
        (Some("alert.firing"), Some("tagged")),
        "{body}"
    );
    request.assert_signed(SECRET);
    let listed: AlertsResponse = get(format!("{}/api/v1/alerts", hub.url())).await;
    let hosts: Vec<&str> = listed.alerts.iter().map(|a| a.host.as_str()).collect();
    assert_eq!(hosts, ["tagged"], "the hub's own host has no such tag");
}

#[tokio::test]
async fn a_host_down_rule_fires_when_its_agent_is_killed_and_resolves_when_it_returns() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(200)).await;
    let dir = TempDir::new("alerts-down");
    let text = format!(
        r#"[[webhook]]
name = "ops"
url = "{}"
secret = "{SECRET}"

[[rule]]
name = "host gone"
condition = "down"
hosts = "tag:env=prod"
severity = "critical"
"#,
        receiver.url("/")
    );
    let path = write_rules(&dir, &text);
    let hub = procs::Hub::start_with(
        "127.0.0.1:0",
        &["--agent-token", procs::TOKEN, "--alerts", path.as_str(), "--webhook-allow-private"],
    )
    .await;
    let args = ["--hub", &hub.url(), "--name", "tagged", "--tag", "env=prod"];
    let mut agent = procs::agent(&args);
    hub.wait_for_status("tagged", pulse_protocol::HostStatus::Up, procs::DEADLINE).await;
    agent.kill().await;

    let firing = receiver.next(ARRIVAL).await;
    let body = firing.json();
    assert_eq!(
        (body["type"].as_str(), body["data"]["rule"].as_str()),
        (Some("alert.firing"), Some("host gone")),
        "{body}"
    );
    assert_eq!((body["data"]["host"].as_str(), &body["data"]["value"]), (Some("tagged"), &serde_json::Value::Null));
    firing.assert_signed(SECRET);

    let _back = procs::agent(&args);
    let resolved = receiver.next(ARRIVAL).await;
    assert_eq!(resolved.json()["type"], "alert.resolved", "{}", resolved.json());
}
