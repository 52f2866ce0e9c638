//! The server's base URL and the endpoint URLs built from it.

use pulse_protocol::Cursor;

use crate::history::encode;

/// A server base URL such as `http://127.0.0.1:8080` (no trailing slash), and the
/// host of a hub's fleet the page shows (`host=` on every endpoint; none: the
/// hub's own host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    base: String,
    host: Option<String>,
}

/// Why a server address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Not an http(s) URL (`ws://` is derived, never given).
    #[error("server address {0:?} must start with http:// or https://")]
    Scheme(String),
    /// No host, spaces, or a query or fragment where the base should end.
    #[error("server address {0:?} is not a valid URL (expected e.g. https://pulse.example)")]
    Malformed(String),
}

impl ServerUrl {
    /// Checks that `text` is an absolute http(s) URL; keeps scheme, host and path.
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        let trimmed = text.trim().trim_end_matches('/');
        let (scheme, rest) = trimmed.split_once("://").ok_or_else(|| UrlError::Scheme(text.to_owned()))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(UrlError::Scheme(text.to_owned()));
        }
        let host = rest.split('/').next().unwrap_or_default();
        // `user:pass@` is refused too: `fetch` throws on a URL with credentials.
        if host.is_empty() || host.contains('@') || rest.contains(char::is_whitespace) || rest.contains(['?', '#']) {
            return Err(UrlError::Malformed(text.to_owned()));
        }
        Ok(ServerUrl { base: format!("{scheme}://{rest}"), host: None })
    }

    /// The same server, showing fleet host `id` (an id as `GET /api/v1/hosts`
    /// lists it: any text but `/`, percent-encoded in every endpoint's `host=`).
    pub fn with_host(self, id: &str) -> Self {
        ServerUrl { host: Some(id.to_owned()), ..self }
    }

    /// The same server, showing fleet host `id`, or the hub's own host (`None`).
    pub fn showing(&self, id: Option<&str>) -> Self {
        ServerUrl { base: self.base.clone(), host: id.map(str::to_owned) }
    }

    /// The fleet host shown (`None`: the hub's own).
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The base, e.g. `https://pulse.example` (used as the storage key too).
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// An HTTP endpoint, e.g. `http(s)://host/api/v1/poll?…`.
    pub fn http(&self, path_and_query: &str) -> String {
        self.with_host_param(format!("{}{path_and_query}", self.base))
    }

    /// An HTTP endpoint whose query already names its host (no `host=` added).
    pub fn http_as_is(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// The WebSocket endpoint with the resume cursor, asking for the live alerts,
    /// the hub status and the fleet summary in columns.
    pub fn websocket(&self, cursor: Option<&Cursor>) -> String {
        let base = self.base.replacen("http", "ws", 1);
        self.with_host_param(format!("{base}/api/v1/ws{}", query(cursor, &[ALERTS, HUB, COLUMNS])))
    }

    fn with_host_param(&self, url: String) -> String {
        match &self.host {
            // `@` may stand in a query as it is: `host=@fleet` stays readable.
            Some(id) => {
                format!("{url}{}host={}", if url.contains('?') { '&' } else { '?' }, encode(id).replace("%40", "@"))
            }
            None => url,
        }
    }
}

/// Asks a stream for the live alerts (`alerts=REV`, 0: none held yet): sent after
/// `hello` and on every change. A stream opened anew gets the current set again.
pub const ALERTS: (&str, &str) = ("alerts", "0");

/// Asks a stream for the hub status (`hub=REV`, 0: none held): sent after `hello`
/// and on every change (whether the hub's shared log, Redis, is out of reach).
pub const HUB: (&str, &str) = ("hub", "0");

/// Says the page takes the `@fleet` summary in columns (`columns=1`,
/// `pulse_protocol::fleet::Columns`); other streams are the same either way, and a
/// hub that does not know it sends the keyed summary, which the page reads too.
pub const COLUMNS: (&str, &str) = ("columns", "1");

/// `?since=…&epoch=…` plus extra pairs; empty when there is nothing to say.
pub fn query(cursor: Option<&Cursor>, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<String> = Vec::new();
    if let Some(cursor) = cursor {
        pairs.push(format!("since={}", cursor.seq));
        pairs.push(format!("epoch={}", cursor.epoch));
    }
    pairs.extend(extra.iter().map(|(k, v)| format!("{k}={v}")));
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use pulse_protocol::Epoch;

    use super::*;

    #[test]
    fn urls_for_every_transport() {
        let server = ServerUrl::parse("https://pulse.example/").unwrap();
        let cursor = Cursor { epoch: Epoch("e1".into()), seq: 7 };
        assert_eq!(
            server.websocket(Some(&cursor)),
            "wss://pulse.example/api/v1/ws?since=7&epoch=e1&alerts=0&hub=0&columns=1"
        );
        assert_eq!(
            ServerUrl::parse("http://h:1").unwrap().websocket(None),
            "ws://h:1/api/v1/ws?alerts=0&hub=0&columns=1"
        );
        assert_eq!(query(None, &[("wait", "5")]), "?wait=5");
    }

    #[test]
    fn the_scheme_is_read_in_any_case_and_credentials_are_refused() {
        assert_eq!(ServerUrl::parse("HTTPS://Pulse.example/").unwrap().as_str(), "https://Pulse.example");
        assert_eq!(
            ServerUrl::parse("Http://h:1").unwrap().websocket(None),
            "ws://h:1/api/v1/ws?alerts=0&hub=0&columns=1"
        );
        assert!(matches!(ServerUrl::parse("ws://h"), Err(UrlError::Scheme(_))));
        assert!(matches!(ServerUrl::parse("h:8080"), Err(UrlError::Scheme(_))));
        assert!(matches!(ServerUrl::parse("https://user:pw@h"), Err(UrlError::Malformed(_))));
    }

    #[test]
    fn bad_server_addresses_are_named() {
        for bad in ["", "pulse.example", "ftp://x", "ws://x", "http://", "http://a b", "https:///path", "http://h/?x=1"]
        {
            let error = ServerUrl::parse(bad).expect_err(bad).to_string();
            assert!(error.contains(&format!("{bad:?}")), "{error}");
        }
    }

    #[test]
    fn a_base_with_a_path_keeps_it_for_every_endpoint() {
        let server = ServerUrl::parse(" http://proxy:8080/pulse/ ").expect("valid");
        assert_eq!(server.as_str(), "http://proxy:8080/pulse");
        assert_eq!(server.http("/api/v1/poll?wait=0"), "http://proxy:8080/pulse/api/v1/poll?wait=0");
        assert_eq!(server.websocket(None), "ws://proxy:8080/pulse/api/v1/ws?alerts=0&hub=0&columns=1");
        let fleet = ServerUrl::parse("http://hub:1").unwrap().with_host("web-1");
        assert_eq!(fleet.http("/api/v1/series"), "http://hub:1/api/v1/series?host=web-1");
        assert_eq!(fleet.http("/api/v1/poll?wait=0"), "http://hub:1/api/v1/poll?wait=0&host=web-1");
        let cursor = Cursor { epoch: pulse_protocol::Epoch("e1".into()), seq: 7 };
        assert_eq!(
            fleet.websocket(Some(&cursor)),
            "ws://hub:1/api/v1/ws?since=7&epoch=e1&alerts=0&hub=0&columns=1&host=web-1"
        );
        assert_eq!(fleet.as_str(), "http://hub:1", "the storage key is the server's");
        assert_eq!(fleet.showing(None).http("/api/v1/series"), "http://hub:1/api/v1/series");
        assert_eq!(fleet.showing(Some("@fleet")).host(), Some("@fleet"));
    }
}
