//! The server's front door: accepts connections and serves HTTP/1.1 on each, plain
//! or TLS, under limits that keep one client from starving the rest.
//!
//! - Every connection takes a place under `--max-connections` (all kinds, fitted to
//!   the open-file limit) and `--max-per-address` ([`clients`]); one that finds no
//!   place is answered 503 or 429 at once and closed.
//! - A connection must send each request's headers within `--header-timeout` of
//!   opening or of its previous answer, and they may be at most [`MAX_HEAD`] bytes;
//!   idle keep-alive connections close after the same time (hyper's header timer
//!   runs from the end of the previous answer).
//! - Errors hyper answers below the router get JSON bodies ([`answers`]).
//! - Streams whose client stopped reading are cut ([`watchdog`]); writes that make
//!   no progress fail after [`conn::WRITE_STALL`].
//! - Behind a `--trusted-proxy`, a request's connection counts against the browser
//!   its headers name ([`forwarded`]).

pub mod answers;
pub mod clients;
pub mod conn;
pub mod forwarded;
pub mod tls;
pub mod watchdog;

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use pulse_protocol::ApiError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use answers::{closing_answer, JsonErrors};
use clients::{Clients, Refusal, Ticket};
use conn::{Link, Peer, Socket, StallLimit};
use forwarded::TrustedProxies;
use watchdog::Watchdog;

/// The most bytes of request line and headers the server reads for one request.
pub const MAX_HEAD: usize = 16 * 1024;

/// The most refused connections kept open at once to be told why
/// (their files come out of [`crate::limits::RESERVED_FILES`]).
pub const MAX_LINGERING: usize = 32;

/// How long a refused connection is kept to be told why.
const LINGER: Duration = Duration::from_secs(1);

/// What the front door needs besides the router.
pub struct Settings {
    /// Deadline for each request's headers, and the idle keep-alive time.
    pub header_timeout: Duration,
    /// How long one write may wait for a client to take data.
    pub write_stall: Duration,
    /// The places under the caps.
    pub clients: Arc<Clients>,
    /// Proxies whose forwarding headers are believed.
    pub proxies: TrustedProxies,
    /// TLS, when serving HTTPS.
    pub tls: Option<TlsAcceptor>,
    /// Lets go of streams whose clients stopped reading.
    pub watchdog: Arc<Watchdog>,
}

/// Accepts and serves connections until `stop` turns true; then every connection
/// is asked to finish gracefully (streams say `bye` through the hub themselves).
/// Returns once it no longer accepts; connections still open end on their own,
/// and [`Clients::total`] counts them.
pub async fn serve(listener: TcpListener, router: Router, settings: Arc<Settings>, mut stop: watch::Receiver<bool>) {
    let mut refused_files = 0u64;
    loop {
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|stopping| *stopping) => return,
            accepted = listener.accept() => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors despite the cap (files opened elsewhere):
                // wait a little rather than spin; the cap will make room.
                if matches!(error.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)) {
                    refused_files += 1;
                    if refused_files.is_power_of_two() {
                        tracing::warn!(%error, times = refused_files, "cannot accept a connection");
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                continue;
            }
        };
        let proxied = settings.proxies.contains(remote.ip());
        let ticket = match settings.clients.admit((!proxied).then_some(remote.ip())) {
            Ok(ticket) => ticket,
            Err(refusal) => {
                refuse(stream, refusal, settings.tls.is_some());
                continue;
            }
        };
        tokio::spawn(connection(stream, remote, ticket, router.clone(), Arc::clone(&settings), stop.clone()));
    }
}

/// Refused connections being answered at once, at most [`MAX_LINGERING`].
static LINGERING: AtomicUsize = AtomicUsize::new(0);

/// Tells a client there is no place for it (plain HTTP only: a TLS client cannot
/// read plain text). The answer is written, then what the client sent is read and
/// dropped for a moment, so closing does not reset the connection before the
/// client has read why (a close with unread data sends a reset). At most
/// [`MAX_LINGERING`] do so at once, each for at most [`LINGER`]; the rest are just
/// closed.
fn refuse(stream: TcpStream, refusal: Refusal, tls: bool) {
    tracing::debug!(%refusal, "refused a connection");
    if tls || LINGERING.fetch_add(1, Ordering::AcqRel) >= MAX_LINGERING {
        LINGERING.fetch_sub(1, Ordering::AcqRel);
        return;
    }
    let answer = refusal_answer(&refusal);
    tokio::spawn(async move {
        let mut stream = stream;
        let _ = tokio::time::timeout(LINGER, async {
            stream.write_all(&answer).await?;
            stream.shutdown().await?;
            let mut sink = [0u8; 4096];
            for _ in 0..16 {
                if stream.read(&mut sink).await? == 0 {
                    break;
                }
            }
            Ok::<(), io::Error>(())
        })
        .await;
        LINGERING.fetch_sub(1, Ordering::AcqRel);
    });
}

/// The JSON answer for a refusal at accept time.
fn refusal_answer(refusal: &Refusal) -> Vec<u8> {
    match refusal {
        Refusal::Full(_) => closing_answer(503, "Service Unavailable", "unavailable", &refusal.to_string(), Some(5)),
        Refusal::PerAddress { .. } => {
            closing_answer(429, "Too Many Requests", "too_many_connections", &refusal.to_string(), Some(5))
        }
    }
}

/// Serves one connection until it ends, is cut, or has finished after `stop`.
async fn connection(
    stream: TcpStream,
    remote: SocketAddr,
    ticket: Ticket,
    router: Router,
    settings: Arc<Settings>,
    mut stop: watch::Receiver<bool>,
) {
    // Frames are small and latency matters more than packet count.
    let _ = stream.set_nodelay(true);
    let fd = stream.as_raw_fd();
    let link = Link::new(fd, ticket);
    let socket = match &settings.tls {
        None => Socket::Plain(stream),
        Some(acceptor) => match tokio::time::timeout(settings.header_timeout, acceptor.accept(stream)).await {
            Ok(Ok(tls)) => Socket::Tls(Box::new(tls)),
            Ok(Err(error)) => {
                tracing::debug!(%error, %remote, "TLS handshake failed");
                return;
            }
            Err(_) => return,
        },
    };
    let peer = Peer {
        fd,
        remote,
        tls: settings.tls.is_some(),
        link: Arc::clone(&link),
        watchdog: Arc::clone(&settings.watchdog),
    };
    let io = StallLimit::new(JsonErrors::new(socket, MAX_HEAD), settings.write_stall);
    let proxies = settings.proxies.clone();
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        handle(request, peer.clone(), router.clone(), proxies.clone())
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(settings.header_timeout).max_buf_size(MAX_HEAD);
    let served = http.serve_connection(TokioIo::new(io), service).with_upgrades();
    tokio::pin!(served);
    let mut finishing = false;
    loop {
        tokio::select! {
            _ = served.as_mut() => return,
            () = link.cut_off() => return,
            _ = stop.wait_for(|stopping| *stopping), if !finishing => {
                finishing = true;
                served.as_mut().graceful_shutdown();
            }
        }
    }
}

/// One request: a trusted proxy's is counted against the browser it names, then
/// the router gets it with its [`Peer`].
async fn handle(
    mut request: Request<Incoming>,
    peer: Peer,
    router: Router,
    proxies: TrustedProxies,
) -> Result<Response, Infallible> {
    if proxies.contains(peer.remote.ip()) {
        if let Some(client) = proxies.client(request.headers()) {
            if let Err(refusal) = peer.link.speaks_for(client) {
                return Ok(too_many(&refusal));
            }
        }
    }
    request.extensions_mut().insert(ConnectInfo(peer));
    router.oneshot(request.map(Body::new)).await
}

/// A 429 for a proxied browser over its cap; the proxy's connection closes after it.
fn too_many(refusal: &Refusal) -> Response {
    let body = ApiError { error: "too_many_connections".into(), detail: refusal.to_string() };
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// Waits, at most `grace`, until every connection has ended.
pub async fn drained(clients: &Clients, grace: Duration) -> io::Result<()> {
    let _ = tokio::time::timeout(grace, async {
        while clients.total() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    Ok(())
}
