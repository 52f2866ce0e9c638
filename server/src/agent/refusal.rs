//! What a hub's refusal of the agent means, in words that say what to do. The hub
//! answers the upgrade with a status and a JSON `{error, detail}` body, and a
//! refusal of the agent's protocol version names the hub's versions in headers.

use pulse_protocol::agent::{HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_HOST_TAGS, HEADER_PROTOCOL};
use pulse_protocol::{agent_version, AgentVersion, ApiError, PROTOCOL_VERSION};

/// The most characters of a hub's explanation the log shows.
const DETAIL_CHARS: usize = 300;

/// A refusal, read from the hub's answer to the upgrade.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The hub's JSON body, when it sent one that reads.
    pub body: Option<ApiError>,
    /// The hub's protocol versions, when it named them (hubs do in a 426).
    pub hub: Option<HubVersions>,
}

/// The protocol versions a hub names when it refuses the agent's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubVersions {
    /// The hub's own version.
    pub protocol: u32,
    /// The oldest agent version it reads.
    pub min_agent: u32,
}

impl HubVersions {
    /// From the refusal's `pulse-protocol` and `pulse-min-agent-protocol` values;
    /// a hub that names only its own version reads agents of that version.
    pub fn read(protocol: Option<&str>, min_agent: Option<&str>) -> Option<Self> {
        let protocol = protocol?.trim().parse().ok()?;
        let min_agent = min_agent.and_then(|v| v.trim().parse().ok()).unwrap_or(protocol);
        Some(HubVersions { protocol, min_agent })
    }
}

impl Refusal {
    /// Reads the status and whatever of the body arrived with the head.
    pub fn new(status: u16, body: Option<&[u8]>) -> Self {
        let body = body.and_then(|bytes| serde_json::from_slice::<ApiError>(bytes).ok());
        Refusal { status, body, hub: None }
    }

    /// The refusal, with the versions the hub named.
    pub fn with_hub(self, hub: Option<HubVersions>) -> Self {
        Refusal { hub, ..self }
    }

    /// Whether the hub refused the agent's protocol version: nothing changes that
    /// until one of them is upgraded.
    pub fn is_version_mismatch(&self) -> bool {
        self.status == 426
    }

    /// Whether the hub refused the agent's headers (a 400 whose explanation names
    /// one: a name, tag or version it can never take): the same headers get the
    /// same answer on every try. Any other 400 (a proxy that does not pass the
    /// WebSocket upgrade, a page of HTML) may pass once someone fixes it.
    pub fn is_final(&self) -> bool {
        self.status == 400 && self.names_own_header()
    }

    /// Whether the hub's explanation names one of the agent's own headers.
    fn names_own_header(&self) -> bool {
        self.body.as_ref().is_some_and(|body| {
            let detail = body.detail.to_ascii_lowercase();
            [HEADER_PROTOCOL, HEADER_HOST_ID, HEADER_HOST_NAME, HEADER_HOST_TAGS]
                .iter()
                .any(|name| detail.contains(name))
        })
    }

    /// One line for the log, naming the host id the agent tried.
    pub fn describe(&self, host_id: &str) -> String {
        let detail = self.body.as_ref().map_or_else(
            || "no explanation given".to_owned(),
            |body| format!("{}: {}", printable(&body.error), printable(&body.detail)),
        );
        match self.status {
            401 => format!("the hub refused the token (check --token / PULSE_AGENT_TOKEN against the hub's --agent-token): {detail}"),
            409 if self.body.as_ref().is_some_and(|body| body.error == "own_host") => format!(
                "host {host_id} is the hub's own host id (the hub samples itself under it; give this agent another --name): {detail}"
            ),
            409 => format!(
                "host {host_id} is already connected to the hub (another agent uses this id; give each host its own --name): {detail}"
            ),
            426 => format!("{}: {detail}", self.version_advice()),
            400 if self.names_own_header() => format!("the hub refused the agent's headers: {detail}"),
            400 => format!(
                "the upgrade to a WebSocket was refused, not for this agent's headers: a proxy between the agent \
                 and the hub may not pass it (it must forward Upgrade and Connection over HTTP/1.1; nginx: \
                 proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \
                 \"upgrade\"): {detail}"
            ),
            421 => format!(
                "the hub does not answer to the name in --hub (start it with --public-url or --allow-host naming it): {detail}"
            ),
            404 => format!("the hub has no agent endpoint there (is --hub the hub's base URL, and is the hub new enough?): {detail}"),
            status => format!("the hub answered {status}: {detail}"),
        }
    }
}

impl Refusal {
    /// Both versions, and which side to upgrade.
    fn version_advice(&self) -> String {
        let ours = PROTOCOL_VERSION;
        let code = self.body.as_ref().map(|body| body.error.as_str());
        let Some(HubVersions { protocol: hub, min_agent }) = self.hub else {
            return match code {
                Some("protocol_too_old") => {
                    format!("the hub no longer reads this agent's protocol (version {ours}); upgrade this agent")
                }
                _ => format!(
                    "the hub speaks an older protocol than this agent's (version {ours}; the hub did not say its own, \
                     so it predates version checks); upgrade the hub, or run an agent of the hub's version"
                ),
            };
        };
        match agent_version(ours, hub, min_agent) {
            AgentVersion::TooNew => format!(
                "this agent speaks protocol {ours}, newer than the hub's {hub}; upgrade the hub, \
                 or run an agent of protocol {min_agent} to {hub}"
            ),
            AgentVersion::TooOld => format!(
                "this agent speaks protocol {ours}, older than the hub reads (protocol {min_agent} to {hub}); \
                 upgrade this agent"
            ),
            AgentVersion::Accepted => {
                format!("the hub refused this agent's protocol {ours} although it names protocols {min_agent} to {hub}")
            }
        }
    }
}

/// At most [`DETAIL_CHARS`] characters of what the hub sent, control characters
/// blanked, so a hub cannot forge log lines.
fn printable(text: &str) -> String {
    text.chars().take(DETAIL_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_says_what_to_do() {
        let body = |error: &str, detail: &str| format!(r#"{{"error":"{error}","detail":"{detail}"}}"#);
        let cases = [
            (401, body("unauthorized", "wrong token"), "the hub refused the token", "unauthorized: wrong token"),
            (
                401,
                body("unauthorized", "this hub takes no agents; start it with --agent-token"),
                "the hub refused the token",
                "--agent-token",
            ),
            (
                409,
                body("host_connected", "host web-1 is connected"),
                "host web-1 is already connected",
                "host_connected",
            ),
            (409, body("own_host", "host id web-1 is this hub's own host id"), "the hub's own host id", "own_host"),
            (426, body("protocol_too_new", "hub speaks 1"), "older protocol", "protocol_too_new"),
            (400, body("bad_request", "pulse-host-id"), "headers", "pulse-host-id"),
            (400, body("bad_request", "speaks WebSocket only"), "a proxy", "proxy_set_header Upgrade"),
            (404, "<html>".to_owned(), "no agent endpoint", "no explanation given"),
            (421, body("unknown_host", "hub.example"), "--allow-host", "unknown_host: hub.example"),
            (503, body("unavailable", "full"), "answered 503", "unavailable: full"),
        ];
        for (status, body, first, second) in cases {
            let line = Refusal::new(status, Some(body.as_bytes())).describe("web-1");
            assert!(line.contains(first) && line.contains(second), "{status}: {line}");
        }
        assert!(Refusal::new(401, None).describe("x").ends_with("no explanation given"));
        assert!(!Refusal::new(503, None).is_version_mismatch() && Refusal::new(426, None).is_version_mismatch());
        // Only a refusal of the agent's own headers ends it.
        let finals = [
            (body("bad_request", "Pulse-Host-Name: @fleet is reserved"), true),
            (body("bad_request", "pulse-host-tags: at most 32 tags"), true),
            (body("bad_request", "this endpoint speaks WebSocket only: the Connection header must include"), false),
            ("<html>400 Bad Request</html>".to_owned(), false),
        ];
        for (body, want) in finals {
            assert_eq!(Refusal::new(400, Some(body.as_bytes())).is_final(), want, "{body}");
        }
        let forged = Refusal::new(400, Some(body("bad_request", "a\\nFORGED").as_bytes())).describe("x");
        assert!(!forged.contains('\n') && forged.contains("a FORGED"), "{forged}");
    }

    #[test]
    fn a_version_refusal_names_both_versions_and_who_must_upgrade() {
        let ours = PROTOCOL_VERSION;
        let (older, newer) = (ours.saturating_sub(1), ours + 1);
        let body = |code: &str| format!(r#"{{"error":"{code}","detail":"d"}}"#);
        // (what the hub sent: its error code, its versions; what the line must say)
        let cases = [
            (
                "protocol_too_new",
                Some((older, older)),
                vec![format!("protocol {ours}, newer than the hub's {older}"), "upgrade the hub".into()],
            ),
            (
                "protocol_too_old",
                Some((newer, newer)),
                vec![
                    format!("protocol {ours}, older than the hub reads (protocol {newer} to {newer})"),
                    "upgrade this agent".into(),
                ],
            ),
            ("protocol_too_new", None, vec![format!("version {ours}"), "upgrade the hub".into()]),
            ("protocol_too_old", None, vec![format!("version {ours}"), "upgrade this agent".into()]),
        ];
        for (code, hub, says) in cases {
            let hub = hub.map(|(protocol, min_agent)| HubVersions { protocol, min_agent });
            let line = Refusal::new(426, Some(body(code).as_bytes())).with_hub(hub).describe("web-1");
            for said in &says {
                assert!(line.contains(said.as_str()), "{code} {hub:?}: {line}");
            }
            assert!(!line.contains('\n'), "one line: {line}");
        }
    }

    #[test]
    fn the_hubs_versions_are_read_from_its_headers() {
        let versions = |protocol, min_agent| Some(HubVersions { protocol, min_agent });
        let cases = [
            (Some("3"), Some("2"), versions(3, 2)),
            (Some(" 3 "), None, versions(3, 3)),
            (Some("3"), Some("x"), versions(3, 3)),
            (None, Some("2"), None),
            (Some("three"), None, None),
        ];
        for (protocol, min_agent, want) in cases {
            assert_eq!(HubVersions::read(protocol, min_agent), want, "{protocol:?} {min_agent:?}");
        }
    }
}
