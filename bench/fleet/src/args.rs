//! The command line: `--flag value` pairs, each with a default but the hub's URL.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::time::Duration;

use crate::error::{Error, Result};

/// How to run.
pub const USAGE: &str = "pulse-fleet --url http://127.0.0.1:PORT/ --sample SAMPLE.json [--token T] [--agents N] \
[--watchers W] [--watch-url http://127.0.0.1:PORT/] [--sources S] [--rate R] [--warmup SECONDS] [--duration SECONDS] [--hub-pid PID] [--label L]";

/// What to play and for how long.
#[derive(Debug, Clone)]
pub struct Args {
    /// The hub, `http://127.0.0.1:PORT/` (loopback only).
    pub host_port: String,
    /// A real server's `/api/v1/poll?epoch=E&since=0` answer: its hello and frames.
    pub sample: PathBuf,
    /// One of the hub's `--agent-token`s.
    pub token: String,
    /// Agents to play (default 10,000).
    pub agents: usize,
    /// Hosts a browser-like client watches over `/api/v1/ws?host=ID` (default 200).
    pub watchers: usize,
    /// The hub the watchers open, `127.x.y.z:PORT` (default: the agents' hub; with
    /// `--redis`, another hub watches hosts whose agents are not on it).
    pub watch_host_port: String,
    /// Loopback source addresses the agents are spread over, 127.0.1.1 on (default 4).
    pub sources: Vec<Ipv4Addr>,
    /// New links a second while connecting (default 500).
    pub rate: u32,
    /// Seconds of sending after every link is up, before measuring (default 30).
    pub warmup: Duration,
    /// Seconds measured (default 60).
    pub duration: Duration,
    /// The hub's process id, for its CPU time and RSS (0: not read).
    pub hub_pid: u32,
    /// A name for this run in the report.
    pub label: String,
}

impl Args {
    /// Reads `--flag value` pairs.
    pub fn parse(argv: impl Iterator<Item = String>) -> Result<Args> {
        let argv: Vec<String> = argv.collect();
        if argv.iter().any(|a| a == "--help" || a == "-h") || !argv.len().is_multiple_of(2) {
            return Err(Error::Args(USAGE.into()));
        }
        let mut flags: BTreeMap<&str, &str> = BTreeMap::new();
        for pair in argv.chunks(2) {
            flags.insert(pair[0].trim_start_matches("--"), pair[1].as_str());
        }
        let url = take(&mut flags, "url").ok_or_else(|| Error::Args(format!("--url is required; {USAGE}")))?;
        let host_port = loopback(url)?;
        let sample = take(&mut flags, "sample").ok_or_else(|| Error::Args(format!("--sample is required; {USAGE}")))?;
        let watch_host_port = take(&mut flags, "watch-url").map_or_else(|| Ok(host_port.clone()), loopback)?;
        let sources: usize = number(&mut flags, "sources", 4)?;
        let args = Args {
            host_port,
            sample: PathBuf::from(sample),
            token: take(&mut flags, "token").unwrap_or("bench-token").to_owned(),
            agents: number(&mut flags, "agents", 10_000)?,
            watchers: number(&mut flags, "watchers", 200)?,
            watch_host_port,
            sources: (1..=sources.clamp(1, 250)).map(|i| Ipv4Addr::new(127, 0, 1, i as u8)).collect(),
            rate: number(&mut flags, "rate", 500)?.max(1),
            warmup: Duration::from_secs(number(&mut flags, "warmup", 30)?),
            duration: Duration::from_secs(number(&mut flags, "duration", 60)?.max(1)),
            hub_pid: number(&mut flags, "hub-pid", 0)?,
            label: take(&mut flags, "label").unwrap_or_default().to_owned(),
        };
        if let Some(unknown) = flags.keys().next() {
            return Err(Error::Args(format!("unknown flag --{unknown}; {USAGE}")));
        }
        Ok(args)
    }

    /// The longest the whole run may take: connecting at `rate`, warm-up,
    /// measuring, and a minute to spare.
    pub fn deadline(&self) -> Duration {
        let connecting = Duration::from_secs((self.agents as u64 + self.watchers as u64) / u64::from(self.rate) + 30);
        connecting + self.warmup + self.duration + Duration::from_secs(60)
    }
}

fn take<'a>(flags: &mut BTreeMap<&str, &'a str>, name: &str) -> Option<&'a str> {
    flags.remove(name)
}

fn number<T: std::str::FromStr>(flags: &mut BTreeMap<&str, &str>, name: &str, default: T) -> Result<T> {
    match take(flags, name) {
        None => Ok(default),
        Some(value) => value.parse().map_err(|_| Error::Args(format!("--{name} wants a number, not {value:?}"))),
    }
}

/// `http://127.x.y.z:PORT/` → `127.x.y.z:PORT`; anything off loopback is refused.
fn loopback(url: &str) -> Result<String> {
    let rest = url.strip_prefix("http://").ok_or_else(|| Error::Args(format!("--url must be http://, not {url:?}")))?;
    let host_port = rest.split('/').next().unwrap_or_default();
    let host = host_port.rsplit_once(':').map_or(host_port, |(host, _)| host);
    match host.parse::<Ipv4Addr>() {
        Ok(ip) if ip.is_loopback() => Ok(host_port.to_owned()),
        _ => Err(Error::Args(format!("--url must name a 127.x.y.z address, not {host:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_defaults() {
        let parse = |line: &str| Args::parse(line.split_whitespace().map(str::to_owned));
        let args = parse("--url http://127.0.0.1:4000/ --sample s.json --agents 20 --sources 2").unwrap();
        assert_eq!(args.host_port, "127.0.0.1:4000");
        assert_eq!((args.agents, args.watchers, args.rate), (20, 200, 500));
        assert_eq!(args.watch_host_port, "127.0.0.1:4000", "watchers on the agents' hub by default");
        let apart = parse("--url http://127.0.0.1:4000/ --watch-url http://127.0.0.1:4001/ --sample s.json").unwrap();
        assert_eq!((apart.host_port.as_str(), apart.watch_host_port.as_str()), ("127.0.0.1:4000", "127.0.0.1:4001"));
        assert!(parse("--url http://127.0.0.1:4000/ --watch-url http://10.0.0.1:4001/ --sample s.json").is_err());
        assert_eq!(args.sources, [Ipv4Addr::new(127, 0, 1, 1), Ipv4Addr::new(127, 0, 1, 2)]);
        assert!(parse("--url http://10.0.0.1:4000/ --sample s.json").is_err(), "loopback only");
        assert!(parse("--url http://127.0.0.1:4000/ --sample s.json --agent 3").is_err(), "unknown flag");
        assert!(parse("--url http://127.0.0.1:4000/").is_err(), "no sample");
    }
}
