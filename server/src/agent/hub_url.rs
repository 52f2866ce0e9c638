//! A hub's base URL as a browser opens it, and the agent endpoint under it.

use std::fmt;

use pulse_protocol::agent::AGENT_PATH;

/// `http(s)://host[:port][/path/]`: where the hub is, and whether it takes TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubUrl {
    /// Whether the hub is reached over TLS (`https`).
    pub tls: bool,
    /// Its host name or IP address (IPv6 without brackets), for DNS and TLS.
    pub host: String,
    /// Its port (80 or 443 when the URL names none).
    pub port: u16,
    /// The path the hub is served under, without a trailing `/` (empty at the root).
    pub base_path: String,
}

impl HubUrl {
    /// Reads `http://…` or `https://…` (also `ws://`/`wss://`); refuses what could
    /// not be a hub's base URL, naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let refuse = |why: &str| Err(format!("{text:?} is not a hub URL: {why}; write e.g. https://hub.example.com"));
        let Some((scheme, rest)) = text.split_once("://") else {
            return refuse("it has no scheme");
        };
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "https" | "wss" => true,
            "http" | "ws" => false,
            _ => return refuse("the scheme must be http or https"),
        };
        if rest.contains(['?', '#']) {
            return refuse("a query or fragment has no place in it");
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |slash| rest.split_at(slash));
        if authority.contains('@') {
            return refuse("it must not carry credentials (give --token)");
        }
        let (host, port) = match split_port(authority) {
            Some(parts) => parts,
            None => return refuse("its port is not a number from 1 to 65535"),
        };
        if host.is_empty() || host.contains([' ', '[', ']']) {
            return refuse("it names no host");
        }
        let default_port = if tls { 443 } else { 80 };
        let base_path = path.trim_end_matches('/').to_owned();
        Ok(HubUrl { tls, host: host.to_owned(), port: port.unwrap_or(default_port), base_path })
    }

    /// The agent endpoint: `ws(s)://host:port{base path}/api/v1/agent`.
    pub fn agent_endpoint(&self) -> String {
        let scheme = if self.tls { "wss" } else { "ws" };
        format!("{scheme}://{}{}{AGENT_PATH}", self.authority(), self.base_path)
    }

    /// `host:port`, with IPv6 addresses in brackets.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for HubUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.tls { "https" } else { "http" };
        write!(f, "{scheme}://{}{}/", self.authority(), self.base_path)
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port` into the host and the port if any;
/// `None` when a port is there but not a valid one.
fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    match port {
        None => Some((host, None)),
        Some(port) => port.parse::<u16>().ok().filter(|&p| p > 0).map(|p| (host, Some(p))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_endpoints() {
        let cases = [
            ("https://hub.example.com", "wss://hub.example.com:443/api/v1/agent", "https://hub.example.com:443/"),
            ("http://127.0.0.1:8080", "ws://127.0.0.1:8080/api/v1/agent", "http://127.0.0.1:8080/"),
            ("http://127.0.0.1:8080/", "ws://127.0.0.1:8080/api/v1/agent", "http://127.0.0.1:8080/"),
            ("http://host/pulse/", "ws://host:80/pulse/api/v1/agent", "http://host:80/pulse/"),
            ("HTTPS://host:8443/a/b", "wss://host:8443/a/b/api/v1/agent", "https://host:8443/a/b/"),
            ("http://[::1]:9000/x", "ws://[::1]:9000/x/api/v1/agent", "http://[::1]:9000/x/"),
            ("wss://[::1]", "wss://[::1]:443/api/v1/agent", "https://[::1]:443/"),
            (" http://h:1 ", "ws://h:1/api/v1/agent", "http://h:1/"),
        ];
        for (input, endpoint, shown) in cases {
            let url = HubUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(url.agent_endpoint(), endpoint, "{input}");
            assert_eq!(url.to_string(), shown, "{input}");
        }
    }

    #[test]
    fn refusals_name_the_problem() {
        let cases = [
            ("hub.example.com", "no scheme"),
            ("ftp://hub", "http or https"),
            ("http://hub/?token=x", "query"),
            ("http://hub/#x", "query or fragment"),
            ("http://user:pw@hub", "credentials"),
            ("http://hub:0", "port"),
            ("http://hub:99999", "port"),
            ("http://hub:x", "port"),
            ("http://:80", "no host"),
            ("http://", "no host"),
            ("http://[::1", "port"),
        ];
        for (input, part) in cases {
            let error = HubUrl::parse(input).expect_err(input);
            assert!(error.contains(part), "{input}: {error}");
        }
    }
}
