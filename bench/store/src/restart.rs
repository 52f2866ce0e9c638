//! Time from starting a hub on a store to serving: the real `pulse-server`
//! binary (`--bin`), until `GET /api/v1/hosts` answers 200 listing every stored
//! host.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{number, required};

/// Starts the hub `--rounds` times and prints the times.
pub fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let data = required(flags, "data")?;
    let bin = required(flags, "bin")?;
    let rounds = number(flags, "rounds", 5)?;
    let mut times = Vec::new();
    let mut hosts = 0;
    for _ in 0..rounds {
        let started = Instant::now();
        let mut child = Command::new(bin)
            .args(["--listen", "127.0.0.1:0", "--data", data, "--no-local", "--dist", "/nonexistent"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{bin}: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let addr = line.trim().trim_start_matches("listening on http://").trim_end_matches('/').to_owned();
        let mut answered = None;
        for _ in 0..2_000 {
            if let Some(body) = get(&addr, "/api/v1/hosts") {
                answered = Some(body);
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        times.push(started.elapsed().as_secs_f64() * 1e3);
        let _ = child.kill();
        let _ = child.wait();
        hosts = answered.ok_or("the hub never answered")?.matches("\"id\"").count();
    }
    times.sort_by(f64::total_cmp);
    println!("{hosts} hosts listed; start → first 200 of /api/v1/hosts over {rounds} starts: median {:.0} ms, worst {:.0} ms.", times[times.len() / 2], times[times.len() - 1]);
    Ok(())
}

fn get(addr: &str, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").ok()?;
    let mut body = String::new();
    stream.read_to_string(&mut body).ok()?;
    body.starts_with("HTTP/1.1 200").then_some(body)
}
