//! The alert rules' API over real sockets (`/api/v1/alerts/rules`, mutes, the
//! webhooks' test button): who may change what, bodies that name their bad field,
//! a rule made through the API that fires and reaches a receiver started here, that
//! survives a restart of a real hub process with its mute, stops notifying while
//! muted and starts again when unmuted, and a signed `alert.test`.

#[path = "support/access.rs"]
mod access;
#[path = "agent/procs.rs"]
mod procs;
#[path = "alerts/receiver.rs"]
mod receiver;
#[path = "support/server.rs"]
mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use access::{call_at as call, hub_with_admin, share, sign_in, PASSWORD};
use pulse_protocol::alerts::{
    AlertState, AlertsResponse, DeliveriesResponse, DeliveryStatus, RuleInfo, RuleSource, RulesResponse, TestQueued,
};
use receiver::{Receiver, Reply};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use support::TempDir;

/// The Standard Webhooks specification's example secret.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// How long a notification may take to arrive.
const ARRIVAL: Duration = Duration::from_secs(15);

/// A rules file: webhook `ops` at `url`, then `extra`.
fn rules_file(dir: &TempDir, url: &str, extra: &str) -> String {
    std::fs::create_dir_all(&dir.0).expect("dir");
    let path = dir.0.join("alerts.toml");
    let text = format!("[[webhook]]\nname = \"ops\"\nurl = \"{url}\"\nsecret = \"{SECRET}\"\n{extra}");
    std::fs::write(&path, text).expect("write rules");
    path.to_str().expect("utf-8").to_owned()
}

/// A file rule, `cpu file`.
const FILE_RULE: &str = "\n[[rule]]\nname = \"cpu file\"\nseries = \"cpu.total\"\nabove = 1e12\nnotify = [\"ops\"]\n";

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_millis() as i64
}

async fn raw(base: &str, path: &str, bearer: &str, body: &'static str) -> (StatusCode, Value) {
    let response = Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(bearer)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("response");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn listing(base: &str, bearer: Option<&str>) -> RulesResponse {
    let (status, body) = call(base, Method::GET, "/api/v1/alerts/rules", bearer, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).expect("a rules listing")
}

async fn deliveries(base: &str) -> DeliveriesResponse {
    let (status, body) = call(base, Method::GET, "/api/v1/alerts/deliveries", None, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).expect("a delivery log")
}

/// Polls the delivery log (every 100 ms, bounded) until `done` holds.
async fn wait_for_deliveries(base: &str, what: &str, done: impl Fn(&DeliveriesResponse) -> bool) -> DeliveriesResponse {
    let mut last = None;
    for _ in 0..150 {
        let log = deliveries(base).await;
        if done(&log) {
            return log;
        }
        last = Some(log);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the delivery log never showed {what}: {last:?}");
}

/// A rule made in the UI that fires at once on any host (`cpu.total` above -1).
fn hot_rule(name: &str, extra: Value) -> Value {
    let mut body = json!({"name": name, "series": "cpu.total", "above": -1, "severity": "critical", "notify": ["ops"]});
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    body
}

#[tokio::test]
async fn viewers_read_admins_change_and_every_bad_body_names_its_field() {
    let dir = TempDir::new("rules-api");
    let path = rules_file(&dir, "http://127.0.0.1:9/", FILE_RULE);
    let (server, _data) = hub_with_admin("rules-host", &["--alerts", &path, "--webhook-allow-private"]).await;
    let base = server.url("");
    let admin = sign_in(&server, "ann", PASSWORD).await;
    let user = json!({"name": "vic", "role": "viewer", "password": PASSWORD});
    assert_eq!(call(&base, Method::POST, "/api/v1/users", Some(&admin), Some(user)).await.0, StatusCode::CREATED);
    let viewer = sign_in(&server, "vic", PASSWORD).await;

    // Readers see the rules, the webhooks by name, and never a URL or a secret.
    let listed = listing(&base, Some(&viewer)).await;
    assert_eq!(listed.rules.len(), 1);
    assert_eq!((listed.rules[0].name.as_str(), listed.rules[0].source), ("cpu file", RuleSource::File));
    assert_eq!(listed.rules[0].above, Some(1e12));
    assert_eq!(listed.webhooks.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["ops"]);
    let text = serde_json::to_string(&listed).expect("json");
    assert!(!text.contains("whsec_") && !text.contains("127.0.0.1:9"), "{text}");
    // A share link shows one host: no rules (they name other hosts and the webhooks).
    let link = share(&server, &admin, "rules-host", 600).await;
    let shared = listing(&base, Some(&link.secret)).await;
    assert!(shared.rules.is_empty() && shared.webhooks.is_empty(), "{shared:?}");

    // A viewer changes nothing.
    let changes = [
        (Method::POST, "/api/v1/alerts/rules", Some(hot_rule("v", json!({})))),
        (Method::PUT, "/api/v1/alerts/rules/cpu%20file", Some(hot_rule("cpu file", json!({})))),
        (Method::DELETE, "/api/v1/alerts/rules/cpu%20file", None),
        (Method::POST, "/api/v1/alerts/rules/cpu%20file/mute", Some(json!({"for": "1h"}))),
        (Method::DELETE, "/api/v1/alerts/rules/cpu%20file/mute", None),
        (Method::POST, "/api/v1/alerts/webhooks/ops/test", None),
    ];
    for (method, path, body) in changes {
        let (status, answer) = call(&base, method.clone(), path, Some(&viewer), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {answer}");
    }

    // Every malformed body is a 400 whose detail names the field.
    let bad = [
        (json!([1]), "`body`"),
        (json!({"name": "x", "series": "cpu.total", "above": "high"}), "`above`"),
        (json!({"name": "x", "series": "cpu.total", "above": 1, "for": "soon"}), "`for`"),
        (json!({"name": "x", "series": "cpu.total", "above": 1, "notify": ["pager"]}), "`notify`"),
        (json!({"name": "x", "series": "cpu.total", "abov": 1}), "`abov`"),
        (json!({"name": "x", "series": "cpu.total", "above": 1, "recover_below": 5}), "`recover_below`"),
        (json!({"name": "x", "series": "cpu.total", "hosts": {"a": 1}, "above": 1}), "`hosts`"),
        (json!({"series": "cpu.total", "above": 1}), "`name`"),
        (json!({"name": " x", "series": "cpu.total", "above": 1}), "`name`"),
    ];
    for (body, field) in bad {
        let (status, answer) =
            call(&base, Method::POST, "/api/v1/alerts/rules", Some(&admin), Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"], "bad_request", "{answer}");
        assert!(answer["detail"].as_str().is_some_and(|d| d.starts_with(field)), "{body}: {answer}");
    }
    let (status, answer) = raw(&base, "/api/v1/alerts/rules", &admin, "{\"name\": ").await;
    assert_eq!((status, answer["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{answer}");
    let mutes = [json!({"for": "soon"}), json!({"for": "0"}), json!({"until": "1h"}), json!({"for": 5})];
    for body in mutes {
        let (status, answer) =
            call(&base, Method::POST, "/api/v1/alerts/rules/cpu%20file/mute", Some(&admin), Some(body.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
    }

    // Names are unique across both sources; a file rule is changed only in the file.
    let made = call(&base, Method::POST, "/api/v1/alerts/rules", Some(&admin), Some(hot_rule("mem", json!({})))).await;
    assert_eq!(made.0, StatusCode::CREATED, "{}", made.1);
    let made: RuleInfo = serde_json::from_value(made.1).expect("the rule as listed");
    assert_eq!((made.name.as_str(), made.source, made.above), ("mem", RuleSource::Ui, Some(-1.0)));
    let clashes = [
        (Method::POST, "/api/v1/alerts/rules", Some(hot_rule("cpu file", json!({}))), StatusCode::CONFLICT),
        (Method::POST, "/api/v1/alerts/rules", Some(hot_rule("mem", json!({}))), StatusCode::CONFLICT),
        (Method::PUT, "/api/v1/alerts/rules/cpu%20file", Some(hot_rule("cpu file", json!({}))), StatusCode::CONFLICT),
        (Method::DELETE, "/api/v1/alerts/rules/cpu%20file", None, StatusCode::CONFLICT),
        (Method::PUT, "/api/v1/alerts/rules/mem", Some(hot_rule("other", json!({}))), StatusCode::BAD_REQUEST),
        (Method::PUT, "/api/v1/alerts/rules/nope", Some(hot_rule("nope", json!({}))), StatusCode::NOT_FOUND),
        (Method::DELETE, "/api/v1/alerts/rules/nope", None, StatusCode::NOT_FOUND),
        (Method::POST, "/api/v1/alerts/rules/nope/mute", Some(json!({"for": "1h"})), StatusCode::NOT_FOUND),
        (Method::POST, "/api/v1/alerts/webhooks/pager/test", None, StatusCode::NOT_FOUND),
    ];
    for (method, path, body, expected) in clashes {
        let (status, answer) = call(&base, method.clone(), path, Some(&admin), body).await;
        assert_eq!(status, expected, "{method} {path}: {answer}");
        assert!(answer["detail"].as_str().is_some_and(|d| !d.is_empty()), "{answer}");
    }
    // A file rule can be muted, and unmuted.
    let (status, muted) =
        call(&base, Method::POST, "/api/v1/alerts/rules/cpu%20file/mute", Some(&admin), Some(json!({"for": "1h"})))
            .await;
    assert_eq!(status, StatusCode::OK, "{muted}");
    let until = muted["muted_until"].as_i64().expect("until");
    assert!((until - now_ms() - 3_600_000).abs() < 60_000, "{muted}");
    assert_eq!(listing(&base, Some(&viewer)).await.rules[0].muted_until, Some(until));
    let (status, _) =
        call(&base, Method::POST, "/api/v1/alerts/rules/cpu%20file/mute", Some(&admin), Some(json!({"for": null})))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listing(&base, Some(&viewer)).await.rules[0].muted_until, None);

    // An edit keeps the rule's place; a GET's rule can be sent back as it is.
    let mut body = serde_json::to_value(&made).expect("json");
    body["above"] = json!(-0.5);
    let (status, edited) = call(&base, Method::PUT, "/api/v1/alerts/rules/mem", Some(&admin), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    assert_eq!(edited["above"], -0.5);

    // The file gains a rule of the UI rule's name: the UI's stays in force.
    rules_file(&dir, "http://127.0.0.1:9/", &format!("{FILE_RULE}{}", FILE_RULE.replace("cpu file", "mem")));
    let mut shown = None;
    for _ in 0..100 {
        let listed = listing(&base, Some(&viewer)).await;
        if listed.set_aside.iter().any(|aside| aside.name == "mem" && aside.source == RuleSource::File) {
            shown = Some(listed);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let listed = shown.expect("the file's rule of that name is set aside");
    let names: Vec<(&str, RuleSource)> = listed.rules.iter().map(|r| (r.name.as_str(), r.source)).collect();
    assert_eq!(names, [("cpu file", RuleSource::File), ("mem", RuleSource::Ui)]);

    let (status, _) = call(&base, Method::DELETE, "/api/v1/alerts/rules/mem", Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(listing(&base, Some(&viewer)).await.rules.iter().all(|r| r.name != "mem" || r.source == RuleSource::File));
}

#[tokio::test]
async fn a_ui_rule_fires_survives_a_restart_muted_and_refuses_a_repeat_under_a_minute() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(200)).await;
    let dir = TempDir::new("rules-restart");
    let path = rules_file(&dir, &receiver.url("/hook"), "");
    let data = procs::DataDir::new();
    let data_path = data.0.to_str().expect("utf-8").to_owned();
    let args = ["--data", data_path.as_str(), "--alerts", path.as_str(), "--webhook-allow-private"];
    let mut first = procs::Hub::start_with("127.0.0.1:0", &args).await;
    let base = first.url();

    let (status, answer) =
        call(&base, Method::POST, "/api/v1/alerts/rules", None, Some(hot_rule("ui hot", json!({"repeat": "1m"}))))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let firing = receiver.next(ARRIVAL).await;
    firing.assert_signed(SECRET);
    let body = firing.json();
    assert_eq!(
        (body["type"].as_str(), body["data"]["rule"].as_str()),
        (Some("alert.firing"), Some("ui hot")),
        "{body}"
    );
    assert_eq!(body["data"]["severity"], "critical");

    // Edited while firing, still past the new threshold: it keeps firing, no new alert.
    let since = |alerts: &AlertsResponse| alerts.alerts.iter().find(|a| a.rule == "ui hot").map(|a| (a.state, a.since));
    let before: AlertsResponse =
        serde_json::from_value(call(&base, Method::GET, "/api/v1/alerts", None, None).await.1).expect("alerts");
    let edit = hot_rule("ui hot", json!({"repeat": "1m", "above": -0.5}));
    assert_eq!(call(&base, Method::PUT, "/api/v1/alerts/rules/ui%20hot", None, Some(edit)).await.0, StatusCode::OK);
    let after: AlertsResponse =
        serde_json::from_value(call(&base, Method::GET, "/api/v1/alerts", None, None).await.1).expect("alerts");
    assert_eq!(since(&after), since(&before));
    assert_eq!(since(&after).map(|(state, _)| state), Some(AlertState::Firing));

    let (status, answer) =
        call(&base, Method::POST, "/api/v1/alerts/rules/ui%20hot/mute", None, Some(json!({"for": "213503982334d"})))
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer.to_string().contains("longer than 365d"), "{answer}");
    let (status, muted) =
        call(&base, Method::POST, "/api/v1/alerts/rules/ui%20hot/mute", None, Some(json!({"for": "1h"}))).await;
    assert_eq!(status, StatusCode::OK, "{muted}");
    let muted_at = now_ms();
    first.proc.terminate().await;

    let second = procs::Hub::start_with("127.0.0.1:0", &args).await;
    let base = second.url();
    let listed = listing(&base, None).await;
    let rule = listed.rules.iter().find(|r| r.name == "ui hot").expect("the UI rule survived the restart");
    assert_eq!((rule.source, rule.above, rule.repeat.as_deref()), (RuleSource::Ui, Some(-0.5), Some("1m")));
    assert!(rule.muted_until.is_some_and(|until| until > muted_at), "its mute too: {rule:?}");

    // A `repeat` under a minute is refused (a reminder is at least a minute apart),
    // so reminders after an unmute are proved by the state machine's own tests
    // (`mute_holds_firing_and_reminders_back`); here the unmute is kept.
    let (status, answer) = call(
        &base,
        Method::PUT,
        "/api/v1/alerts/rules/ui%20hot",
        None,
        Some(hot_rule("ui hot", json!({"repeat": "1ms"}))),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert!(answer.to_string().contains("must be at least 1m"), "{answer}");
    let (status, _) = call(&base, Method::DELETE, "/api/v1/alerts/rules/ui%20hot/mute", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let listed = listing(&base, None).await;
    let rule = listed.rules.iter().find(|r| r.name == "ui hot").expect("still there");
    assert_eq!((rule.muted_until, rule.repeat.as_deref()), (None, Some("1m")), "unmuted, the short repeat not taken");
}

#[tokio::test]
async fn the_test_button_sends_a_signed_alert_test_through_the_outbox() {
    let mut receiver = Receiver::start(Vec::new(), Reply::status(204)).await;
    let dir = TempDir::new("rules-test");
    let path = rules_file(&dir, &receiver.url("/t"), "");
    let server = support::TestServer::start(&["--alerts", &path, "--webhook-allow-private"]).await;
    let base = server.url("");

    let (status, answer) = call(&base, Method::POST, "/api/v1/alerts/webhooks/ops/test", None, None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let queued: TestQueued = serde_json::from_value(answer).expect("the test's id");
    let request = receiver.next(ARRIVAL).await;
    request.assert_signed(SECRET);
    assert_eq!(request.header("webhook-id"), queued.id);
    let body = request.json();
    assert_eq!(body["type"], "alert.test", "{body}");
    let log = wait_for_deliveries(&base, "the test delivered", |log| {
        log.deliveries.iter().any(|d| d.id == queued.id && d.status == DeliveryStatus::Delivered)
    })
    .await;
    assert_eq!(log.deliveries[0].kind, "alert.test");
}
