//! Opens the agent's WebSocket to one hub: TCP, TLS for `https`, then the upgrade
//! to `{base}/api/v1/agent` with the token and the host's headers. A refusal comes
//! back as a [`DialError::Refused`] that says what it means.

use std::time::Duration;

use pulse_protocol::agent::{
    HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_HOST_TAGS, HEADER_MIN_PROTOCOL, HEADER_PROTOCOL, HEADER_TOKEN,
};
use pulse_protocol::PROTOCOL_VERSION;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{header, HeaderName, HeaderValue, Request};
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::WebSocketStream;

use super::backoff::{parse_retry_after, VERSION_MISMATCH_WAIT};
use super::config::Token;
use super::hub_url::HubUrl;
use super::identity::Identity;
use super::refusal::{HubVersions, Refusal};

/// The longest a connection, its TLS handshake and its upgrade may take together.
pub const DIAL_TIMEOUT: Duration = Duration::from_secs(10);

/// A byte stream to the hub, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The agent's open WebSocket to a hub.
pub type Socket = WebSocketStream<Box<dyn Io>>;

/// Why a hub could not be reached or would not take the agent.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    /// No TCP connection.
    #[error("cannot connect: {0}")]
    Connect(std::io::Error),
    /// The TLS handshake failed (certificate not trusted, wrong name…).
    #[error("TLS handshake failed: {0} (a private CA needs --ca FILE)")]
    Tls(std::io::Error),
    /// The address answered, but not in TLS: a plain-HTTP hub named `https://`.
    #[error("the hub does not speak TLS at this address ({0}): if it serves plain HTTP, give --hub as http://…")]
    NotTls(std::io::Error),
    /// Nothing came back in time.
    #[error("no answer within {} s", DIAL_TIMEOUT.as_secs())]
    Timeout,
    /// The hub answered the upgrade with an error.
    #[error("{}", .refusal.describe(.host_id))]
    Refused {
        /// The status and the hub's explanation.
        refusal: Refusal,
        /// The host id the agent gave.
        host_id: String,
        /// The hub's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
    /// The upgrade failed for another reason (not a WebSocket server, bad header…).
    #[error("the WebSocket upgrade failed: {0}")]
    Upgrade(String),
}

impl DialError {
    /// Whether no retry can succeed: the hub refused the agent's own headers (its
    /// name, tags, version), which stay the same until its flags change.
    pub fn is_final(&self) -> bool {
        matches!(self, DialError::Refused { refusal, .. } if refusal.is_final())
    }

    /// How long to wait at least before the next try: what the hub asked for, and
    /// after a version refusal at least [`VERSION_MISMATCH_WAIT`] (only an upgrade
    /// changes the answer, whatever an older hub asks).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            DialError::Refused { refusal, retry_after, .. } if refusal.is_version_mismatch() => {
                Some(retry_after.unwrap_or_default().max(VERSION_MISMATCH_WAIT))
            }
            DialError::Refused { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Connects to `hub` as `identity`, within [`DIAL_TIMEOUT`].
pub async fn dial(
    hub: &HubUrl,
    tls: Option<&TlsConnector>,
    token: &Token,
    identity: &Identity,
) -> Result<Socket, DialError> {
    tokio::time::timeout(DIAL_TIMEOUT, open(hub, tls, token, identity)).await.unwrap_or(Err(DialError::Timeout))
}

async fn open(
    hub: &HubUrl,
    tls: Option<&TlsConnector>,
    token: &Token,
    identity: &Identity,
) -> Result<Socket, DialError> {
    let request = request(hub, token, identity)?;
    let tcp = TcpStream::connect((hub.host.as_str(), hub.port)).await.map_err(DialError::Connect)?;
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn Io> = match (hub.tls, tls) {
        (true, Some(connector)) => {
            let name = ServerName::try_from(hub.host.clone())
                .map_err(|e| DialError::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, e)))?;
            Box::new(connector.connect(name, tcp).await.map_err(tls_failed)?)
        }
        (true, None) => {
            let missing = std::io::Error::other("no TLS client was set up for an https hub");
            return Err(DialError::Tls(missing));
        }
        (false, _) => Box::new(tcp),
    };
    match tokio_tungstenite::client_async(request, stream).await {
        Ok((socket, _response)) => Ok(socket),
        Err(WsError::Http(response)) => {
            let text = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok());
            let retry_after = text(header::RETRY_AFTER.as_str()).and_then(parse_retry_after);
            let hub = HubVersions::read(text(HEADER_PROTOCOL), text(HEADER_MIN_PROTOCOL));
            let refusal = Refusal::new(response.status().as_u16(), response.body().as_deref()).with_hub(hub);
            Err(DialError::Refused { refusal, host_id: identity.id.clone(), retry_after })
        }
        Err(WsError::Io(error)) => Err(DialError::Connect(error)),
        Err(error) => Err(DialError::Upgrade(error.to_string())),
    }
}

/// What a failed TLS handshake means: an answer that is not TLS at all (a
/// plain-HTTP hub answers a ClientHello with `HTTP/1.1 400`, whose first byte is
/// no TLS record type) says to use `http://`; anything else is about trust.
fn tls_failed(error: std::io::Error) -> DialError {
    use tokio_rustls::rustls::{Error as TlsError, InvalidMessage};
    let inner = error.get_ref().and_then(|inner| inner.downcast_ref::<TlsError>());
    match inner {
        Some(TlsError::InvalidMessage(InvalidMessage::InvalidContentType)) => DialError::NotTls(error),
        _ => DialError::Tls(error),
    }
}

/// The upgrade request: the endpoint, the token as a sensitive header, the
/// protocol version and the host's id, name and tags.
pub fn request(hub: &HubUrl, token: &Token, identity: &Identity) -> Result<Request<()>, DialError> {
    let invalid = |what: &str| DialError::Upgrade(format!("cannot build the request: {what}"));
    let mut request = hub.agent_endpoint().into_client_request().map_err(|e| invalid(&e.to_string()))?;
    let mut bearer = HeaderValue::from_str(&format!("Bearer {}", token.secret())).map_err(|_| invalid("the token"))?;
    bearer.set_sensitive(true);
    let headers = request.headers_mut();
    headers.insert(HeaderName::from_static(HEADER_TOKEN), bearer);
    let mut add = |name: &'static str, value: String| -> Result<(), DialError> {
        let value = HeaderValue::from_str(&value).map_err(|_| invalid(name))?;
        headers.insert(HeaderName::from_static(name), value);
        Ok(())
    };
    add(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())?;
    add(HEADER_HOST_ID, identity.id.clone())?;
    add(HEADER_HOST_NAME, identity.name_header())?;
    let tags = identity.tags_header();
    if !tags.is_empty() {
        add(HEADER_HOST_TAGS, tags)?;
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_request_carries_every_header_and_hides_the_token() {
        let hub = HubUrl::parse("http://127.0.0.1:8080/pulse/").expect("url");
        let token = Token::parse("s3cret").expect("token");
        let tags = BTreeMap::from([("env".to_owned(), "prod eu".to_owned())]);
        let identity = Identity { id: "web-1".into(), name: "Web 1".into(), tags };
        let request = request(&hub, &token, &identity).expect("request");
        assert_eq!(request.uri().to_string(), "ws://127.0.0.1:8080/pulse/api/v1/agent");
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_eq!(header("authorization").as_deref(), Some("Bearer s3cret"));
        assert!(request.headers()["authorization"].is_sensitive());
        assert!(!format!("{request:?}").contains("s3cret"));
        assert_eq!(header("pulse-protocol"), Some(PROTOCOL_VERSION.to_string()));
        assert_eq!(header("pulse-host-id").as_deref(), Some("web-1"));
        assert_eq!(header("pulse-host-name").as_deref(), Some("Web%201"));
        assert_eq!(header("pulse-host-tags").as_deref(), Some("env=prod%20eu"));
        assert!(!request.uri().to_string().contains("s3cret"));
    }

    #[test]
    fn a_handshake_answered_in_plain_http_says_to_use_http() {
        use tokio_rustls::rustls::{Error as TlsError, InvalidMessage};
        let io = |error: TlsError| std::io::Error::new(std::io::ErrorKind::InvalidData, error);
        let plain = tls_failed(io(TlsError::InvalidMessage(InvalidMessage::InvalidContentType))).to_string();
        assert!(plain.contains("does not speak TLS") && plain.contains("http://"), "{plain}");
        assert!(!plain.contains("--ca"), "{plain}");
        let untrusted = tls_failed(io(TlsError::General("unknown issuer".into()))).to_string();
        assert!(untrusted.contains("--ca FILE"), "{untrusted}");
        assert!(tls_failed(std::io::Error::other("reset")).to_string().contains("TLS handshake failed"));
    }

    #[test]
    fn a_version_refusal_waits_long_whatever_the_hub_asks() {
        let refused = |status, retry_after| DialError::Refused {
            refusal: Refusal::new(status, None),
            host_id: "web-1".into(),
            retry_after,
        };
        let secs = Duration::from_secs;
        // (the error, the least wait before the next try)
        let cases = [
            (refused(426, None), Some(VERSION_MISMATCH_WAIT)),
            (refused(426, Some(secs(1))), Some(VERSION_MISMATCH_WAIT)),
            (refused(426, Some(VERSION_MISMATCH_WAIT + secs(60))), Some(VERSION_MISMATCH_WAIT + secs(60))),
            (refused(503, Some(secs(5))), Some(secs(5))),
            (refused(401, None), None),
            (DialError::Timeout, None),
        ];
        for (error, want) in cases {
            assert_eq!(error.retry_after(), want, "{error}");
        }
    }
}
