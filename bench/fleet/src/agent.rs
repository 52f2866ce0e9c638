//! One agent's link, as `pulse-server agent` opens it (`server/src/agent/link.rs`):
//! the upgrade with its token and host headers, the hub's `resume`, its `hello`,
//! then a frame a second and a ping every 5 s, until the run ends.

use std::net::Ipv4Addr;
use std::rc::Rc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use pulse_protocol::agent::{HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_PROTOCOL, HEADER_TOKEN};
use pulse_protocol::{AgentReply, Epoch, PROTOCOL_VERSION};
use tokio::net::TcpSocket;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use tokio_tungstenite::WebSocketStream;

use crate::error::{Error, Result};
use crate::run::{now_ms, Plan};

/// How long connecting and the handshake may take.
const CONNECT_WAIT: Duration = Duration::from_secs(10);
/// How long the hub may take to say where to resume (the agent's `RESUME_WAIT`).
const RESUME_WAIT: Duration = Duration::from_secs(10);
/// The agent's `PING_EVERY`.
const PING_EVERY: Duration = Duration::from_secs(5);
/// The agent's `SEND_TIMEOUT`.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Ethernet's segment size. Loopback's is 64 KiB, and a receiver there rounds its
/// advertised window down to whole segments: at 1 Hz a reading client's window
/// would look as if it kept shrinking, which the hub's watchdog takes for a
/// client that stopped reading (it lets one go after about 25 s).
const MSS: libc::c_int = 1460;

/// A WebSocket over TCP, with a small read buffer (ten thousand of them share a core).
pub type Socket = WebSocketStream<tokio::net::TcpStream>;

/// Host `index`'s id and name (the same).
pub fn host_id(index: usize) -> String {
    format!("fleet-{index:05}")
}

/// Which hub a link opens: the agents' or the watchers' (the same one unless
/// `--watch-url`).
#[derive(Clone, Copy)]
pub enum Hub {
    Agents,
    Watchers,
}

/// Opens a WebSocket to `path` on hub `to` from `source`, with `headers`, and a
/// kernel receive buffer of `receive_buffer` bytes if given.
pub async fn open(
    plan: &Plan,
    to: Hub,
    source: Ipv4Addr,
    path: &str,
    headers: &[(&'static str, String)],
    receive_buffer: Option<u32>,
) -> Result<Socket> {
    let opening = async {
        let socket = TcpSocket::new_v4()?;
        set_mss(&socket)?;
        if let Some(bytes) = receive_buffer {
            socket.set_recv_buffer_size(bytes)?;
        }
        socket.bind((source, 0).into())?;
        let (address, host_port) = match to {
            Hub::Agents => (plan.hub, &plan.args.host_port),
            Hub::Watchers => (plan.watch_hub, &plan.args.watch_host_port),
        };
        let stream = socket.connect(address).await?;
        stream.set_nodelay(true)?;
        let mut request = format!("ws://{host_port}{path}").into_client_request()?;
        for (name, value) in headers {
            let value = HeaderValue::from_str(value).map_err(|e| Error::Protocol(e.to_string()))?;
            request.headers_mut().insert(*name, value);
        }
        let config = WebSocketConfig::default().read_buffer_size(4096);
        let (socket, _) = tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await?;
        Ok(socket)
    };
    tokio::time::timeout(CONNECT_WAIT, opening).await.map_err(|_| Error::Timeout("connecting"))?
}

/// Plays agent `index` until the plan's end; `live` is told once it has sent hello.
pub async fn run(plan: Rc<Plan>, index: usize) -> Result<()> {
    let id = host_id(index);
    let headers = [
        (HEADER_TOKEN, format!("Bearer {}", plan.args.token)),
        (HEADER_PROTOCOL, PROTOCOL_VERSION.to_string()),
        (HEADER_HOST_ID, id.clone()),
        (HEADER_HOST_NAME, id.clone()),
    ];
    let source = plan.args.sources[index % plan.args.sources.len()];
    let mut socket = open(&plan, Hub::Agents, source, pulse_protocol::agent::AGENT_PATH, &headers, None).await?;
    let first = tokio::time::timeout(RESUME_WAIT, socket.next()).await.map_err(|_| Error::Timeout("resume"))?;
    let resume = match first {
        Some(Ok(Message::Text(text))) => serde_json::from_str::<AgentReply>(&text)?,
        other => return Err(Error::Protocol(format!("the hub's first message is not a resume: {other:?}"))),
    };
    if !matches!(resume, AgentReply::Resume { epoch: None, .. }) {
        return Err(Error::Protocol(format!("a fresh hub should hold nothing of {id}: {resume:?}")));
    }
    let epoch = Epoch(format!("b{index:011}"));
    send(&mut socket, Message::Text(plan.sample.hello(&id, &epoch, now_ms())?.into())).await?;
    plan.counters.live.set(plan.counters.live.get() + 1);

    let name_json = serde_json::to_string(&id)?;
    // Agents' seconds start at evenly spread phases, as independent hosts' would.
    let phase = Duration::from_micros((index as u64 * 1_000_000) / plan.args.agents.max(1) as u64);
    let mut ticks = tokio::time::interval_at(plan.frames_from + phase, Duration::from_secs(1));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut pings = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    let mut seq = 0;
    loop {
        let message = tokio::select! {
            () = tokio::time::sleep_until(plan.stop_at) => return Ok(()),
            _ = ticks.tick() => {
                seq += 1;
                plan.counters.sent.set(plan.counters.sent.get() + 1);
                Message::Text(plan.sample.frame(seq, now_ms(), &name_json).into())
            }
            _ = pings.tick() => Message::Ping(Bytes::new()),
            received = socket.next() => match received {
                Some(Ok(Message::Close(frame))) => return Err(Error::Protocol(format!("the hub closed the link: {frame:?}"))),
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.into()),
                None => return Err(Error::Protocol("the hub closed the connection".into())),
            },
        };
        send(&mut socket, message).await?;
    }
}

fn set_mss(socket: &TcpSocket) -> Result<()> {
    use std::os::fd::AsRawFd;
    let mss: libc::c_int = MSS;
    // SAFETY: a valid socket, and a pointer to an int with its size.
    let done = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_MAXSEG,
            (&mss as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if done != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}

async fn send(socket: &mut Socket, message: Message) -> Result<()> {
    tokio::time::timeout(SEND_TIMEOUT, socket.send(message)).await.map_err(|_| Error::Timeout("sending"))??;
    Ok(())
}
