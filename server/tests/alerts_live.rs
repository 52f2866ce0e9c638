//! Live alerts over real sockets: a hub with a rule that fires at once
//! (`cpu.total` above -1) sends the firing alert to a client that asks
//! (`alerts=REV`) on WebSocket, SSE, long-poll and poll, after `hello` and without
//! moving its cursor; a client that does not ask is sent none; a share link for one
//! host sees that host's alerts only; removing the rule clears them live.

#[path = "support/access.rs"]
mod access_support;
#[path = "agent/hello.rs"]
mod agent_hello;
#[path = "alerts/rules_file.rs"]
mod rules_file;
#[path = "support/server.rs"]
mod support;

use std::collections::BTreeMap;

use futures_util::SinkExt;
use pulse_protocol::alerts::{AlertSeverity, AlertState, LiveAlerts};
use pulse_protocol::{Frame, PollResponse, ServerMessage};
use rules_file::write_rules;
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// A rule that fires on every host at the first sample.
const RULE: &str = r#"
[[rule]]
name = "cpu hot"
series = "cpu.total"
above = -1.0
severity = "critical"
notify = []
"#;

/// A hub sampling every 100 ms with [`RULE`].
async fn hub(dir: &TempDir, extra: &[&str]) -> TestServer {
    let path = write_rules(dir, RULE);
    let mut args = vec!["--alerts", path.as_str(), "--interval", "100ms", "--name", "alert-host"];
    args.extend_from_slice(extra);
    TestServer::start(&args).await
}

/// Whether `live` has rule `cpu hot` firing (on `host`, when named), with its
/// series and threshold.
fn fires(live: &LiveAlerts, host: Option<&str>) -> bool {
    live.alerts.iter().any(|alert| {
        alert.rule == "cpu hot"
            && host.is_none_or(|host| alert.host == host)
            && alert.state == AlertState::Firing
            && alert.severity == Some(AlertSeverity::Critical)
            && alert.series.as_deref() == Some("cpu.total")
            && alert.threshold == Some(-1.0)
    })
}

#[tokio::test]
async fn a_firing_alert_reaches_a_websocket_client_after_hello_between_consecutive_frames() {
    let dir = TempDir::new("alerts-live-ws");
    let server = hub(&dir, &[]).await;
    let mut ws = ws_connect(&server.ws_url("?alerts=0")).await;
    assert!(matches!(ws_next(&mut ws).await, ServerMessage::Hello(_)), "hello first");
    let mut seqs = Vec::new();
    for _ in 0..MAX_MESSAGES {
        match ws_next(&mut ws).await {
            ServerMessage::Frame(frame) => seqs.push(frame.seq),
            ServerMessage::Alerts(live) if fires(&live, None) => {
                // The frames around it still follow one another.
                let after = ws_frames(&mut ws, 2).await;
                seqs.extend(after);
                assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "{seqs:?}");
                return;
            }
            _ => {}
        }
    }
    panic!("no firing alert among {MAX_MESSAGES} messages");
}

#[tokio::test]
async fn a_firing_alert_reaches_an_sse_client_as_an_event_without_an_id() {
    let dir = TempDir::new("alerts-live-sse");
    let server = hub(&dir, &[]).await;
    let response = reqwest::get(server.url("/api/v1/sse?alerts=0")).await.expect("sse");
    let mut events = SseReader::new(response);
    assert!(matches!(events.next().await, (_, ServerMessage::Hello(_))), "hello first");
    for _ in 0..MAX_MESSAGES {
        if let (id, ServerMessage::Alerts(live)) = events.next().await {
            assert_eq!(id, None, "an alerts event moves no Last-Event-ID");
            if fires(&live, None) {
                return;
            }
        }
    }
    panic!("no firing alert among {MAX_MESSAGES} events");
}

/// Polls with `wait` until an answer carries a firing alert, following the cursor
/// and the alerts' revision as the web app does; the answers' frame counts stay
/// whole: `next` is always the newest frame's seq.
async fn poll_until_firing(server: &TestServer, wait: &str) {
    let client = reqwest::Client::new();
    let (mut cursor, mut rev): (Option<(String, u64)>, u64) = (None, 0);
    for _ in 0..100 {
        let mut url = format!("/api/v1/poll?wait={wait}&alerts={rev}");
        if let Some((epoch, seq)) = &cursor {
            url.push_str(&format!("&epoch={epoch}&since={seq}"));
        }
        let answer: PollResponse = client.get(server.url(&url)).send().await.expect("poll").json().await.expect("json");
        let mut newest = cursor.as_ref().map(|(_, seq)| *seq);
        for message in &answer.messages {
            match message {
                ServerMessage::Frame(frame) => newest = Some(frame.seq),
                ServerMessage::Alerts(live) if fires(live, None) => return,
                ServerMessage::Alerts(live) => rev = live.rev,
                _ => {}
            }
        }
        if let Some(newest) = newest {
            assert_eq!(answer.next, newest, "an alerts message moves no cursor");
        }
        cursor = Some((answer.epoch.0.clone(), answer.next));
        if wait == "0" {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    panic!("no firing alert in 100 polls");
}

#[tokio::test]
async fn a_firing_alert_reaches_a_long_poll_client() {
    let dir = TempDir::new("alerts-live-long-poll");
    let server = hub(&dir, &[]).await;
    poll_until_firing(&server, "5").await;
}

#[tokio::test]
async fn a_firing_alert_reaches_a_poll_client() {
    let dir = TempDir::new("alerts-live-poll");
    let server = hub(&dir, &[]).await;
    poll_until_firing(&server, "0").await;
}

#[tokio::test]
async fn a_client_that_does_not_ask_is_sent_no_alerts_and_a_bad_revision_is_a_400() {
    let dir = TempDir::new("alerts-live-quiet");
    let server = hub(&dir, &[]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    for _ in 0..20 {
        assert!(!matches!(ws_next(&mut ws).await, ServerMessage::Alerts(_)), "an older page is sent no alerts");
    }
    for path in ["/api/v1/poll?alerts=x", "/api/v1/sse?alerts=-1", "/api/v1/ws?alerts=1.5"] {
        let response = reqwest::get(server.url(path)).await.expect("answer");
        assert_eq!(response.status(), 400, "{path}");
        let body: serde_json::Value = response.json().await.expect("a JSON error");
        assert!(body["detail"].as_str().unwrap_or("").contains("alerts"), "{body}");
    }
}

#[tokio::test]
async fn removing_the_rule_clears_its_alert_live() {
    let dir = TempDir::new("alerts-live-clear");
    let server = hub(&dir, &[]).await;
    let mut ws = ws_connect(&server.ws_url("?alerts=0")).await;
    let mut firing = false;
    for _ in 0..MAX_MESSAGES {
        match ws_next(&mut ws).await {
            ServerMessage::Alerts(live) if !firing && fires(&live, None) => {
                firing = true;
                write_rules(&dir, "");
            }
            ServerMessage::Alerts(live) if firing && live.alerts.is_empty() => return,
            _ => {}
        }
    }
    panic!("the alert never fired and cleared (firing: {firing})");
}

/// Plays an agent for host `web-1` that sends one frame with `cpu.total`; the link
/// stays open while the returned socket lives.
async fn agent(server: &TestServer) -> Ws {
    let mut request = format!("ws://{}/api/v1/agent", server.addr).into_client_request().expect("request");
    let headers = request.headers_mut();
    headers.insert("authorization", "Bearer agent-s3cret".parse().expect("header"));
    headers.insert("pulse-host-id", "web-1".parse().expect("header"));
    let (mut link, _) = tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request))
        .await
        .expect("in time")
        .expect("an agent links");
    let hello = agent_hello::hello("agentepoch1");
    let values = BTreeMap::from([("cpu.total".to_owned(), 50.0)]);
    let frame =
        Frame { seq: 1, ts: pulse_server::hub::now_ms(), host: "web-1".into(), values, top: Vec::new(), columns: None };
    for message in [hello, ServerMessage::Frame(frame)] {
        link.send(Message::Text(serde_json::to_string(&message).expect("json").into())).await.expect("send");
    }
    link
}

/// The alerts a poll of `host` with `bearer` carries.
async fn alerts_of(server: &TestServer, bearer: &str, host: &str) -> Option<LiveAlerts> {
    let url = server.url(&format!("/api/v1/poll?host={host}&alerts=0"));
    let answer: PollResponse =
        reqwest::Client::new().get(url).bearer_auth(bearer).send().await.expect("poll").json().await.expect("json");
    answer.messages.into_iter().find_map(|message| match message {
        ServerMessage::Alerts(live) => Some(live),
        _ => None,
    })
}

#[tokio::test]
async fn a_share_link_for_one_host_is_sent_that_hosts_alerts_only() {
    let dir = TempDir::new("alerts-live-share");
    let rules = write_rules(&dir, RULE);
    let (server, _data) =
        access_support::hub_with_admin("alert-host", &["--alerts", rules.as_str(), "--agent-token", "agent-s3cret"])
            .await;
    let admin = access_support::sign_in(&server, "ann", access_support::PASSWORD).await;
    let _agent = agent(&server).await;
    let own: pulse_protocol::HostsResponse = reqwest::Client::new()
        .get(server.url("/api/v1/hosts"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("hosts")
        .json()
        .await
        .expect("json");
    let own = own.hosts.into_iter().find(|host| host.local).expect("the hub's own host").id;
    // The admin sees both hosts fire.
    let mut both = false;
    for _ in 0..100 {
        let live = alerts_of(&server, &admin, &own).await.expect("an alerts message");
        if fires(&live, Some(&own)) && fires(&live, Some("web-1")) {
            both = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(both, "both hosts fire for the admin");
    let link = access_support::share(&server, &admin, &own, 3600).await;
    let live = alerts_of(&server, &link.secret, &own).await.expect("an alerts message");
    assert!(fires(&live, Some(&own)), "{live:?}");
    assert!(live.alerts.iter().all(|alert| alert.host == own), "a share link sees its host only: {live:?}");
}
