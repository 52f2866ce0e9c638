//! A played agent: what `pulse-server agent` does on its link
//! (`server/src/agent/link.rs`), with a stream the scenario writes. A scenario
//! appends samples to the agent's [`Stream`] (its buffer: every sample is kept); the
//! link opens `/api/v1/agent` with the token and host headers, reads the hub's
//! `resume`, sends `hello`, then every sample after the hub's cursor, and follows
//! the stream live. When the link breaks (the hub was killed) it opens again and
//! replays from the new hub's cursor, as a real agent does from its buffer.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use pulse_protocol::agent::{AGENT_PATH, HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_PROTOCOL, HEADER_TOKEN};
use pulse_protocol::{AgentReply, Epoch, PROTOCOL_VERSION};
use tokio::net::TcpStream;
use tokio::sync::{watch, Notify};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::clock::now_ms;
use crate::error::{Error, Result};
use crate::host;
use crate::hub::TOKEN;

/// How long opening a link (connect, upgrade, `resume`) may take.
const OPEN_WAIT: Duration = Duration::from_secs(10);
/// How long one message may take to send.
const SEND_WAIT: Duration = Duration::from_secs(10);
/// The pause before opening a broken link again.
const REOPEN_AFTER: Duration = Duration::from_millis(100);

/// One sample of an agent's host.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Its seq (from 1).
    pub seq: u64,
    /// When it was sampled, ms since the Unix epoch.
    pub ts: i64,
    /// Its `cpu.total`.
    pub cpu: f64,
}

/// An agent's whole stream, as its buffer holds it.
pub struct Stream {
    /// The host's id (and name).
    pub id: String,
    epoch: Epoch,
    samples: Mutex<Vec<Sample>>,
    grown: Notify,
}

impl Stream {
    /// An empty stream of host `id`.
    pub fn new(id: String, run: &str) -> Arc<Stream> {
        let epoch = Epoch(format!("{run}{}", id.replace(|c: char| !c.is_ascii_alphanumeric(), "")));
        Arc::new(Stream { id, epoch, samples: Mutex::new(Vec::new()), grown: Notify::new() })
    }

    /// Appends the next sample, at `ts` with `cpu`; returns it.
    pub fn push(&self, ts: i64, cpu: f64) -> Sample {
        let mut samples = self.samples();
        let sample = Sample { seq: samples.len() as u64 + 1, ts, cpu };
        samples.push(sample);
        drop(samples);
        self.grown.notify_one();
        sample
    }

    /// Every sample so far.
    pub fn all(&self) -> Vec<Sample> {
        self.samples().clone()
    }

    fn samples(&self) -> MutexGuard<'_, Vec<Sample>> {
        self.samples.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What a link did, for the report.
#[derive(Debug, Default, Clone, Copy)]
pub struct Links {
    /// Links opened.
    pub opened: u64,
    /// Samples sent again after a link opened (the hub's cursor was behind).
    pub replayed: u64,
}

/// Keeps `stream`'s link to the hub at `addr` until `stop` says so; opens it again
/// whenever it breaks.
pub async fn link(addr: watch::Receiver<SocketAddr>, stream: Arc<Stream>, mut stop: watch::Receiver<bool>) -> Links {
    let mut links = Links::default();
    while !*stop.borrow() {
        let hub = *addr.borrow();
        tokio::select! {
            _ = stop.wait_for(|stop| *stop) => break,
            ended = session(hub, &stream, &mut links) => {
                if let Err(error) = ended {
                    note(&stream.id, &error);
                }
            }
        }
        tokio::time::sleep(REOPEN_AFTER).await;
    }
    links
}

/// One link's life: open, resume, hello, replay, follow.
async fn session(hub: SocketAddr, stream: &Stream, links: &mut Links) -> Result<()> {
    let (mut socket, resume) = tokio::time::timeout(OPEN_WAIT, open(hub, &stream.id))
        .await
        .map_err(|_| Error::Timeout("opening the agent link".into()))??;
    links.opened += 1;
    let after = match resume {
        AgentReply::Resume { epoch: Some(epoch), seq } if epoch == stream.epoch => seq,
        AgentReply::Resume { .. } => 0,
        AgentReply::Ack { .. } => return Err(Error::Failed("the hub's first message is not a resume".into())),
    };
    send(&mut socket, host::hello(&stream.id, &stream.epoch, now_ms())?).await?;
    let mut next = after as usize;
    let live_from = stream.samples().len();
    loop {
        let pending: Vec<Sample> = stream.samples().get(next..).map(<[Sample]>::to_vec).unwrap_or_default();
        for sample in pending {
            if (sample.seq as usize) <= live_from {
                links.replayed += 1;
            }
            send(&mut socket, host::frame(&stream.id, sample.seq, sample.ts, sample.cpu)?).await?;
            next = sample.seq as usize;
        }
        tokio::select! {
            () = stream.grown.notified() => {}
            received = socket.next() => match received {
                Some(Ok(Message::Close(_))) | None => return Err(Error::Failed("the hub closed the link".into())),
                Some(Err(error)) => return Err(error.into()),
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Opens the link: the upgrade with the token and host headers, then the hub's
/// `resume`.
async fn open(hub: SocketAddr, id: &str) -> Result<(WebSocketStream<TcpStream>, AgentReply)> {
    let tcp = TcpStream::connect(hub).await?;
    tcp.set_nodelay(true)?;
    let mut request = format!("ws://{hub}{AGENT_PATH}").into_client_request()?;
    let headers = [
        (HEADER_TOKEN, format!("Bearer {TOKEN}")),
        (HEADER_PROTOCOL, PROTOCOL_VERSION.to_string()),
        (HEADER_HOST_ID, id.to_owned()),
        (HEADER_HOST_NAME, id.to_owned()),
    ];
    for (name, value) in headers {
        let value = HeaderValue::from_str(&value).map_err(|error| Error::Failed(error.to_string()))?;
        request.headers_mut().insert(name, value);
    }
    let config = WebSocketConfig::default().read_buffer_size(4096);
    let (mut socket, _) = tokio_tungstenite::client_async_with_config(request, tcp, Some(config)).await?;
    match socket.next().await {
        Some(Ok(Message::Text(text))) => Ok((socket, serde_json::from_str(&text)?)),
        other => Err(Error::Failed(format!("no resume from the hub: {other:?}"))),
    }
}

async fn send(socket: &mut WebSocketStream<TcpStream>, text: String) -> Result<()> {
    tokio::time::timeout(SEND_WAIT, socket.send(Message::Text(text.into())))
        .await
        .map_err(|_| Error::Timeout("sending to the hub".into()))??;
    Ok(())
}

/// A broken link is expected when the hub is killed; only other errors are said
/// (with `PULSE_BENCH_VERBOSE=1`).
fn note(id: &str, error: &Error) {
    if std::env::var_os("PULSE_BENCH_VERBOSE").is_some() {
        eprintln!("agent {id}: link ended: {error}");
    }
}
