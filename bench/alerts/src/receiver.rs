//! The webhook receiver: a real HTTP/1.1 server on 127.0.0.1 that records every
//! POST (its `webhook-id`, the envelope's type, rule, host and event time, and when
//! it arrived) and answers 204, after up to a set time (as a real receiver takes a
//! while to answer). It can answer 503 for a while, or go away altogether (its port
//! refuses connections) and come back on the same port.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::clock::now_ms;
use crate::error::{Error, Result};

/// One notification as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// `alert.firing`, `alert.resolved`, `alert.reminder`.
    pub kind: String,
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// When the event happened (`data.at`), ms since the Unix epoch.
    pub at_ms: i64,
    /// When it arrived here.
    pub received_ms: i64,
}

/// The parts of the envelope the bench reads.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    rule: String,
    host: String,
    at: String,
}

/// What the server tasks share.
#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    failing: AtomicBool,
    refused: AtomicU64,
    arrived: Notify,
    malformed: AtomicU64,
    /// The longest an answer takes (a random time up to it), in ms.
    answer_ms: AtomicU64,
}

/// The receiver.
pub struct Receiver {
    /// Where it listens (the same port across outages).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    accepting: Option<JoinHandle<()>>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> Result<Receiver> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let accepting = Some(tokio::spawn(accept(listener, Arc::clone(&shared))));
        Ok(Receiver { addr, shared, accepting })
    }

    /// The URL a rules file names.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// Takes a random time up to `ms` to answer each POST (after recording it).
    pub fn answer_within(&self, ms: u64) {
        self.shared.answer_ms.store(ms, Ordering::Relaxed);
    }

    /// Answers 503 (true) or 204 (false) from now on.
    pub fn fail(&self, failing: bool) {
        self.shared.failing.store(failing, Ordering::SeqCst);
    }

    /// Stops listening: connections are refused until [`Receiver::up`].
    pub fn down(&mut self) {
        if let Some(accepting) = self.accepting.take() {
            accepting.abort();
        }
    }

    /// Listens again on the same port.
    pub async fn up(&mut self) -> Result<()> {
        if self.accepting.is_some() {
            return Ok(());
        }
        // The aborted task drops its listener when it is next polled: try a few times.
        for _ in 0..100 {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => {
                    self.accepting = Some(tokio::spawn(accept(listener, Arc::clone(&self.shared))));
                    return Ok(());
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
        Err(Error::Failed(format!("cannot listen on {} again", self.addr)))
    }

    /// Everything received so far, in order of arrival.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// How many POSTs were answered 503.
    pub fn refused(&self) -> u64 {
        self.shared.refused.load(Ordering::Relaxed)
    }

    /// POSTs whose body was not an envelope the bench reads.
    pub fn malformed(&self) -> u64 {
        self.shared.malformed.load(Ordering::Relaxed)
    }

    /// Resolves when the next notification arrives.
    pub async fn arrival(&self) {
        self.shared.arrived.notified().await;
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| answer(request, Arc::clone(&shared)));
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let id = request.headers().get("webhook-id").and_then(|value| value.to_str().ok()).unwrap_or("").to_owned();
    let body = request.into_body().collect().await.map(|body| body.to_bytes()).unwrap_or_default();
    let received_ms = now_ms();
    let status = if shared.failing.load(Ordering::SeqCst) {
        shared.refused.fetch_add(1, Ordering::Relaxed);
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        match record(&id, &body, received_ms) {
            Some(received) => {
                shared.received.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(received);
                shared.arrived.notify_waiters();
            }
            None => {
                shared.malformed.fetch_add(1, Ordering::Relaxed);
            }
        }
        StatusCode::NO_CONTENT
    };
    let slowest = shared.answer_ms.load(Ordering::Relaxed);
    if slowest > 0 {
        let wait = rand::Rng::random_range(&mut rand::rng(), 0..=slowest);
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    }
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    Ok(response)
}

fn record(id: &str, body: &[u8], received_ms: i64) -> Option<Received> {
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    let at = humantime::parse_rfc3339(&envelope.data.at).ok()?;
    let at_ms = at.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64;
    Some(Received {
        id: id.to_owned(),
        kind: envelope.kind,
        rule: envelope.data.rule,
        host: envelope.data.host,
        at_ms,
        received_ms,
    })
}
