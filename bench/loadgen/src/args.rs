//! Command-line arguments, parsed by hand (no argument-parsing dependency).

use std::time::Duration;

use crate::error::{Error, Result};

/// Which protocol every client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `GET /api/v1/ws`, one JSON message per WebSocket text message.
    Ws,
    /// `GET /api/v1/sse`, `data: <json>` events.
    Sse,
    /// `GET /api/v1/poll?since=…&epoch=…&wait=…` in a loop on one keep-alive connection.
    LongPoll,
    /// Engine.IO v4 over WebSocket, `42["frame",{…}]` events.
    SocketIo,
}

impl Transport {
    /// The name used on the command line and in the output.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Ws => "ws",
            Transport::Sse => "sse",
            Transport::LongPoll => "longpoll",
            Transport::SocketIo => "socketio",
        }
    }
}

/// Everything one run needs to know.
#[derive(Debug, Clone)]
pub struct Args {
    /// `host:port` of the server (taken from `http://host:port/`).
    pub addr: String,
    /// The protocol of every client.
    pub transport: Transport,
    /// How many clients to open.
    pub clients: usize,
    /// The measuring window.
    pub duration: Duration,
    /// Time between the last connect and the start of the window.
    pub settle: Duration,
    /// How long to measure the server's CPU with no client, before the ramp.
    pub baseline: Duration,
    /// Connection attempts started per second.
    pub rate: u32,
    /// Connection attempts in flight at once.
    pub concurrency: usize,
    /// The server process to read CPU and RSS from, if known.
    pub server_pid: Option<u32>,
    /// The server's sampling interval, to tell how many frames were expected.
    pub interval: Duration,
    /// `wait` of each long-poll request, in seconds.
    pub poll_wait_s: u32,
    /// Everything stops after this long, whatever state it is in.
    pub timeout: Duration,
    /// A free-form label copied into the output (e.g. `pulse`, `socketio`).
    pub label: String,
    /// An API token or session secret every client presents (a hub with users
    /// serves no one without one): as the subprotocol `pulse.bearer.SECRET` beside
    /// `pulse` on a WebSocket, as a browser does, and as `Authorization: Bearer`
    /// on SSE and long-poll.
    pub bearer: Option<String>,
}

const USAGE: &str = "usage: pulse-loadgen --url http://HOST:PORT/ --transport ws|sse|longpoll|socketio \
--clients N [--duration S] [--settle S] [--baseline S] [--rate R] [--concurrency C] [--server-pid PID] \
[--interval-ms MS] [--poll-wait S] [--timeout S] [--label TEXT] [--bearer SECRET]";

impl Args {
    /// Parses `std::env::args()`-style arguments (without the program name).
    pub fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args> {
        let mut url = None;
        let mut transport = None;
        let mut clients = None;
        let mut duration = 30.0;
        let mut settle = 2.5;
        let mut baseline = 3.0;
        let mut rate = 1000;
        let mut concurrency = 256;
        let mut server_pid = None;
        let mut interval_ms = 1000;
        let mut poll_wait_s = 25;
        let mut timeout = None;
        let mut label = String::new();
        let mut bearer = None;
        while let Some(flag) = argv.next() {
            if flag == "--help" || flag == "-h" {
                return Err(Error::Args(USAGE.into()));
            }
            let value = argv.next().ok_or_else(|| Error::Args(format!("{flag} needs a value")))?;
            match flag.as_str() {
                "--url" => url = Some(value),
                "--transport" => transport = Some(parse_transport(&value)?),
                "--clients" => clients = Some(number(&flag, &value)?),
                "--duration" => duration = number(&flag, &value)?,
                "--settle" => settle = number(&flag, &value)?,
                "--baseline" => baseline = number(&flag, &value)?,
                "--rate" => rate = number(&flag, &value)?,
                "--concurrency" => concurrency = number(&flag, &value)?,
                "--server-pid" => server_pid = Some(number(&flag, &value)?),
                "--interval-ms" => interval_ms = number(&flag, &value)?,
                "--poll-wait" => poll_wait_s = number(&flag, &value)?,
                "--timeout" => timeout = Some(number::<f64>(&flag, &value)?),
                "--label" => label = value,
                "--bearer" => bearer = Some(value),
                _ => return Err(Error::Args(format!("unknown flag {flag}; {USAGE}"))),
            }
        }
        let url = url.ok_or_else(|| Error::Args(format!("--url is required; {USAGE}")))?;
        let transport = transport.ok_or_else(|| Error::Args(format!("--transport is required; {USAGE}")))?;
        let clients: usize = clients.ok_or_else(|| Error::Args(format!("--clients is required; {USAGE}")))?;
        if rate == 0 || concurrency == 0 {
            return Err(Error::Args("--rate and --concurrency must be positive".into()));
        }
        let ramp_s = clients as f64 / f64::from(rate);
        let timeout = timeout.unwrap_or(ramp_s * 3.0 + baseline + settle + duration + 60.0);
        Ok(Args {
            addr: host_port(&url)?,
            transport,
            clients,
            duration: Duration::from_secs_f64(duration),
            settle: Duration::from_secs_f64(settle),
            baseline: Duration::from_secs_f64(baseline),
            rate,
            concurrency,
            server_pid,
            interval: Duration::from_millis(interval_ms),
            poll_wait_s,
            timeout: Duration::from_secs_f64(timeout),
            label,
            bearer,
        })
    }
}

fn parse_transport(value: &str) -> Result<Transport> {
    match value {
        "ws" => Ok(Transport::Ws),
        "sse" => Ok(Transport::Sse),
        "longpoll" => Ok(Transport::LongPoll),
        "socketio" => Ok(Transport::SocketIo),
        _ => Err(Error::Args(format!("--transport must be ws, sse, longpoll or socketio, not {value:?}"))),
    }
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T> {
    value.parse().map_err(|_| Error::Args(format!("{flag} wants a number, not {value:?}")))
}

/// `http://127.0.0.1:8080/` → `127.0.0.1:8080`.
fn host_port(url: &str) -> Result<String> {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || !host.contains(':') {
        return Err(Error::Args(format!("--url must look like http://HOST:PORT/, not {url:?}")));
    }
    Ok(host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Args> {
        Args::parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn reads_a_full_line() {
        let args = parse("--url http://127.0.0.1:4000/ --transport sse --clients 50 --duration 5").unwrap();
        assert_eq!(args.addr, "127.0.0.1:4000");
        assert_eq!(args.transport, Transport::Sse);
        assert_eq!(args.clients, 50);
        assert_eq!(args.duration, Duration::from_secs(5));
        assert_eq!(args.bearer, None);
        let args = parse("--url http://127.0.0.1:4000/ --transport ws --clients 5 --bearer pt_abc").unwrap();
        assert_eq!(args.bearer.as_deref(), Some("pt_abc"));
    }

    #[test]
    fn names_what_is_wrong() {
        let cases = [
            ("--transport ws --clients 1", "--url is required"),
            ("--url http://a:1/ --transport tcp --clients 1", "--transport must be"),
            ("--url http://a:1/ --transport ws --clients x", "--clients wants a number"),
            ("--url nohost --transport ws --clients 1", "--url must look like"),
            ("--bogus 1", "unknown flag --bogus"),
        ];
        for (line, want) in cases {
            let err = parse(line).unwrap_err().to_string();
            assert!(err.contains(want), "{line:?} gave {err:?}");
        }
    }
}
