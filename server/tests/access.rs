//! Who may see what, over real sockets: every route of the router refused without
//! a credential, roles, API tokens (from the API and the command line) used and
//! revoked, share links' scope, expiry and revocation (open streams cut), sessions
//! (cookie, expiry, restart, sign-out), cross-site request forgery, the sign-in
//! rate limits, and a non-loopback hub without users refusing to start.

#[path = "support/access.rs"]
mod access_support;
#[path = "support/server.rs"]
mod support;

use access_support::{share, sign_in, PASSWORD};
use futures_util::StreamExt;
use pulse_protocol::access::{Created, Session, TokenInfo};
use pulse_server::access::grant::Need;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use support::*;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const HOST: &str = "access-host";

async fn hub_with_admin(extra: &[&str]) -> (TestServer, TempDir) {
    access_support::hub_with_admin(HOST, extra).await
}

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    access_support::call_at(&server.url(""), method, path, bearer, body).await
}

async fn token(server: &TestServer, admin: &str, role: &str) -> Created<TokenInfo> {
    let (status, body) =
        call(server, Method::POST, "/api/v1/tokens", Some(admin), Some(json!({"role": role, "label": "test"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    serde_json::from_value(body).expect("a created token")
}

/// A WebSocket on `query` carrying `bearer` as the browser does (a subprotocol).
async fn ws_with(server: &TestServer, query: &str, bearer: &str) -> Result<Ws, StatusCode> {
    let mut request = server.ws_url(query).into_client_request().expect("request");
    let offer = format!("pulse, pulse.bearer.{bearer}");
    request.headers_mut().insert("sec-websocket-protocol", offer.parse().expect("header"));
    match tokio::time::timeout(DEADLINE, tokio_tungstenite::connect_async(request)).await.expect("in time") {
        Ok((ws, response)) => {
            let chosen = response.headers().get("sec-websocket-protocol").map(|v| v.to_str().unwrap_or("").to_owned());
            assert_eq!(chosen.as_deref(), Some("pulse"), "the hub answers `pulse`, never the secret");
            Ok(ws)
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status()),
        Err(other) => panic!("{other}"),
    }
}

/// Reads a WebSocket until the hub ends it (bounded).
async fn ws_ends(ws: &mut Ws) {
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, ws.next()).await.expect("the stream is cut in time") {
            None | Some(Err(_)) | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => return,
            Some(Ok(_)) => continue,
        }
    }
    panic!("the stream went on");
}

/// Reads an SSE body until the hub ends it (bounded).
async fn sse_ends(response: reqwest::Response) {
    let mut body = response.bytes_stream();
    for _ in 0..MAX_MESSAGES {
        match tokio::time::timeout(DEADLINE, body.next()).await.expect("the stream is cut in time") {
            None | Some(Err(_)) => return,
            Some(Ok(_)) => continue,
        }
    }
    panic!("the stream went on");
}

#[tokio::test]
async fn every_route_of_the_router_refuses_a_caller_without_a_credential() {
    let (server, _dir) = hub_with_admin(&[]).await;
    let routes = pulse_server::routes::table();
    assert!(routes.len() >= 20, "the table lists every route");
    let mut checked = 0;
    for route in routes.iter().filter(|r| r.need != Need::Public) {
        let path = route.path.replace("{id}", "x").replace("{name}", "x");
        let query = if route.need == Need::ReadHost { format!("?host={HOST}") } else { String::new() };
        let method = Method::from_bytes(route.method.as_bytes()).expect("method");
        let (status, body) = call(&server, method, &format!("{path}{query}"), None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {path}: {body}", route.method);
        assert_eq!(body["error"], "unauthorized", "{} {path}", route.method);
        let (status, _) =
            call(&server, Method::from_bytes(route.method.as_bytes()).expect("m"), &path, Some("pulse_t_forged"), None)
                .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "a forged bearer on {} {path}", route.method);
        checked += 1;
    }
    assert!(checked >= 16, "{checked} routes checked");
    // The public ones: health reveals no host data; the session says who (no one).
    let (status, health) = call(&server, Method::GET, "/healthz", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!health.to_string().contains(HOST), "{health}");
    assert_eq!(call(&server, Method::GET, "/api/v1/session", None, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        call(&server, Method::POST, "/api/v1/session", None, Some(json!({"user": 1}))).await.0,
        StatusCode::BAD_REQUEST
    );
    // The site still loads, to show its sign-in form.
    let page = Client::new().get(server.url("/")).send().await.expect("page");
    assert_ne!(page.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn viewers_read_admins_manage_and_agent_tokens_only_push() {
    let (server, _dir) = hub_with_admin(&[]).await;
    let admin = sign_in(&server, "ann", PASSWORD).await;
    let (status, _) = call(
        &server,
        Method::POST,
        "/api/v1/users",
        Some(&admin),
        Some(json!({"name": "vic", "role": "viewer", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let viewer = sign_in(&server, "vic", PASSWORD).await;
    let (status, me) = call(&server, Method::GET, "/api/v1/session", Some(&viewer), None).await;
    assert_eq!((status, me["user"].as_str(), me["role"].as_str()), (StatusCode::OK, Some("vic"), Some("viewer")));
    for path in ["/api/v1/hosts", "/api/v1/series", "/api/v1/poll"] {
        assert_eq!(call(&server, Method::GET, path, Some(&viewer), None).await.0, StatusCode::OK, "{path}");
    }
    let mut ws = ws_with(&server, "", &viewer).await.expect("a viewer streams");
    assert!(matches!(ws_next(&mut ws).await, pulse_protocol::ServerMessage::Hello(_)));
    for (method, path) in [
        (Method::GET, "/api/v1/tokens"),
        (Method::POST, "/api/v1/tokens"),
        (Method::GET, "/api/v1/users"),
        (Method::GET, "/api/v1/shares"),
        (Method::DELETE, "/api/v1/hosts/x"),
        (Method::DELETE, "/api/v1/users/ann"),
    ] {
        let (status, body) = call(&server, method.clone(), path, Some(&viewer), Some(json!({"role": "admin"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        assert_eq!(body["error"], "forbidden");
    }
    assert_eq!(call(&server, Method::GET, "/api/v1/users", Some(&admin), None).await.0, StatusCode::OK);
    let (status, body) = call(&server, Method::DELETE, "/api/v1/users/ann", Some(&admin), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "never the last admin: {body}");
    // An agent token passes the agent route's check (the handshake then wants its
    // headers) and reads nothing.
    let agent = token(&server, &admin, "agent").await.secret;
    assert_eq!(call(&server, Method::GET, "/api/v1/hosts", Some(&agent), None).await.0, StatusCode::FORBIDDEN);
    let (status, body) = call(&server, Method::GET, "/api/v1/agent", Some(&agent), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "past the token: {body}");
    assert_eq!(call(&server, Method::GET, "/api/v1/agent", Some(&viewer), None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tokens_made_on_the_command_line_work_at_once_list_without_secrets_and_revoking_cuts_their_streams() {
    let (server, dir) = hub_with_admin(&[]).await;
    let admin = sign_in(&server, "ann", PASSWORD).await;
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pulse-server"))
        .args(["token", "create", "--role", "viewer", "--label", "grafana", "--data", dir.path()])
        .output()
        .await
        .expect("run token create");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf8");
    let secret = stdout.lines().last().expect("a last line").to_owned();
    assert!(secret.starts_with("pulse_t_") && !secret.contains(' '), "the token alone on its last line: {stdout}");
    // Made by another process a moment ago: the hub rereads its file on a miss.
    assert_eq!(call(&server, Method::GET, "/api/v1/hosts", Some(&secret), None).await.0, StatusCode::OK);
    let (_, listed) = call(&server, Method::GET, "/api/v1/tokens", Some(&admin), None).await;
    assert!(!listed.to_string().contains(&secret[8..]), "lists never carry a secret: {listed}");
    let id = listed["tokens"][0]["id"].as_str().expect("an id").to_owned();
    assert_eq!(listed["tokens"][0]["label"], "grafana");

    let mut ws = ws_with(&server, "", &secret).await.expect("the token streams");
    ws_frames(&mut ws, 1).await;
    let sse = Client::new().get(server.url("/api/v1/sse")).bearer_auth(&secret).send().await.expect("sse");
    assert_eq!(sse.status(), StatusCode::OK);
    let (status, _) = call(&server, Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    ws_ends(&mut ws).await;
    sse_ends(sse).await;
    assert_eq!(call(&server, Method::GET, "/api/v1/hosts", Some(&secret), None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(ws_with(&server, "", &secret).await.err(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        call(&server, Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&admin), None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_share_link_shows_its_host_only_expires_and_is_cut_off_when_revoked() {
    let (server, _dir) = hub_with_admin(&[]).await;
    let admin = sign_in(&server, "ann", PASSWORD).await;
    let link = share(&server, &admin, HOST, 3600).await;
    let secret = link.secret.as_str();
    let host = format!("?host={HOST}");
    let (status, me) = call(&server, Method::GET, "/api/v1/session", Some(secret), None).await;
    assert_eq!((status, me["via"].as_str(), me["host"].as_str()), (StatusCode::OK, Some("share"), Some(HOST)));
    let (_, hosts) = call(&server, Method::GET, "/api/v1/hosts", Some(secret), None).await;
    assert_eq!(hosts["hosts"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        call(&server, Method::GET, &format!("/api/v1/series{host}"), Some(secret), None).await.0,
        StatusCode::OK
    );
    for path in [
        "/api/v1/series",
        "/api/v1/series?host=@fleet",
        "/api/v1/history?host=other&series=x&from=0",
        "/api/v1/alerts?host=other",
        "/api/v1/alerts?host=nope-no-such-host",
        "/api/v1/tokens",
        "/api/v1/shares",
    ] {
        assert_eq!(call(&server, Method::GET, path, Some(secret), None).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    let mut ws = ws_with(&server, &host, secret).await.expect("the link streams its host");
    ws_frames(&mut ws, 1).await;
    let sse =
        Client::new().get(server.url(&format!("/api/v1/sse{host}"))).bearer_auth(secret).send().await.expect("sse");
    assert_eq!(sse.status(), StatusCode::OK);
    let (_, listed) = call(&server, Method::GET, "/api/v1/shares", Some(&admin), None).await;
    assert!(!listed.to_string().contains(&secret[8..]), "{listed}");
    let revoke = format!("/api/v1/shares/{}", link.info.id);
    assert_eq!(call(&server, Method::DELETE, &revoke, Some(&admin), None).await.0, StatusCode::NO_CONTENT);
    ws_ends(&mut ws).await;
    sse_ends(sse).await;
    assert_eq!(call(&server, Method::GET, "/api/v1/hosts", Some(secret), None).await.0, StatusCode::UNAUTHORIZED);

    // Expiry: a link for two seconds stops working, and its open stream is cut.
    let brief = share(&server, &admin, "@fleet", 2).await;
    let mut fleet = ws_with(&server, "?host=@fleet", &brief.secret).await.expect("the fleet link streams @fleet");
    assert_eq!(ws_with(&server, &host, &brief.secret).await.err(), Some(StatusCode::FORBIDDEN));
    // Its compare view and sparklines draw any host's fleet metrics from the
    // store; nothing else of a host.
    for (query, want) in [
        ("series=cpu.total&width=100", StatusCode::OK),
        ("series=mem.used,mem.total,load.1", StatusCode::OK),
        ("series=cpu.total,cpu.core:0", StatusCode::FORBIDDEN),
        ("series=", StatusCode::FORBIDDEN),
    ] {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis();
        let path = format!("/api/v1/history?host={HOST}&from={}&to={now}&{query}", now - 60_000);
        assert_eq!(call(&server, Method::GET, &path, Some(&brief.secret), None).await.0, want, "{path}");
    }
    ws_ends(&mut fleet).await;
    assert_eq!(
        call(&server, Method::GET, "/api/v1/hosts", Some(&brief.secret), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = call(&server, Method::POST, "/api/v1/shares", Some(&admin), Some(json!({"host": "nope"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a link to an unknown host");
}

#[tokio::test]
async fn sessions_ride_a_private_cookie_survive_a_restart_and_end_on_sign_out_or_expiry() {
    let dir = TempDir::new("sessions");
    let args = ["--interval", "100ms", "--name", HOST, "--data", dir.path(), "--session-ttl", "3s"];
    let mut server = TestServer::start(&args).await;
    let made = call(
        &server,
        Method::POST,
        "/api/v1/users",
        None,
        Some(json!({"name": "ann", "role": "admin", "password": PASSWORD})),
    )
    .await;
    assert_eq!(made.0, StatusCode::CREATED);
    let own = format!("http://{}", server.addr);
    let response = Client::new()
        .post(server.url("/api/v1/session"))
        .header("origin", &own)
        .json(&json!({"user": "ann", "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    for part in ["pulse_session=pulse_s_", "HttpOnly", "SameSite=Strict", "Max-Age=3", "Path=/"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback");
    let session: Session = response.json().await.expect("session");
    assert_eq!(session.token, None, "the hub's own page keeps the session in the cookie only");
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let with_cookie = |path: &str| Client::new().get(server.url(path)).header("cookie", &pair);
    assert_eq!(with_cookie("/api/v1/hosts").send().await.expect("r").status(), StatusCode::OK);

    // A restart on the same data keeps the session.
    server.shutdown().await;
    let server = TestServer::start(&args).await;
    let with_cookie = |path: &str| Client::new().get(server.url(path)).header("cookie", &pair);
    assert_eq!(with_cookie("/api/v1/hosts").send().await.expect("r").status(), StatusCode::OK);
    // Expiry cuts an open stream and ends the session.
    let sse = with_cookie("/api/v1/sse").send().await.expect("sse");
    assert_eq!(sse.status(), StatusCode::OK);
    sse_ends(sse).await;
    assert_eq!(with_cookie("/api/v1/hosts").send().await.expect("r").status(), StatusCode::UNAUTHORIZED);

    // Signing out ends a session and cuts its streams.
    let secret = sign_in(&server, "ann", PASSWORD).await;
    let mut ws = ws_with(&server, "", &secret).await.expect("streams");
    ws_frames(&mut ws, 1).await;
    let out = Client::new().delete(server.url("/api/v1/session")).bearer_auth(&secret).send().await.expect("out");
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(out.headers()["set-cookie"].to_str().expect("c").contains("Max-Age=0"));
    ws_ends(&mut ws).await;
    assert_eq!(call(&server, Method::GET, "/api/v1/hosts", Some(&secret), None).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn state_changing_requests_need_the_pages_origin_when_they_ride_the_cookie() {
    let (server, _dir) = hub_with_admin(&["--allow-origin", "https://static.example"]).await;
    let secret = sign_in(&server, "ann", PASSWORD).await;
    let own = format!("http://{}", server.addr);
    let cookie = format!("pulse_session={secret}");
    let post = |origin: Option<&str>, cookie: Option<&str>, bearer: Option<&str>| {
        let mut request = Client::new().post(server.url("/api/v1/tokens")).json(&json!({"role": "viewer"}));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(bearer) = bearer {
            request = request.bearer_auth(bearer);
        }
        async move { request.send().await.expect("response").status() }
    };
    assert_eq!(post(Some("http://evil.example"), Some(&cookie), None).await, StatusCode::FORBIDDEN);
    assert_eq!(post(None, Some(&cookie), None).await, StatusCode::FORBIDDEN, "a cookie without Origin");
    assert_eq!(post(Some(&own), Some(&cookie), None).await, StatusCode::CREATED);
    assert_eq!(post(None, None, Some(&secret)).await, StatusCode::CREATED, "a bearer without Origin (a script)");
    assert_eq!(
        post(Some("https://static.example"), None, Some(&secret)).await,
        StatusCode::CREATED,
        "an allowed origin"
    );
    // Signing in and out from a foreign page are refused too.
    let foreign_sign_in = Client::new()
        .post(server.url("/api/v1/session"))
        .header("origin", "http://evil.example")
        .json(&json!({"user": "ann", "password": PASSWORD}))
        .send()
        .await
        .expect("r");
    assert_eq!(foreign_sign_in.status(), StatusCode::FORBIDDEN);
    let foreign_sign_out = Client::new()
        .delete(server.url("/api/v1/session"))
        .header("origin", "http://evil.example")
        .header("cookie", &cookie)
        .send()
        .await
        .expect("r");
    assert_eq!(foreign_sign_out.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        call(&server, Method::GET, "/api/v1/hosts", Some(&secret), None).await.0,
        StatusCode::OK,
        "still signed in"
    );
    // The allowed origin's page gets the secret to send as a bearer.
    let allowed = Client::new()
        .post(server.url("/api/v1/session"))
        .header("origin", "https://static.example")
        .json(&json!({"user": "ann", "password": PASSWORD}))
        .send()
        .await
        .expect("r");
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://static.example");
    let session: Session = allowed.json().await.expect("session");
    assert!(session.token.is_some_and(|t| t.starts_with("pulse_s_")));
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address_and_per_user_from_any_address() {
    let (server, _dir) = hub_with_admin(&["--trusted-proxy", "127.0.0.1"]).await;
    let attempt = |from: String, password: &'static str| {
        let request = Client::new()
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", from)
            .json(&json!({"user": "ann", "password": password}));
        async move {
            let response = request.send().await.expect("response");
            let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap_or("").to_owned());
            (response.status(), retry)
        }
    };
    // Five wrong guesses from five addresses: the sixth, from a sixth address, and
    // even the right password, wait.
    for i in 0..5 {
        assert_eq!(attempt(format!("203.0.113.{i}"), "wrong password").await.0, StatusCode::UNAUTHORIZED);
    }
    let (status, retry) = attempt("203.0.113.77".into(), "wrong password").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = retry.expect("Retry-After").parse().expect("seconds");
    assert!((1..=30).contains(&seconds), "{seconds}");
    assert_eq!(attempt("203.0.113.78".into(), PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
    // One address guessing many names is stopped after ten.
    let mut statuses = Vec::new();
    for i in 0..11 {
        let response = Client::new()
            .post(server.url("/api/v1/session"))
            .header("x-forwarded-for", "198.51.100.9")
            .json(&json!({"user": format!("user{i}"), "password": "wrong password"}))
            .send()
            .await
            .expect("response");
        statuses.push(response.status());
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_first_user_closes_an_open_hub_and_cuts_its_anonymous_streams() {
    let dir = TempDir::new("first-user");
    let server = TestServer::start(&["--interval", "100ms", "--data", dir.path()]).await;
    let mut ws = ws_connect(&server.ws_url("")).await;
    ws_frames(&mut ws, 1).await;
    let mut add = tokio::process::Command::new(env!("CARGO_BIN_EXE_pulse-server"))
        .args(["user", "add", "ann", "--role", "admin", "--data", dir.path()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run user add");
    use tokio::io::AsyncWriteExt;
    let mut stdin = add.stdin.take().expect("stdin");
    stdin.write_all(format!("{PASSWORD}\n").as_bytes()).await.expect("write the password");
    drop(stdin);
    assert!(add.wait().await.expect("user add ends").success());
    ws_ends(&mut ws).await;
    assert_eq!(call(&server, Method::GET, "/api/v1/hosts", None, None).await.0, StatusCode::UNAUTHORIZED);
    assert!(!sign_in(&server, "ann", PASSWORD).await.is_empty(), "the password came through standard input");
}

#[tokio::test]
async fn a_hub_on_another_address_without_users_refuses_to_start_unless_public_read_only() {
    use clap::Parser;
    let dir = TempDir::new("non-loopback");
    let config = |extra: &[&str]| {
        let mut argv = vec!["pulse-server", "--data", dir.path()];
        argv.extend_from_slice(extra);
        pulse_server::config::Config::parse_from(argv)
    };
    let wide: std::net::SocketAddr = "0.0.0.0:8080".parse().expect("address");
    let refusal = pulse_server::access(&config(&[]), wide).err().expect("refused").to_string();
    assert!(refusal.contains("user add") && refusal.contains("--public-read-only"), "{refusal}");
    assert!(pulse_server::access(&config(&[]), "127.0.0.1:8080".parse().expect("a")).is_ok());
    let public = pulse_server::access(&config(&["--public-read-only"]), wide).expect("public read-only starts");
    let grant = public.open_grant().expect("anyone reads");
    assert_eq!(grant.role, pulse_protocol::access::Role::Viewer);
    // The binary says so and never binds.
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pulse-server"))
        .args(["--listen", "0.0.0.0:0", "--data", dir.path(), "--no-local"])
        .output()
        .await
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to serve") && stderr.contains("user add"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("listening"), "it never listened");
}
