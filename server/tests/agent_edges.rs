//! The edges of the agent link an attacker or a new user finds (issue 14's
//! review): the token in no log line even at trace level, numbers and epochs a
//! page cannot hold refused, a link that never says hello leaving a host's
//! listing alone (and a new id's link that never does, or a request that is no
//! WebSocket, listing nothing), every refusal logged on the hub's side, strict header
//! encoding, and an `https://` hub that speaks plain HTTP. Real `pulse-server`
//! processes on 127.0.0.1; the hostile links are the test's own.

#[path = "agent/procs.rs"]
mod procs;

use std::collections::BTreeMap;

use futures_util::{SinkExt, StreamExt};
use procs::{agent, agent_logging, Hub, DEADLINE, TOKEN};
use pulse_protocol::{Catalog, Epoch, Frame, Hello, HostStatus, ServerMessage};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

/// An upgrade request's own headers, by name.
type Headers = Vec<(&'static str, Vec<u8>)>;

type Link = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens an agent link to `hub` with `headers` (name, value) besides the upgrade's;
/// the refusal's status and body when the hub will not take it.
async fn open(hub: &Hub, headers: &[(&'static str, &[u8])]) -> Result<Link, (u16, String)> {
    let mut request = format!("ws://{}/api/v1/agent", hub.addr).into_client_request().expect("request");
    for (name, value) in headers {
        request.headers_mut().append(*name, HeaderValue::from_bytes(value).expect("a header value"));
    }
    match tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request)).await.expect("in time") {
        Ok((link, _)) => Ok(link),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let body = response.body().as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            Err((response.status().as_u16(), body))
        }
        Err(other) => panic!("unexpected: {other}"),
    }
}

/// A link with the good token for host `id` named `name`.
async fn link(hub: &Hub, id: &str, name: &str) -> Link {
    let bearer = format!("Bearer {TOKEN}");
    let headers: [(&'static str, &[u8]); 3] =
        [("authorization", bearer.as_bytes()), ("pulse-host-id", id.as_bytes()), ("pulse-host-name", name.as_bytes())];
    open(hub, &headers).await.unwrap_or_else(|refused| panic!("refused: {refused:?}"))
}

fn hello(epoch: &str, seq: u64) -> ServerMessage {
    ServerMessage::Hello(Hello {
        protocol: 1,
        epoch: Epoch(epoch.into()),
        seq,
        catalog: Catalog::default(),
        heartbeat_ms: 5000,
        interval_ms: 200,
        history_ms: 600_000,
        server_time: 0,
        host: None,
        subscribe: 0,
    })
}

fn frame(name: &str, seq: u64) -> ServerMessage {
    let ts = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    ServerMessage::Frame(Frame { seq, ts, host: name.into(), values: BTreeMap::new(), top: Vec::new(), columns: None })
}

async fn push(link: &mut Link, message: &ServerMessage) {
    let text = serde_json::to_string(message).expect("json");
    link.send(Message::Text(text.into())).await.expect("send");
}

/// Reads until the hub closes the link; its close code and reason.
async fn closed(link: &mut Link) -> (u16, String) {
    for _ in 0..100 {
        match tokio::time::timeout(DEADLINE, link.next()).await.expect("the hub answers in time") {
            Some(Ok(Message::Close(Some(frame)))) => return (frame.code.into(), frame.reason.to_string()),
            Some(Ok(_)) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    }
    panic!("no close frame after 100 messages");
}

/// Sends `hello` then `after` (if any) on a fresh link of `id`; how the hub closed it.
async fn refused_after(hub: &Hub, id: &str, hello: ServerMessage, after: Option<ServerMessage>) -> (u16, String) {
    let mut link = link(hub, id, id).await;
    push(&mut link, &hello).await;
    if let Some(after) = after {
        push(&mut link, &after).await;
    }
    closed(&mut link).await
}

#[tokio::test]
async fn the_token_is_in_no_log_line_even_at_trace_level() {
    const WRONG: &str = "wrong-token-trace-5d1e";
    let mut hub = Hub::start_logging("127.0.0.1:0", &["--agent-token", TOKEN], "trace").await;
    let mut good = agent_logging(TOKEN, &["--hub", &hub.url(), "--name", "traced"], "trace");
    let mut bad = agent_logging(WRONG, &["--hub", &hub.url(), "--name", "traced-bad"], "trace");
    good.wait_for_line("the hub resumes this host's stream").await;
    bad.wait_for_line("the hub refused the token").await;
    hub.proc.wait_for_line("an agent was refused").await;
    // The agent logged below info, and nothing either side logged showed a token.
    let log = good.log();
    assert!(log.contains(" DEBUG ") || log.contains(" TRACE "), "logged at trace level:\n{log}");
    for (who, log) in [("the agent", good.log()), ("the refused agent", bad.log()), ("the hub", hub.proc.log())] {
        assert!(!log.contains(TOKEN) && !log.contains(WRONG), "a token is in {who}'s log:\n{log}");
        assert!(!log.to_lowercase().contains("authorization: bearer"), "{who}'s log shows the header:\n{log}");
    }
}

#[tokio::test]
async fn numbers_and_epochs_a_page_cannot_hold_close_the_link_with_1008() {
    let hub = Hub::start("127.0.0.1:0").await;
    let unsafe_seq = (1u64 << 53) + 1;
    let long_epoch = "e".repeat(30_000);
    // (what, hello, a frame after it, what the reason says)
    let cases = [
        ("a frame of seq u64::MAX", hello("e1", 0), Some(frame("h1", u64::MAX)), "2^53-1"),
        ("a frame beyond 2^53-1", hello("e1", 0), Some(frame("h2", unsafe_seq)), "2^53-1"),
        ("hello's seq beyond 2^53-1", hello("e1", unsafe_seq), None, "seq"),
        ("an empty epoch", hello("", 0), None, "epoch must be 1 to 32"),
        ("a 30,000-character epoch", hello(&long_epoch, 0), None, "(30000 bytes)"),
        ("an epoch no cursor takes", hello("Not:An-Epoch", 0), None, "epoch"),
    ];
    for (n, (what, hello, after, words)) in cases.into_iter().enumerate() {
        let id = format!("h{}", n + 1);
        let after = after.map(|message| match message {
            ServerMessage::Frame(frame) => ServerMessage::Frame(Frame { host: id.clone(), ..frame }),
            other => other,
        });
        let (code, reason) = refused_after(&hub, &id, hello, after).await;
        assert_eq!(code, 1008, "{what}: {reason}");
        assert!(reason.contains(words), "{what}: {reason}");
    }
    // A good frame still goes in, and the host's history has no seq a page cannot hold.
    let mut fine = link(&hub, "fine", "fine").await;
    push(&mut fine, &hello("e1", 0)).await;
    push(&mut fine, &frame("fine", 1)).await;
    hub.wait_for_status("fine", HostStatus::Up, DEADLINE).await;
    for id in ["h1", "h2"] {
        let history: serde_json::Value = reqwest::get(format!("{}/api/v1/history?host={id}", hub.url()))
            .await
            .expect("history")
            .json()
            .await
            .expect("json");
        assert!(history["last_seq"].as_u64() < Some(1 << 53), "{id}: {history}");
    }
}

#[tokio::test]
async fn a_link_that_never_says_hello_leaves_the_listing_and_a_takeover_is_logged() {
    let mut hub = Hub::start("127.0.0.1:0").await;
    let mut first = agent(&["--hub", &hub.url(), "--name", "old-1", "--tag", "role=db"]);
    hub.wait_for_status("old-1", HostStatus::Up, DEADLINE).await;
    first.kill().await;
    hub.wait_for_status("old-1", HostStatus::Down, DEADLINE).await;

    // Headers only, then gone: the down host keeps its name and tags.
    let mut impostor = link(&hub, "old-1", "impostor").await;
    impostor.close(None).await.expect("close");
    hub.proc.wait_for_lines("an agent's link ended", 2, DEADLINE).await;
    let listed = hub.host("old-1").await.expect("listed");
    assert_eq!(listed.name, "old-1", "{listed:?}");
    assert_eq!(listed.tags.get("role").map(String::as_str), Some("db"), "{listed:?}");

    // An agent that says hello takes it over, and the hub says so.
    let mut taker = link(&hub, "old-1", "newcomer").await;
    push(&mut taker, &hello("e2", 0)).await;
    push(&mut taker, &frame("newcomer", 1)).await;
    let log = hub.proc.wait_for_line("an agent took over this host id under another name").await;
    assert!(log.contains("was=old-1") && log.contains("now=newcomer"), "{log}");
    let listed = hub.wait_for_status("old-1", HostStatus::Up, DEADLINE).await;
    assert_eq!(listed.name, "newcomer");
    assert!(listed.tags.is_empty(), "{listed:?}");
}

#[tokio::test]
async fn a_request_that_is_no_websocket_or_a_link_that_never_says_hello_lists_no_new_host() {
    let mut hub = Hub::start("127.0.0.1:0").await;
    // A proxy that drops `Upgrade`: the hub answers 400 and lists nothing.
    let plain = reqwest::Client::new()
        .get(format!("{}/api/v1/agent", hub.url()))
        .bearer_auth(TOKEN)
        .header("pulse-host-id", "ghost-plain")
        .send()
        .await
        .expect("an answer");
    assert_eq!(plain.status(), reqwest::StatusCode::BAD_REQUEST);
    assert!(hub.host("ghost-plain").await.is_none(), "a request that is no WebSocket listed a host");
    // A link for a new id that ends before `hello`: the host is forgotten.
    let mut ghost = link(&hub, "ghost-link", "ghost-link").await;
    assert!(hub.host("ghost-link").await.is_some(), "listed while its link is open");
    ghost.close(None).await.expect("close");
    let line = hub.proc.wait_for_line("a new host whose agent never said hello is not listed").await;
    assert!(line.contains("ghost-link"), "{line}");
    assert!(hub.host("ghost-link").await.is_none(), "a link that never said hello left its host listed");
}

#[tokio::test]
async fn the_hub_logs_every_agent_it_refuses_with_its_address_and_never_the_token() {
    const WRONG: &str = "wrong-token-log-83aa";
    let mut hub = Hub::start("127.0.0.1:0").await;
    let _twin = link(&hub, "twin", "twin").await;
    let good = format!("Bearer {TOKEN}");
    let wrong = format!("Bearer {WRONG}");
    let auth = |bearer: &str| ("authorization", bearer.as_bytes().to_vec());
    // (what, headers, status, what the hub's line says)
    let cases: Vec<(&str, Headers, u16, &str)> = vec![
        ("a wrong token", vec![auth(&wrong), ("pulse-host-id", b"w".to_vec())], 401, "not one of this hub's"),
        ("no token", vec![("pulse-host-id", b"w".to_vec())], 401, "no token"),
        ("a duplicate host", vec![auth(&good), ("pulse-host-id", b"twin".to_vec())], 409, "already connected"),
        ("the hub's own id", vec![auth(&good), ("pulse-host-id", b"the-hub".to_vec())], 409, "this hub's own host id"),
        (
            "a protocol too new",
            vec![auth(&good), ("pulse-host-id", b"v".to_vec()), ("pulse-protocol", b"999".to_vec())],
            426,
            "protocol_too_new",
        ),
        (
            "a name that is not percent-encoding",
            vec![auth(&good), ("pulse-host-id", b"p".to_vec()), ("pulse-host-name", b"%ZZ%ff".to_vec())],
            400,
            "pulse-host-name is not valid percent-encoding",
        ),
        (
            "a name that is not UTF-8",
            vec![auth(&good), ("pulse-host-id", b"u".to_vec()), ("pulse-host-name", b"%ff%fe".to_vec())],
            400,
            "pulse-host-name is not percent-encoded UTF-8",
        ),
        (
            "a raw non-ASCII name",
            vec![auth(&good), ("pulse-host-id", b"r".to_vec()), ("pulse-host-name", b"B\xfcro".to_vec())],
            400,
            "pulse-host-name must be ASCII",
        ),
    ];
    for (n, (what, headers, status, words)) in cases.into_iter().enumerate() {
        let headers: Vec<(&'static str, &[u8])> = headers.iter().map(|(k, v)| (*k, v.as_slice())).collect();
        let (got, body) = open(&hub, &headers).await.err().unwrap_or_else(|| panic!("{what}: taken"));
        assert_eq!(got, status, "{what}: {body}");
        assert!(body.contains(words), "{what}: the agent is told: {body}");
        let log = hub.proc.wait_for_lines("an agent was refused", n + 1, DEADLINE).await;
        let line = log.lines().filter(|line| line.contains("an agent was refused")).nth(n).expect("the line");
        assert!(line.contains(words) && line.contains("peer=127.0.0.1:"), "{what}: {line}");
    }
    assert!(!hub.proc.log().contains(WRONG) && !hub.proc.log().contains(TOKEN), "a token in the hub's log");
    assert!(hub.host("p").await.is_none() && hub.host("u").await.is_none(), "a refused name is not listed");
}

#[tokio::test]
async fn an_https_hub_url_at_a_plain_http_hub_says_to_use_http() {
    let hub = Hub::start("127.0.0.1:0").await;
    let https = hub.url().replacen("http://", "https://", 1);
    let mut agent = agent(&["--hub", &https, "--name", "wrong-scheme"]);
    let log = agent.wait_for_line("cannot use this hub").await;
    assert!(log.contains("does not speak TLS") && log.contains("http://"), "{log}");
    assert!(!log.contains("--ca FILE"), "blames a CA:\n{log}");
}
