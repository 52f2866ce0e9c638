//! One webhook POST: resolve the URL's host, refuse it if any address it resolves to
//! is private (unless allowed), connect to an address that was checked (never
//! resolve twice: DNS rebinding cannot slip in between), speak TLS for `https`,
//! send one HTTP/1.1 request and read the answer's status and `Retry-After`. One
//! connection per attempt: webhooks are rare, and a pooled connection would skip
//! the check.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use pulse_alerts::retry::parse_retry_after;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::address::private_kind;

/// How long one attempt may take, connection to answer (Standard Webhooks asks
/// for 15 to 30 s).
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// The most of an answer's body read (and dropped) before the connection closes.
const MAX_ANSWER_BODY: usize = 64 * 1024;

/// One request to make.
pub struct Post<'a> {
    /// The webhook's URL.
    pub url: &'a str,
    /// `Content-Type`.
    pub content_type: &'a str,
    /// Further headers (the Standard Webhooks ones, a preset's).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The receiver answered.
    Answered {
        /// The status.
        code: u16,
        /// Its `Retry-After`, read.
        retry_after: Option<Duration>,
    },
    /// No answer within [`TIMEOUT`].
    Timeout,
    /// No connection or no answer (the text says why).
    Network(String),
    /// Not sent, and sending again would not help: a private address, a bad URL.
    Refused(String),
}

/// How to send.
#[derive(Clone)]
pub struct Client {
    /// Whether private addresses may be reached (`--webhook-allow-private`).
    pub allow_private: bool,
    /// TLS for `https` URLs (none: the system has no roots; such URLs fail).
    pub tls: Option<TlsConnector>,
}

impl Client {
    /// Makes one attempt.
    pub async fn post(&self, post: Post<'_>) -> Sent {
        match tokio::time::timeout(TIMEOUT, self.attempt(post)).await {
            Ok(sent) => sent,
            Err(_) => Sent::Timeout,
        }
    }

    async fn attempt(&self, post: Post<'_>) -> Sent {
        let uri: Uri = match post.url.parse() {
            Ok(uri) => uri,
            Err(error) => return Sent::Refused(format!("the URL cannot be read: {error}")),
        };
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Sent::Refused("the URL is neither http:// nor https://".into()),
        };
        let Some(host) = uri.host().map(|host| host.trim_start_matches('[').trim_end_matches(']').to_owned()) else {
            return Sent::Refused("the URL has no host".into());
        };
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let addresses = match self.resolve(&host, port).await {
            Ok(addresses) => addresses,
            Err(sent) => return sent,
        };
        let tcp = match connect(&addresses).await {
            Ok(tcp) => tcp,
            Err(error) => return Sent::Network(format!("cannot connect to {host}:{port}: {error}")),
        };
        let _ = tcp.set_nodelay(true);
        if !https {
            return exchange(tcp, &uri, &post).await;
        }
        let Some(tls) = &self.tls else {
            return Sent::Network("no TLS root certificates on this machine (install ca-certificates)".into());
        };
        let Ok(name) = ServerName::try_from(host.clone()) else {
            return Sent::Refused(format!("{host} is not a name TLS can check"));
        };
        match tls.connect(name, tcp).await {
            Ok(stream) => exchange(stream, &uri, &post).await,
            Err(error) => Sent::Network(format!("TLS with {host}: {error}")),
        }
    }

    /// Every address of `host`, each checked; refused if any is private.
    async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Sent> {
        let addresses: Vec<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
            Ok(found) => found.collect(),
            Err(error) => return Err(Sent::Network(format!("cannot resolve {host}: {error}"))),
        };
        if addresses.is_empty() {
            return Err(Sent::Network(format!("{host} resolves to no address")));
        }
        if !self.allow_private {
            if let Some((address, kind)) =
                addresses.iter().find_map(|address| private_kind(address.ip()).map(|kind| (address.ip(), kind)))
            {
                return Err(Sent::Refused(format!(
                    "{host} resolves to {address}, a {kind} address; start the hub with \
                     --webhook-allow-private to allow it"
                )));
            }
        }
        Ok(addresses)
    }
}

/// Connects to the first of `addresses` that answers.
async fn connect(addresses: &[SocketAddr]) -> std::io::Result<TcpStream> {
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(tcp) => return Ok(tcp),
            Err(error) => last = error,
        }
    }
    Err(last)
}

/// Sends the request on `stream` and reads the answer's head (and up to
/// [`MAX_ANSWER_BODY`] of its body).
async fn exchange<S>(stream: S, uri: &Uri, post: &Post<'_>) -> Sent
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
        Ok(pair) => pair,
        Err(error) => return Sent::Network(format!("HTTP: {error}")),
    };
    let driver = tokio::spawn(connection);
    let request = match request(uri, post) {
        Ok(request) => request,
        Err(why) => return Sent::Refused(why),
    };
    let sent = match sender.send_request(request).await {
        Ok(answer) => {
            let code = answer.status().as_u16();
            let retry_after = answer
                .headers()
                .get(hyper::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| parse_retry_after(value, SystemTime::now()));
            let _ = http_body_util::Limited::new(answer.into_body(), MAX_ANSWER_BODY).collect().await;
            Sent::Answered { code, retry_after }
        }
        Err(error) => Sent::Network(format!("no answer: {error}")),
    };
    driver.abort();
    sent
}

fn request(uri: &Uri, post: &Post<'_>) -> Result<Request<Full<Bytes>>, String> {
    let authority = uri.authority().map(|a| a.as_str().rsplit('@').next().unwrap_or_default().to_owned());
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(hyper::header::HOST, authority.unwrap_or_default())
        .header(hyper::header::CONTENT_TYPE, post.content_type)
        .header(hyper::header::USER_AGENT, concat!("pulse-server/", env!("CARGO_PKG_VERSION")));
    for (name, value) in &post.headers {
        let name = HeaderName::try_from(name.as_str()).map_err(|e| format!("header {name}: {e}"))?;
        let value = HeaderValue::try_from(value.as_str()).map_err(|e| format!("header {name}: {e}"))?;
        builder = builder.header(name, value);
    }
    builder.body(Full::new(Bytes::from(post.body.clone()))).map_err(|e| format!("the request cannot be made: {e}"))
}
