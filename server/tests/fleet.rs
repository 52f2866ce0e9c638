//! The hub's side of the agent link over real sockets, with a client that speaks
//! the agent protocol by hand (server/tests/agent.rs runs real agent processes):
//! tokens, one live agent per host, resume cursors, `/api/v1/hosts` and `host=`.

#[path = "agent/hello.rs"]
mod agent_hello;
#[path = "support/server.rs"]
mod support;

use std::collections::BTreeMap;

use agent_hello::hello;
use futures_util::{SinkExt, StreamExt};
use pulse_protocol::{AgentReply, Epoch, Frame, HostStatus, HostsResponse, ServerMessage};
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Link = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the agent link as host `id` with `token`; the HTTP status on refusal.
async fn link(server: &TestServer, token: &str, id: &str) -> Result<Link, (u16, String)> {
    let mut request = format!("ws://{}/api/v1/agent", server.addr).into_client_request().unwrap();
    let headers = request.headers_mut();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    headers.insert("pulse-host-id", id.parse().unwrap());
    headers.insert("pulse-host-name", format!("{id}%20box").parse().unwrap());
    headers.insert("pulse-host-tags", "role=web,dc=eu".parse().unwrap());
    match tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request)).await.expect("in time") {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let body = response.body().as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            Err((response.status().as_u16(), body))
        }
        Err(other) => panic!("unexpected: {other}"),
    }
}

async fn reply(link: &mut Link) -> AgentReply {
    let message = tokio::time::timeout(DEADLINE, link.next()).await.expect("a reply in time");
    let Some(Ok(Message::Text(text))) = message else { panic!("{message:?}") };
    serde_json::from_str(&text).expect("an agent reply")
}

async fn push(link: &mut Link, message: &ServerMessage) {
    link.send(Message::Text(serde_json::to_string(message).unwrap().into())).await.expect("send");
}

fn frame(seq: u64) -> ServerMessage {
    frame_of("web-1 box", seq)
}

/// Frame `seq` of the host named `name` (a link's frames name its own host).
fn frame_of(name: &str, seq: u64) -> ServerMessage {
    let ts = pulse_server::hub::now_ms();
    ServerMessage::Frame(Frame { seq, ts, host: name.into(), values: BTreeMap::new(), top: Vec::new(), columns: None })
}

/// Waits until the hub holds frame `seq` of host `id` (at most 200 looks, 20 ms apart).
async fn wait_for_host_seq(server: &TestServer, id: &str, seq: u64) {
    for _ in 0..200 {
        let history: serde_json::Value =
            reqwest::get(server.url(&format!("/api/v1/history?host={id}"))).await.unwrap().json().await.unwrap();
        if history["last_seq"].as_u64() >= Some(seq) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("host {id} never reached seq {seq}");
}

async fn hosts(server: &TestServer) -> HostsResponse {
    reqwest::get(server.url("/api/v1/hosts")).await.expect("hosts").json().await.expect("JSON")
}

#[tokio::test]
async fn a_hub_without_tokens_refuses_agents_and_names_the_flag() {
    let server = TestServer::start(&[]).await;
    let (status, body) = link(&server, "anything", "web-1").await.expect_err("refused");
    assert_eq!(status, 401);
    assert!(body.contains("--agent-token"), "{body}");
}

#[tokio::test]
async fn agents_push_hosts_that_browsers_stream_and_resume() {
    let server = TestServer::start(&["--agent-token", "s3cret", "--interval", "100ms"]).await;
    let (status, body) = link(&server, "wrong", "web-1").await.expect_err("a wrong token is refused");
    assert_eq!(status, 401);
    assert!(!body.contains("wrong"), "the token is not echoed: {body}");

    let mut agent = link(&server, "s3cret", "web-1").await.expect("a good token connects");
    assert_eq!(reply(&mut agent).await, AgentReply::Resume { epoch: None, seq: 0 });
    push(&mut agent, &hello("agentepoch1")).await;
    for seq in 1..=5 {
        push(&mut agent, &frame(seq)).await;
    }
    wait_for_host_seq(&server, "web-1", 5).await;
    let (status, body) = link(&server, "s3cret", "web-1").await.expect_err("one live agent per host");
    assert_eq!(status, 409);
    assert!(body.contains("web-1"), "{body}");

    // A browser streams the host, and resumes it with the agent's cursor.
    let mut ws = ws_connect(&server.ws_url("?host=web-1&since=3&epoch=agentepoch1")).await;
    let ServerMessage::Hello(hello) = ws_next(&mut ws).await else { panic!("hello first") };
    assert_eq!(hello.epoch, Epoch("agentepoch1".into()));
    assert_eq!(ws_frames(&mut ws, 2).await, [4, 5]);
    push(&mut agent, &frame(6)).await;
    assert_eq!(ws_frames(&mut ws, 1).await, [6], "live frames follow");

    let listed = hosts(&server).await;
    let web = listed.hosts.iter().find(|h| h.id == "web-1").expect("listed");
    assert_eq!(web.name, "web-1 box");
    assert_eq!(web.status, HostStatus::Up);
    assert_eq!(web.tags["role"], "web");
    assert!(listed.hosts.iter().any(|h| h.local), "the hub's own host is listed too");
    // Listed by id, whenever each came: a host known after web-1 but named before it.
    let mut second = link(&server, "s3cret", "0-early").await.expect("a second host");
    let _ = reply(&mut second).await;
    push(&mut second, &agent_hello::hello("early")).await;
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids = hosts(&server).await.hosts.into_iter().map(|h| h.id).collect::<Vec<_>>();
        if ids.iter().any(|id| id == "0-early") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]) && ids.iter().any(|id| id == "0-early"), "{ids:?}");

    // The agent goes away: the host is down but keeps its history.
    agent.close(None).await.expect("close");
    let mut down = false;
    for _ in 0..100 {
        if hosts(&server).await.hosts.iter().any(|h| h.id == "web-1" && h.status == HostStatus::Down) {
            down = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(down, "the host turns down when its agent leaves");
    let history: serde_json::Value =
        reqwest::get(server.url("/api/v1/history?host=web-1")).await.unwrap().json().await.unwrap();
    assert_eq!(history["last_seq"], 6);

    // It comes back: the hub tells it where to resume.
    let mut again = link(&server, "s3cret", "web-1").await.expect("free again");
    assert_eq!(reply(&mut again).await, AgentReply::Resume { epoch: Some(Epoch("agentepoch1".into())), seq: 6 });
}

#[tokio::test]
async fn an_unknown_host_is_a_json_404_naming_it() {
    let server = TestServer::start(&[]).await;
    for path in
        ["/api/v1/history?host=nope", "/api/v1/series?host=nope", "/api/v1/poll?host=nope", "/api/v1/sse?host=nope"]
    {
        let response = reqwest::get(server.url(path)).await.expect("answer");
        assert_eq!(response.status(), 404, "{path}");
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body["error"], "no_such_host", "{path}");
        assert!(body["detail"].as_str().unwrap().contains("nope"), "{path}: {body}");
    }
}

/// `DELETE /api/v1/hosts/ID` with `token` (none: no header); the status and body.
async fn remove(server: &TestServer, id: &str, token: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().delete(server.url(&format!("/api/v1/hosts/{id}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("delete");
    (response.status().as_u16(), response.text().await.expect("body"))
}

#[tokio::test]
async fn a_host_gone_for_good_is_removed_by_an_admin_once_its_agent_is_gone() {
    let server = TestServer::start(&["--agent-token", "s3cret", "--name", "the-hub"]).await;
    let mut agent = link(&server, "s3cret", "old-box").await.expect("linked");
    let _ = reply(&mut agent).await;
    push(&mut agent, &hello("e1")).await;
    push(&mut agent, &frame_of("old-box box", 1)).await;
    wait_for_host_seq(&server, "old-box", 1).await;

    // A loopback hub without users is open: anyone on this machine is its admin.
    let (status, body) = remove(&server, "old-box", None).await;
    assert_eq!(status, 409, "connected: {body}");
    assert!(body.contains("host_connected"), "{body}");
    assert!(body.contains("stop that agent first") && !body.contains("--name"), "{body}");
    let (status, body) = remove(&server, "the-hub", None).await;
    assert_eq!(status, 409, "the hub's own host: {body}");
    assert!(body.contains("own_host") && body.contains("own host and cannot be removed"), "{body}");

    drop(agent);
    // Bounded: 100 looks, 50 ms apart, for the link's end to be noticed.
    for _ in 0..100 {
        if hosts(&server).await.hosts.iter().any(|h| h.id == "old-box" && h.status == HostStatus::Down) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (status, body) = remove(&server, "old-box", Some("s3cret")).await;
    assert_eq!(status, 403, "an agent token only pushes: {body}");
    let (status, _) = remove(&server, "old-box", Some("wrong")).await;
    assert_eq!(status, 401, "a wrong bearer is refused even on an open hub");
    let (status, body) = remove(&server, "old-box", None).await;
    assert_eq!(status, 204, "{body}");
    assert!(hosts(&server).await.hosts.iter().all(|h| h.id != "old-box"), "still listed");
    let history = reqwest::get(server.url("/api/v1/history?host=old-box")).await.expect("history");
    assert_eq!(history.status(), 404, "its history went with it");
    let (status, body) = remove(&server, "old-box", None).await;
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("no_such_host"), "{body}");
}

/// Reads the agent link until the hub closes it; its close code and reason.
async fn closed(link: &mut Link) -> (u16, String) {
    // Bounded: the acks of a few seconds, then the close.
    for _ in 0..10 {
        match tokio::time::timeout(DEADLINE, link.next()).await.expect("the hub answers in time") {
            Some(Ok(Message::Close(Some(frame)))) => return (u16::from(frame.code), frame.reason.to_string()),
            Some(Ok(Message::Text(_))) => continue,
            other => panic!("not a close frame: {other:?}"),
        }
    }
    panic!("the hub never closed the link");
}

#[tokio::test]
async fn a_frame_for_another_host_is_refused_by_name_and_one_from_a_wrong_clock_dropped() {
    let server = TestServer::start(&["--agent-token", "s3cret", "--interval", "100ms"]).await;
    let now = pulse_server::hub::now_ms();
    let cases = [
        // what, the frame's host, its time, the close reason names
        ("another host", "db-1", now, "\"db-1\" on the link of \"web-1 box\""),
        ("the fleet summary", "@fleet", now, "@fleet"),
    ];
    for (what, host, ts, names) in cases {
        let mut agent = link(&server, "s3cret", "web-1").await.expect("linked");
        let _ = reply(&mut agent).await;
        push(&mut agent, &hello("e1")).await;
        let ServerMessage::Frame(mut forged) = frame_of(host, 1) else { unreachable!() };
        forged.ts = ts;
        push(&mut agent, &ServerMessage::Frame(forged)).await;
        let (code, reason) = closed(&mut agent).await;
        assert_eq!(code, 1008, "{what}: {reason}");
        assert!(reason.contains(names), "{what}: {reason}");
        let history: serde_json::Value =
            reqwest::get(server.url("/api/v1/history?host=web-1")).await.unwrap().json().await.unwrap();
        assert_eq!(history["last_seq"], 0, "{what}: the frame was not taken");
        // The host is free again once the hub has noticed the link's end (bounded looks).
        for _ in 0..100 {
            if hosts(&server).await.hosts.iter().any(|h| h.id == "web-1" && h.status == HostStatus::Down) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    // Frames dated ten years ahead or before 1970 are dropped, not taken, and the
    // link stays (an agent whose clock was put right replays what it buffered): the
    // well-formed frame after them goes in.
    let mut agent = link(&server, "s3cret", "web-1").await.expect("linked");
    let _ = reply(&mut agent).await;
    push(&mut agent, &hello("e1")).await;
    for (seq, ts) in [(1, now + 10 * 365 * 86_400_000), (2, -5)] {
        let ServerMessage::Frame(mut wrong) = frame_of("web-1 box", seq) else { unreachable!() };
        wrong.ts = ts;
        push(&mut agent, &ServerMessage::Frame(wrong)).await;
    }
    push(&mut agent, &frame(3)).await;
    wait_for_host_seq(&server, "web-1", 3).await;
    let history: serde_json::Value =
        reqwest::get(server.url("/api/v1/history?host=web-1")).await.unwrap().json().await.unwrap();
    let taken = (&history["first_seq"], &history["last_seq"], history["ts"].as_array().map_or(0, Vec::len));
    assert_eq!(
        taken,
        (&serde_json::json!(3), &serde_json::json!(3), 1),
        "only the well-formed frame was taken: {history}"
    );
    let seen = hosts(&server).await.hosts.into_iter().find(|h| h.id == "web-1").expect("listed").last_seen;
    assert!(seen <= pulse_server::hub::now_ms() + 60_000, "last seen is not in the future: {seen}");
}

#[tokio::test]
async fn a_message_over_the_limit_is_closed_with_1009_naming_it() {
    let server = TestServer::start(&["--agent-token", "s3cret"]).await;
    let mut agent = link(&server, "s3cret", "web-1").await.expect("linked");
    let _ = reply(&mut agent).await;
    push(&mut agent, &hello("e1")).await;
    agent.send(Message::Text("x".repeat(300 * 1024).into())).await.expect("sent");
    let (code, reason) = closed(&mut agent).await;
    assert_eq!(code, 1009, "{reason}");
    assert!(reason.contains("256 KiB"), "{reason}");
    let answer = reqwest::get(server.url("/healthz")).await.expect("the hub still answers");
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn a_hub_with_no_host_yet_says_so_rather_than_several() {
    let server = TestServer::start(&["--no-local", "--agent-token", "s3cret"]).await;
    let response = reqwest::get(server.url("/api/v1/history")).await.expect("answer");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("JSON");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("no host yet") && detail.contains("--no-local"), "{body}");

    let mut agent = link(&server, "s3cret", "web-1").await.expect("linked");
    let _ = reply(&mut agent).await;
    push(&mut agent, &hello("e1")).await;
    push(&mut agent, &frame(1)).await;
    wait_for_host_seq(&server, "web-1", 1).await;
    let history: serde_json::Value = reqwest::get(server.url("/api/v1/history")).await.unwrap().json().await.unwrap();
    assert_eq!(history["last_seq"], 1, "the only host is the one asked for: {history}");
}

/// Frame `seq` of the host named `name` carrying series `s{first}`..`s{first + count}`.
fn frame_with_series(name: &str, seq: u64, first: usize, count: usize) -> ServerMessage {
    let ServerMessage::Frame(mut frame) = frame_of(name, seq) else { unreachable!() };
    frame.values = (first..first + count).map(|i| (format!("s{i}"), i as f64)).collect();
    ServerMessage::Frame(frame)
}

#[tokio::test]
async fn a_flood_of_new_series_closes_the_link_while_the_hub_and_other_agents_go_on() {
    let server = TestServer::start(&["--agent-token", "s3cret", "--interval", "100ms"]).await;
    let mut honest = link(&server, "s3cret", "web-2").await.expect("linked");
    let _ = reply(&mut honest).await;
    push(&mut honest, &hello("e2")).await;
    let mut sent = 0;
    let mut catalogue = hello("e1");
    if let ServerMessage::Hello(hello) = &mut catalogue {
        hello.catalog.series.push(pulse_protocol::SeriesInfo {
            id: "disk.used:/mnt".into(),
            host: "web-1".into(),
            group: "disk".into(),
            label: "/mnt".into(),
            unit: pulse_protocol::Unit::Percent,
            kind: pulse_protocol::SeriesKind::Gauge,
        });
    }
    let cases: [(&str, Vec<ServerMessage>, &str); 3] = [
        // what, the rogue's messages after its hello, the close reason names
        ("one frame of 3,000 new series", vec![frame_with_series("web-1 box", 1, 0, 3000)], "3000 series, at most 512"),
        (
            "frames of 400 new series each",
            vec![frame_with_series("web-1 box", 1, 0, 400), frame_with_series("web-1 box", 2, 400, 400)],
            "800 distinct series",
        ),
        (
            "a catalogue changed eleven times at once",
            (0..11).map(|i| if i % 2 == 0 { catalogue.clone() } else { hello("e1") }).collect(),
            "changed more than 10 times within 60 s",
        ),
    ];
    for (what, messages, names) in cases {
        let mut rogue = link(&server, "s3cret", "web-1").await.expect("linked");
        let _ = reply(&mut rogue).await;
        push(&mut rogue, &hello("e1")).await;
        for message in &messages {
            push(&mut rogue, message).await;
        }
        let (code, reason) = closed(&mut rogue).await;
        assert_eq!(code, 1008, "{what}: {reason}");
        assert!(reason.contains(names), "{what}: {reason}");
        // The honest agent's frames and the hub's own go on, and /healthz answers.
        sent += 1;
        push(&mut honest, &frame_with_series("web-2 box", sent, 0, 40)).await;
        wait_for_host_seq(&server, "web-2", sent).await;
        let health: serde_json::Value =
            reqwest::get(server.url("/healthz")).await.expect("healthz").json().await.expect("JSON");
        server.wait_for_seq(health["seq"].as_u64().unwrap_or(0) + 1).await;
        // The host is free again once the hub has noticed the link's end (bounded looks).
        for _ in 0..100 {
            if hosts(&server).await.hosts.iter().any(|h| h.id == "web-1" && h.status == HostStatus::Down) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    let history: serde_json::Value =
        reqwest::get(server.url("/api/v1/history?host=web-1")).await.unwrap().json().await.unwrap();
    assert!(history["last_seq"].as_u64() <= Some(1), "no flooding frame was taken: {history}");
}

#[tokio::test]
async fn an_agents_ping_is_answered_with_the_acknowledgement_in_the_same_write() {
    // No store: what the hub holds is what it acknowledges, at once.
    let server = TestServer::start(&["--agent-token", "s3cret", "--no-store"]).await;
    let mut agent = link(&server, "s3cret", "web-1").await.expect("a good token connects");
    assert_eq!(reply(&mut agent).await, AgentReply::Resume { epoch: None, seq: 0 });
    push(&mut agent, &hello("agentepoch1")).await;
    for seq in 1..=3 {
        push(&mut agent, &frame(seq)).await;
    }
    // The hub reads a link's messages in order: the frames are in when the ping
    // is. The link's timer ticks once at once (it may acknowledge a frame or two
    // first), then only 5 s later: the pings' acknowledgements are the pongs'.
    assert_eq!(ping(&mut agent, b"p").await.last(), Some(&AgentReply::Ack { seq: 3 }));
    push(&mut agent, &frame(4)).await;
    assert_eq!(ping(&mut agent, b"q").await, [AgentReply::Ack { seq: 4 }]);
    assert_eq!(ping(&mut agent, b"r").await, [], "nothing new since: the pong comes alone");
}

/// Pings with `payload`; the replies that came before its pong.
async fn ping(agent: &mut Link, payload: &'static [u8]) -> Vec<AgentReply> {
    agent.send(Message::Ping(payload.to_vec().into())).await.expect("ping");
    let mut replies = Vec::new();
    for _ in 0..4 {
        match tokio::time::timeout(DEADLINE, agent.next()).await.expect("a message in time") {
            Some(Ok(Message::Text(text))) => replies.push(serde_json::from_str(&text).expect("a reply")),
            Some(Ok(Message::Pong(pong))) if pong.as_ref() == payload => return replies,
            other => panic!("{other:?}"),
        }
    }
    panic!("no pong after {replies:?}");
}
