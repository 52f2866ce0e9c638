//! HTTPS and WSS with `--tls-cert`/`--tls-key`: a test CA made here with openssl,
//! and an agent-like client that trusts only that CA. WebSocket frames over TLS go
//! through the connection's task (the fan-out cannot write raw bytes to a TLS
//! socket): every frame arrives, in order, and heartbeats fill the silences.

#[path = "support/certs.rs"]
mod certs;
#[path = "support/server.rs"]
mod support;

use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use pulse_protocol::ServerMessage;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use support::{seq_of, TestServer, DEADLINE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::Message;

/// A TLS client that trusts only the CA in `ca`.
fn connector(ca: &Path) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(cert.unwrap()).unwrap();
    }
    #[allow(deprecated)]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn start(dir: &Path, extra: &[&str]) -> TestServer {
    let cert = dir.join("server.pem");
    let key = dir.join("server.key");
    let mut args = vec!["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()];
    args.extend_from_slice(extra);
    TestServer::start(&args).await
}

async fn tls_to(server: &TestServer, dir: &Path) -> tokio_rustls::client::TlsStream<TcpStream> {
    let tcp = TcpStream::connect(server.addr).await.expect("connect");
    let name = ServerName::try_from("localhost").unwrap();
    tokio::time::timeout(DEADLINE, connector(&dir.join("ca.pem")).connect(name, tcp))
        .await
        .expect("handshake in time")
        .expect("the server's certificate is trusted")
}

#[tokio::test]
async fn https_answers_and_plain_http_gets_nothing() {
    let dir = certs::make();
    let server = start(&dir, &[]).await;
    let mut tls = tls_to(&server, &dir).await;
    tls.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(DEADLINE, tls.read_to_string(&mut answer)).await.expect("in time").ok();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"ok\""), "{answer}");

    let mut plain = TcpStream::connect(server.addr).await.unwrap();
    plain.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(DEADLINE, plain.read_to_end(&mut reply)).await.expect("closed in time");
    assert!(!String::from_utf8_lossy(&reply).contains("\"status\""), "no data over plain HTTP");
}

#[tokio::test]
async fn wss_streams_every_frame_in_order_with_heartbeats() {
    let dir = certs::make();
    let server = start(&dir, &["--interval", "400ms", "--heartbeat", "150ms"]).await;
    let tls = tls_to(&server, &dir).await;
    let url = format!("wss://localhost:{}/api/v1/ws", server.addr.port());
    let (mut ws, _) = tokio::time::timeout(DEADLINE, tokio_tungstenite::client_async(url, tls))
        .await
        .expect("upgrade in time")
        .expect("upgrade");
    let mut seqs = Vec::new();
    let mut heartbeats = 0;
    let mut hello = false;
    // Bounded: at most 200 messages, each awaited with a deadline.
    for _ in 0..200 {
        let message = tokio::time::timeout(DEADLINE, ws.next()).await.expect("a message in time");
        let Some(Ok(Message::Text(text))) = message else { panic!("stream ended: {message:?}") };
        let message: ServerMessage = serde_json::from_str(&text).expect("a server message");
        match &message {
            ServerMessage::Hello(_) => hello = true,
            ServerMessage::Heartbeat(_) => heartbeats += 1,
            _ => {}
        }
        if let (ServerMessage::Frame(_), Some(seq)) = (&message, seq_of(&message)) {
            seqs.push(seq);
        }
        if seqs.len() >= 6 && heartbeats >= 2 {
            break;
        }
    }
    assert!(hello, "hello first");
    assert!(seqs.len() >= 6 && heartbeats >= 2, "frames {seqs:?}, heartbeats {heartbeats}");
    assert!(seqs.windows(2).all(|w| w[1] == w[0] + 1), "every frame, in order: {seqs:?}");
}

#[test]
fn a_missing_or_wrong_key_is_a_clear_error() {
    let dir = certs::make();
    let error =
        pulse_server::listen::tls::acceptor(&dir.join("server.pem"), &dir.join("nope.key")).err().expect("refused");
    assert!(error.to_string().contains("--tls-key"), "{error}");
    let error =
        pulse_server::listen::tls::acceptor(&dir.join("server.pem"), &dir.join("ca.key")).err().expect("refused");
    assert!(error.to_string().contains("do not make a usable pair"), "{error}");
    let error =
        pulse_server::listen::tls::acceptor(&dir.join("san.ext"), &dir.join("server.key")).err().expect("refused");
    assert!(error.to_string().contains("--tls-cert"), "{error}");
}

#[tokio::test]
async fn a_session_cookie_over_https_is_secure() {
    let dir = certs::make();
    let server = start(&dir, &[]).await;
    let body = r#"{"name":"ann","role":"admin","password":"a long password"}"#;
    let add = format!(
        "POST /api/v1/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let sign_in = r#"{"user":"ann","password":"a long password"}"#;
    let sign_in = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{sign_in}",
        sign_in.len()
    );
    let mut answers = Vec::new();
    for request in [add, sign_in] {
        let mut tls = tls_to(&server, &dir).await;
        tls.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        tokio::time::timeout(DEADLINE, tls.read_to_string(&mut answer)).await.expect("in time").ok();
        answers.push(answer);
    }
    assert!(answers[0].starts_with("HTTP/1.1 201"), "{}", answers[0]);
    let cookie = answers[1].lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a cookie");
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}
