//! The check alone, in-process: what `crate::gate::check` asks of the hub's
//! `Access` for one request (`recognise` the headers, then `allows` the route's
//! need), timed in a loop with no HTTP around it. The cases are alternated round
//! by round; reported: ns per check, the median of the rounds.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use http::{HeaderMap, HeaderValue};
use pulse_protocol::access::Role;
use pulse_server::access::grant::{allows, Need};
use pulse_server::access::{Access, Settings};

use crate::args::Args;

/// Runs the cases and prints one JSON line per case.
pub async fn run(args: &Args) -> Result<(), String> {
    let checks: u32 = args.number("--checks", 200_000);
    let rounds: usize = args.number("--rounds", 5);
    let base = std::env::temp_dir().join(format!("pulse-access-check.{}", std::process::id()));
    let result = measure(&base, checks, rounds).await;
    let _ = std::fs::remove_dir_all(&base);
    result
}

async fn measure(base: &std::path::Path, checks: u32, rounds: usize) -> Result<(), String> {
    let settings = |dir: &str| Settings {
        dir: Some(base.join(dir)),
        loopback: true,
        public_read_only: false,
        session_ttl: Duration::from_secs(3600),
        agent_tokens: Vec::new(),
        fleet: false,
    };
    let e = |e: pulse_server::access::AccessError| e.to_string();
    let open = Access::open(settings("open")).map_err(e)?;
    let open_token = open.create_token(Role::Viewer, "bench").map_err(e)?.secret;
    let users = Access::open(settings("users")).map_err(e)?;
    users.add_user("bench", Role::Admin, "a password for the bench").await.map_err(e)?;
    let token = users.create_token(Role::Viewer, "bench").map_err(e)?.secret;
    let (session, _) = users
        .sign_in("bench", "a password for the bench", IpAddr::V4(Ipv4Addr::LOCALHOST))
        .await
        .map_err(|e| e.to_string())?;
    let header = |name: &'static str, value: String| {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("")));
        headers
    };
    let cases = [
        ("anonymous (open hub)", &open, HeaderMap::new()),
        ("token (open hub)", &open, header("authorization", format!("Bearer {open_token}"))),
        ("token (hub with users)", &users, header("authorization", format!("Bearer {token}"))),
        ("session cookie (hub with users)", &users, header("cookie", format!("pulse_session={session}"))),
        ("no credential, refused (hub with users)", &users, HeaderMap::new()),
    ];
    let mut results: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for round in 0..rounds {
        for k in 0..cases.len() {
            let i = (k + round) % cases.len();
            let (_, access, headers) = &cases[i];
            let started = Instant::now();
            let mut allowed = 0u32;
            for _ in 0..checks {
                let grant = access.recognise(std::hint::black_box(headers)).ok().flatten();
                allowed += u32::from(allows(grant.as_ref(), Need::Read, None).is_ok());
            }
            std::hint::black_box(allowed);
            results[i].push(started.elapsed().as_nanos() as f64 / f64::from(checks));
        }
    }
    for ((label, _, headers), mut ns) in cases.iter().zip(results) {
        ns.sort_by(f64::total_cmp);
        let allowed = {
            let grant = cases.iter().find(|c| c.0 == *label).map(|c| c.1.recognise(headers).ok().flatten());
            allows(grant.flatten().as_ref(), Need::Read, None).is_ok()
        };
        let line = serde_json::json!({
            "kind": "check",
            "label": label,
            "checks": checks,
            "rounds": rounds,
            "allowed": allowed,
            "ns_median": ns[ns.len() / 2],
            "ns_min": ns[0],
            "ns_max": ns[ns.len() - 1],
        });
        println!("{line}");
    }
    Ok(())
}
