//! `pulse-store-bench`: the history store's figures, and a generator.
//!
//! - `fill --data DIR --hosts N --days D`: pre-fills a store with D days of 1 Hz
//!   samples for N synthetic hosts (`host-1`…), sealed with their rollups, as a hub
//!   would have written them; one CPU spike of 5 s sits at noon UTC 10 days ago.
//! - `bytes --frames FILE`: bytes on disk per sample for real host data recorded
//!   as an SSE stream (`curl -sN http://HUB/api/v1/sse > FILE`).
//! - `ingest --hosts N --seconds S`: the hub's CPU per stored sample at N hosts.
//! - `query --data DIR`: latency of `width=` answers over 5 m, 24 h, 30 d.
//! - `restart --data DIR`: time from starting a hub on the store to serving.
//! - `share --hosts N --hours H`: a host-hour's seal with `--redis`: sealed alone,
//!   by its owner (and encoded for Redis), adopted by another hub.

mod bytes;
mod fill;
mod ingest;
mod query;
mod real;
mod restart;
mod share;
mod usage;

use std::collections::HashMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let mut flags: HashMap<String, String> = HashMap::new();
    while let Some(flag) = args.next() {
        let Some(name) = flag.strip_prefix("--") else {
            fail(&format!("unexpected argument {flag:?}"));
        };
        flags.insert(name.to_owned(), args.next().unwrap_or_default());
    }
    let result = match command.as_str() {
        "fill" => fill::run(&flags),
        "bytes" => bytes::run(&flags),
        "columns" => bytes::columns(&flags),
        "ingest" => ingest::run(&flags),
        "query" => query::run(&flags),
        "restart" => restart::run(&flags),
        "share" => share::run(&flags),
        _ => Err("usage: pulse-store-bench fill|bytes|ingest|query|restart|share [--flag value]…".to_owned()),
    };
    if let Err(error) = result {
        fail(&error);
    }
}

fn fail(message: &str) -> ! {
    eprintln!("pulse-store-bench: {message}");
    std::process::exit(2)
}

/// Flag `name` as a number, or `default`.
pub fn number(flags: &HashMap<String, String>, name: &str, default: u64) -> Result<u64, String> {
    flags.get(name).map_or(Ok(default), |v| v.parse().map_err(|_| format!("--{name} takes a number, got {v:?}")))
}

/// Flag `name`, required.
pub fn required<'a>(flags: &'a HashMap<String, String>, name: &str) -> Result<&'a str, String> {
    flags.get(name).map(String::as_str).ok_or_else(|| format!("--{name} is required"))
}
