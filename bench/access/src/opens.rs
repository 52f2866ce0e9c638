//! The check's cost per stream opening: `--count` WebSocket opens of
//! `/api/v1/ws`, `--concurrency` at once, per target (each offering
//! `pulse.bearer.SECRET` beside `pulse`, as a browser does, or nothing), the
//! targets alternated round by round. An open is a new TCP connection, the
//! upgrade, and the first message (`hello`); then the client closes. Reported per
//! round: opens per second, open time p50/p99, and the server's CPU per open.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::args::{Args, Target};
use crate::http::LIMIT;
use crate::stats::{cpu_ns, quantile_us};

/// Runs every round and prints one JSON line per target and round.
pub async fn run(args: &Args) -> Result<(), String> {
    let targets = args.targets()?;
    let count: usize = args.number("--count", 1_000);
    let concurrency: usize = args.number("--concurrency", 8).max(1);
    let rounds: usize = args.number("--rounds", 3);
    for target in &targets {
        open(target).await.map_err(|e| format!("{}: a WebSocket does not open: {e}", target.label))?;
    }
    for round in 0..rounds {
        for k in 0..targets.len() {
            let target = &targets[(k + round) % targets.len()];
            let next = Rc::new(Cell::new(0usize));
            let times = Rc::new(RefCell::new(Vec::with_capacity(count)));
            let failures = Rc::new(Cell::new(0usize));
            let cpu_before = cpu_ns(target.pid);
            let start = Instant::now();
            let mut workers = Vec::new();
            for _ in 0..concurrency {
                let (target, next, times, failures) = (target.clone(), next.clone(), times.clone(), failures.clone());
                workers.push(tokio::task::spawn_local(async move {
                    while next.get() < count {
                        next.set(next.get() + 1);
                        let began = Instant::now();
                        match open(&target).await {
                            Ok(()) => times.borrow_mut().push(began.elapsed()),
                            Err(error) => {
                                if failures.get() < 3 {
                                    eprintln!("{}: {error}", target.label);
                                }
                                failures.set(failures.get() + 1);
                            }
                        }
                    }
                }));
            }
            for worker in workers {
                worker.await.map_err(|e| e.to_string())?;
            }
            let seconds = start.elapsed().as_secs_f64();
            let cpu = cpu_ns(target.pid).saturating_sub(cpu_before);
            let mut times: Vec<Duration> = times.take();
            times.sort();
            let line = serde_json::json!({
                "kind": "opens",
                "label": target.label,
                "round": round + 1,
                "concurrency": concurrency,
                "opens": times.len(),
                "failures": failures.get(),
                "seconds": seconds,
                "per_s": times.len() as f64 / seconds,
                "p50_us": quantile_us(&times, 0.5),
                "p99_us": quantile_us(&times, 0.99),
                "server_cpu_us_per_open": cpu as f64 / 1e3 / count as f64,
            });
            println!("{line}");
            // Let the server finish closing this round's sockets before the next.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    Ok(())
}

/// One WebSocket open, up to its first text message, then a close.
async fn open(target: &Target) -> Result<(), String> {
    let work = async {
        let stream = TcpStream::connect(&target.addr).await.map_err(|e| e.to_string())?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let mut request = format!("ws://{}/api/v1/ws", target.addr).into_client_request().map_err(|e| e.to_string())?;
        if !target.extra.is_empty() {
            let offered = format!("pulse, pulse.bearer.{}", target.extra);
            let value = HeaderValue::from_str(&offered).map_err(|_| "the bearer is not header-safe".to_owned())?;
            request.headers_mut().insert("sec-websocket-protocol", value);
        }
        let config = WebSocketConfig::default().read_buffer_size(4096).write_buffer_size(0);
        let (mut ws, _) = tokio_tungstenite::client_async_with_config(request, stream, Some(config))
            .await
            .map_err(|e| e.to_string())?;
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(_))) => break,
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.to_string()),
                None => return Err("closed before hello".into()),
            }
        }
        let _ = ws.send(Message::Close(None)).await;
        Ok(())
    };
    tokio::time::timeout(LIMIT, work).await.map_err(|_| "timed out".to_owned())?
}
