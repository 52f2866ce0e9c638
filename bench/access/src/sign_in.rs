//! Sign-in time: `POST /api/v1/session` with the right password, `--count` times,
//! `--concurrency` at once, each attempt on a new connection from its own
//! `X-Forwarded-For` address (the hub runs with `--trusted-proxy 127.0.0.1`), so
//! the per-address limit never answers instead of the password check. Correct
//! passwords give their attempt back to the per-user limit.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::args::Args;
use crate::http::Conn;
use crate::stats::{cpu_ns, quantile_us};

/// Runs the sign-ins and prints one JSON line.
pub async fn run(args: &Args) -> Result<(), String> {
    let addr: Rc<str> = args.text("--addr")?.into();
    let user = args.text("--user")?;
    let password = std::fs::read_to_string(args.text("--password-file")?).map_err(|e| e.to_string())?;
    let body: Rc<[u8]> =
        serde_json::json!({"user": user, "password": password.trim_end_matches('\n')}).to_string().into_bytes().into();
    let count: usize = args.number("--count", 200);
    let concurrency: usize = args.number("--concurrency", 1).max(1);
    let pid: u32 = args.number("--server-pid", 0);
    let next = Rc::new(Cell::new(0usize));
    let times = Rc::new(RefCell::new(Vec::with_capacity(count)));
    let statuses = Rc::new(RefCell::new(std::collections::BTreeMap::<u16, usize>::new()));
    let failures = Rc::new(Cell::new(0usize));
    let cpu_before = cpu_ns(pid);
    let start = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (addr, body, next, times, statuses, failures) =
            (addr.clone(), body.clone(), next.clone(), times.clone(), statuses.clone(), failures.clone());
        workers.push(tokio::task::spawn_local(async move {
            loop {
                let i = next.get();
                if i >= count {
                    return;
                }
                next.set(i + 1);
                // 10.x.y.z, a different address for every attempt.
                let headers = format!(
                    "Content-Type: application/json\r\nX-Forwarded-For: 10.{}.{}.{}\r\nConnection: close\r\n",
                    (i >> 16) & 255,
                    (i >> 8) & 255,
                    i & 255
                );
                let began = Instant::now();
                let answer = match Conn::open(&addr).await {
                    Ok(mut conn) => conn.request("POST", "/api/v1/session", &headers, &body).await,
                    Err(error) => Err(error),
                };
                match answer {
                    Ok((status, _)) => {
                        *statuses.borrow_mut().entry(status).or_default() += 1;
                        if status == 200 {
                            times.borrow_mut().push(began.elapsed());
                        }
                    }
                    Err(error) => {
                        failures.set(failures.get() + 1);
                        eprintln!("sign-in {i}: {error}");
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await.map_err(|e| e.to_string())?;
    }
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_ns(pid).saturating_sub(cpu_before);
    let mut times = times.take();
    times.sort();
    let ok = times.len();
    let line = serde_json::json!({
        "kind": "sign-in",
        "label": args.text("--label").unwrap_or_else(|_| "sign-in".into()),
        "concurrency": concurrency,
        "attempts": count,
        "ok": ok,
        "statuses": statuses.take().into_iter().map(|(s, n)| (s.to_string(), serde_json::Value::from(n))).collect::<serde_json::Map<_, _>>(),
        "failures": failures.get(),
        "seconds": seconds,
        "per_s": ok as f64 / seconds,
        "p50_ms": quantile_us(&times, 0.5) / 1e3,
        "p95_ms": quantile_us(&times, 0.95) / 1e3,
        "max_ms": times.last().copied().unwrap_or(Duration::ZERO).as_secs_f64() * 1e3,
        "server_cpu_ms_per_sign_in": if ok > 0 { cpu as f64 / 1e6 / ok as f64 } else { f64::NAN },
    });
    println!("{line}");
    Ok(())
}
