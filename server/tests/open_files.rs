//! The real binary under a small open-file limit (`prlimit`): one address that
//! opens more connections than the server has files for neither starves
//! `/healthz` for others nor stops the server; with no cap per address, the total
//! cap answers 503 (instead of failing to accept) and frees up as the attacker's
//! idle connections reach the header deadline.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};
use tokio::process::{Child, Command};

const FILES: &str = "300";
const ATTACK: usize = 400;

async fn start(extra: &[&str]) -> (Child, SocketAddr) {
    let mut child = Command::new("prlimit")
        .arg(format!("--nofile={FILES}:{FILES}"))
        .arg(env!("CARGO_BIN_EXE_pulse-server"))
        .args(["--listen", "127.0.0.1:0", "--interval", "200ms", "--dist", "/nonexistent", "--no-store"])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn prlimit pulse-server");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await.expect("starts in time");
    let line = line.expect("read").expect("a line");
    let url = line.strip_prefix("listening on http://").and_then(|u| u.strip_suffix('/')).expect("address line");
    (child, url.parse().expect("an address"))
}

/// Opens `count` idle connections from 127.0.0.2 (those the server refuses or
/// closes are dropped); returns those still open.
async fn attack(server: SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut held = Vec::new();
    for _ in 0..count {
        let socket = TcpSocket::new_v4().expect("socket");
        socket.bind("127.0.0.2:0".parse().unwrap()).expect("bind");
        if let Ok(Ok(stream)) = tokio::time::timeout(Duration::from_secs(2), socket.connect(server)).await {
            held.push(stream);
        }
    }
    // A refused connection is answered and closed within a second (the server
    // tells it why for at most `LINGER`, 1 s; one still in the listen queue is
    // accepted and refused by then): after that, keep only the silent ones (all
    // looked at together, within 200 ms).
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let checks = held.into_iter().map(|mut stream| async move {
        let mut byte = [0u8; 1];
        let silent = tokio::time::timeout(Duration::from_millis(200), stream.read(&mut byte)).await.is_err();
        silent.then_some(stream)
    });
    futures_util::future::join_all(checks).await.into_iter().flatten().collect()
}

/// `/healthz` from 127.0.0.1 on a new connection: the status line, or what went wrong.
async fn health(server: SocketAddr) -> String {
    let attempt = async {
        let mut stream = TcpStream::connect(server).await?;
        stream
            .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n\r\n").as_bytes())
            .await?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    match tokio::time::timeout(Duration::from_secs(5), attempt).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => format!("error: {error}"),
        Err(_) => "no answer in 5 s".into(),
    }
}

#[tokio::test]
async fn one_address_cannot_use_up_the_servers_files() {
    let (mut child, server) = start(&[]).await;
    let held = attack(server, ATTACK).await;
    assert!(held.len() == 128, "the default cap per address holds: {} open", held.len());
    let answer = health(server).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "others are served: {answer}");
    assert!(child.try_wait().expect("status").is_none(), "the server is still running");
}

#[tokio::test]
async fn without_a_cap_per_address_the_total_cap_answers_and_recovers() {
    let (mut child, server) = start(&["--max-per-address", "0", "--header-timeout", "4s"]).await;
    let held = attack(server, ATTACK).await;
    assert!(held.len() < 300 && held.len() > 128, "the server fills up below its open-file limit: {} open", held.len());
    let answer = health(server).await;
    assert!(
        answer.starts_with("HTTP/1.1 503") && answer.contains("\"error\":\"unavailable\""),
        "full: a JSON 503, not a hang: {answer}"
    );
    // The attacker's idle connections reach the header deadline and are closed.
    let mut recovered = String::new();
    for _ in 0..100 {
        recovered = health(server).await;
        if recovered.starts_with("HTTP/1.1 200") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered.starts_with("HTTP/1.1 200"), "served again after the deadline: {recovered}");
    assert!(child.try_wait().expect("status").is_none(), "the server is still running");
    drop(held);
}
