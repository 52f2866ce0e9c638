//! Attacks on the access gate, over real sockets: each test is a way in that was
//! open once, kept shut.

#[path = "support/access.rs"]
mod access_support;
#[path = "support/server.rs"]
mod support;

use access_support::PASSWORD;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const HOST: &str = "attack-host";

async fn hub_with_admin(extra: &[&str]) -> (TestServer, TempDir) {
    access_support::hub_with_admin(HOST, extra).await
}

async fn sign_in(server: &TestServer) -> String {
    access_support::sign_in(server, "ann", PASSWORD).await
}

async fn share(server: &TestServer, admin: &str, host: &str) -> String {
    access_support::share(server, admin, host, 600).await.secret
}

async fn get(server: &TestServer, path: &str, bearer: &str) -> (StatusCode, String) {
    let response = Client::new().get(server.url(path)).bearer_auth(bearer).send().await.expect("response");
    let status = response.status();
    // A stream that was let through would never end: read its start only.
    let text = if status == StatusCode::OK && path.starts_with("/api/v1/sse") {
        String::new()
    } else {
        response.text().await.expect("body")
    };
    (status, text)
}

/// The gate read the first `host=`, the handlers the last: a fleet share link
/// asking `host=@fleet&host=HOST` read HOST's every series, history and stream.
#[tokio::test]
async fn a_repeated_host_cannot_widen_a_share_link() {
    let (server, _dir) = hub_with_admin(&[]).await;
    server.wait_for_seq(2).await;
    let admin = sign_in(&server).await;
    let fleet = share(&server, &admin, "@fleet").await;
    let (status, _) = get(&server, &format!("/api/v1/series?host={HOST}"), &fleet).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the fleet link alone cannot read the host");
    for query in [
        format!("host=@fleet&host={HOST}"),
        format!("host=%40fleet&host={HOST}"),
        format!("host=@fleet&ho%73t={HOST}"),
        format!("host=@fleet&series=cpu.total&host={HOST}"),
    ] {
        for path in ["/api/v1/series", "/api/v1/history", "/api/v1/poll", "/api/v1/sse"] {
            let (status, body) = get(&server, &format!("{path}?{query}"), &fleet).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{query}: {body}");
            assert!(!body.contains("cpu.total"), "{path}?{query} leaked the host's series: {body}");
        }
        let mut request = server.ws_url(&format!("?{query}")).into_client_request().expect("request");
        let offer = format!("pulse, pulse.bearer.{fleet}");
        request.headers_mut().insert("sec-websocket-protocol", offer.parse().expect("header"));
        match tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request)).await.expect("in time") {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status(), StatusCode::BAD_REQUEST, "ws?{query}")
            }
            Ok(_) => panic!("ws?{query}: a fleet share link opened the host's WebSocket"),
            Err(other) => panic!("ws?{query}: {other}"),
        }
    }
    // The admin's own repeated host= is refused the same way (one rule for all).
    let (status, _) = get(&server, &format!("/api/v1/series?host={HOST}&host={HOST}"), &admin).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = get(&server, "/api/v1/series?host=@fleet", &fleet).await;
    assert_eq!(status, StatusCode::OK, "the link still shows what it names");
}

/// With `--allow-origin *` (or any allowed origin on the same site: another port
/// of the same machine, a sibling name), a page there had the browser add the
/// session cookie to a `text/plain` form-like POST (no preflight) and carried an
/// allowed `Origin`: it made itself an admin. Its WebSocket read every host too.
#[tokio::test]
async fn a_page_on_another_origin_never_rides_the_session_cookie() {
    let (server, _dir) = hub_with_admin(&["--allow-origin", "*"]).await;
    let secret = sign_in(&server).await;
    let cookie = format!("pulse_session={secret}");
    let same_site = "http://127.0.0.1:1";
    let made = Client::new()
        .post(server.url("/api/v1/users"))
        .header("origin", same_site)
        .header("cookie", &cookie)
        .header("content-type", "text/plain")
        .body(r#"{"name":"eve","role":"admin","password":"eve's own password"}"#)
        .send()
        .await
        .expect("response");
    assert_eq!(made.status(), StatusCode::UNAUTHORIZED, "a foreign page added an admin with the cookie");
    let eve = Client::new()
        .post(server.url("/api/v1/session"))
        .json(&json!({"user": "eve", "password": "eve's own password"}))
        .send()
        .await
        .expect("response");
    assert_eq!(eve.status(), StatusCode::UNAUTHORIZED, "no user eve");
    // Reads too: an EventSource or WebSocket with credentials from that page.
    let read = Client::new()
        .get(server.url("/api/v1/series"))
        .header("origin", same_site)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("response");
    assert_eq!(read.status(), StatusCode::UNAUTHORIZED, "a foreign page read with the cookie");
    let mut request = server.ws_url("").into_client_request().expect("request");
    request.headers_mut().insert("origin", same_site.parse().expect("header"));
    request.headers_mut().insert("cookie", cookie.parse().expect("header"));
    match tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request)).await.expect("in time") {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED)
        }
        Ok(_) => panic!("a foreign page opened a WebSocket with the cookie"),
        Err(other) => panic!("{other}"),
    }
    // That page can still sign in (the cookie does not get in its way), and the
    // hub's own page with its cookie and the foreign page with its bearer still work.
    let signed_in = Client::new()
        .post(server.url("/api/v1/session"))
        .header("origin", same_site)
        .header("cookie", &cookie)
        .json(&json!({"user": "ann", "password": PASSWORD}))
        .send()
        .await
        .expect("response");
    assert_eq!(signed_in.status(), StatusCode::OK);
    let own = format!("http://{}", server.addr);
    let ok = Client::new()
        .get(server.url("/api/v1/series"))
        .header("origin", &own)
        .header("cookie", &cookie)
        .send()
        .await
        .expect("response");
    assert_eq!(ok.status(), StatusCode::OK);
    let ok = Client::new()
        .get(server.url("/api/v1/series"))
        .header("origin", same_site)
        .bearer_auth(&secret)
        .send()
        .await
        .expect("response");
    assert_eq!(ok.status(), StatusCode::OK);
    let value: Value = ok.json().await.expect("json");
    assert!(value["series"].is_array());
    let _ = Method::GET;
}

/// Signing in needs no credential, and a body was read whole (up to axum's 2 MB)
/// before the handler refused anything over 16 KiB: 400 connections each sending
/// a 2 MB sign-in held the hub at 860 MB. A body larger than any request needs is
/// now refused once it passes 16 KiB, without reading the rest.
#[tokio::test]
async fn a_huge_body_is_refused_before_it_is_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (server, _dir) = hub_with_admin(&[]).await;
    let admin = sign_in(&server).await;
    for path in ["/api/v1/session", "/api/v1/users", "/api/v1/tokens", "/api/v1/shares"] {
        let mut socket = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\
             Authorization: Bearer {admin}\r\n\r\n",
            server.addr
        );
        socket.write_all(head.as_bytes()).await.expect("write");
        socket.write_all(&[b'a'; 20 * 1024]).await.expect("write");
        // The rest of the body is never sent: past 16 KiB the answer must not wait for it.
        let mut answer = Vec::new();
        let mut buffer = [0u8; 4096];
        for _ in 0..MAX_MESSAGES {
            let read = tokio::time::timeout(DEADLINE, socket.read(&mut buffer))
                .await
                .unwrap_or_else(|_| panic!("{path}: the hub waited for a 2 MB body instead of refusing it"))
                .expect("read");
            answer.extend_from_slice(&buffer[..read]);
            if read == 0 || answer.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
    }
    // An ordinary body still works.
    sign_in(&server).await;
}

/// An access file that is there but empty (truncated, or a copy that failed on a
/// full disk) was adopted as a new one: the hub found no users and started open,
/// every caller an admin. It must refuse to start instead.
#[tokio::test]
async fn an_emptied_access_file_never_starts_the_hub_open() {
    use clap::Parser;
    let dir = TempDir::new("emptied");
    let config = || pulse_server::config::Config::parse_from(["pulse-server", "--data", dir.path(), "--no-store"]);
    let loopback: std::net::SocketAddr = "127.0.0.1:8080".parse().expect("address");
    // A hub that had users, then lost the file's contents.
    {
        let access = pulse_server::access(&config(), loopback).expect("a fresh file");
        access.add_user("ann", pulse_protocol::access::Role::Admin, PASSWORD).await.expect("a user");
        assert!(access.open_grant().is_none(), "closed once it has a user");
    }
    let file = dir.0.join("access.db");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.0.join(format!("access.db{suffix}")));
    }
    std::fs::write(&file, b"").expect("truncate");
    match pulse_server::access(&config(), loopback) {
        Ok(access) => assert!(access.open_grant().is_none(), "an emptied access file started the hub open"),
        Err(refusal) => assert!(refusal.to_string().contains("access.db"), "{refusal}"),
    }
    assert_eq!(std::fs::metadata(&file).expect("file").len(), 0, "the file is left as it was found");
}

/// `pulse-server user add NAME` for an existing user sets a new password, but
/// the user's sessions went on: resetting the password of an account whose
/// session was stolen left the thief signed in. Saving a user now ends them.
#[tokio::test]
async fn a_new_password_ends_the_users_sessions() {
    use futures_util::StreamExt;
    use tokio::io::AsyncWriteExt;
    let (server, dir) = hub_with_admin(&[]).await;
    let stolen = sign_in(&server).await;
    let mut request = server.ws_url("").into_client_request().expect("request");
    let offer = format!("pulse, pulse.bearer.{stolen}");
    request.headers_mut().insert("sec-websocket-protocol", offer.parse().expect("header"));
    let (mut ws, _) = tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request))
        .await
        .expect("in time")
        .expect("the session opens a WebSocket");
    let mut reset = tokio::process::Command::new(env!("CARGO_BIN_EXE_pulse-server"))
        .args(["user", "add", "ann", "--role", "admin", "--data", dir.path()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    let mut stdin = reset.stdin.take().expect("stdin");
    stdin.write_all(b"a brand new password\n").await.expect("write");
    drop(stdin);
    let output = tokio::time::timeout(DEADLINE, reset.wait_with_output()).await.expect("in time").expect("output");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The hub notices the file changed and cuts the session's stream.
    let mut cut = false;
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, ws.next()).await.expect("the stolen session's stream is cut in time") {
            None | Some(Err(_)) | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => {
                cut = true;
                break;
            }
            Some(Ok(_)) => continue,
        }
    }
    assert!(cut, "the stolen session's stream went on");
    let (status, _) = get(&server, "/api/v1/users", &stolen).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the stolen session still works after a password reset");
}

/// A hub listening on loopback without users was open, everyone an admin, even
/// through a reverse proxy (`--trusted-proxy`, `--public-url`): the usual nginx
/// setup put an open admin hub on the internet, and a browser anywhere minted
/// admin tokens. Now only requests made on the machine itself (a loopback name, no
/// forwarding headers) are its admin; one through the proxy gets a 401.
#[tokio::test]
async fn a_loopback_hub_behind_a_proxy_is_not_open_to_the_world() {
    let server = TestServer::start(&[
        "--interval",
        "100ms",
        "--trusted-proxy",
        "127.0.0.1",
        "--public-url",
        "https://pulse.example.com/",
    ])
    .await;
    let minted = Client::new()
        .post(server.url("/api/v1/tokens"))
        .header("host", "pulse.example.com")
        .header("x-forwarded-for", "203.0.113.9")
        .header("x-forwarded-proto", "https")
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .expect("response");
    assert_eq!(minted.status(), StatusCode::UNAUTHORIZED, "a browser on the internet minted an admin token");
    let local = Client::new().get(server.url("/api/v1/hosts")).send().await.expect("response");
    assert_eq!(local.status(), StatusCode::OK, "on the machine itself the hub stays open");
}

/// The data directory was made with the default mode (0755 under the usual umask)
/// and the history store in it readable by all (0644): any local account read
/// every host's samples, process names included, without signing in. Pulse now
/// makes the directory private to the hub's account.
#[tokio::test]
async fn a_new_data_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = TempDir::new("private");
    std::fs::create_dir_all(&parent.0).expect("parent");
    let data = parent.0.join("data");
    let server = TestServer::start(&["--data", data.to_str().expect("utf-8")]).await;
    server.wait_for_seq(1).await;
    let mode = std::fs::metadata(&data).expect("the data directory").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the data directory is {mode:o}");
}
