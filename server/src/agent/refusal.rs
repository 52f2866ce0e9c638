//! What a hub's refusal of the agent means, in words that say what to do. The hub
//! answers the upgrade with a status and a JSON `{error, detail}` body.

use pulse_protocol::{ApiError, PROTOCOL_VERSION};

/// The most characters of a hub's explanation the log shows.
const DETAIL_CHARS: usize = 300;

/// A refusal, read from the hub's answer to the upgrade.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The hub's JSON body, when it sent one that reads.
    pub body: Option<ApiError>,
}

impl Refusal {
    /// Reads the status and whatever of the body arrived with the head.
    pub fn new(status: u16, body: Option<&[u8]>) -> Self {
        let body = body.and_then(|bytes| serde_json::from_slice::<ApiError>(bytes).ok());
        Refusal { status, body }
    }

    /// One line for the log, naming the host id the agent tried.
    pub fn describe(&self, host_id: &str) -> String {
        let detail = self.body.as_ref().map_or_else(
            || "no explanation given".to_owned(),
            |body| format!("{}: {}", printable(&body.error), printable(&body.detail)),
        );
        match self.status {
            401 => format!("the hub refused the token (check --token / PULSE_AGENT_TOKEN against the hub's --agent-token): {detail}"),
            409 => format!(
                "host {host_id} is already connected to the hub (another agent uses this id; give each host its own --name): {detail}"
            ),
            426 => format!(
                "the hub speaks an older protocol than this agent's (version {PROTOCOL_VERSION}); upgrade the hub: {detail}"
            ),
            400 => format!("the hub refused the agent's headers: {detail}"),
            421 => format!(
                "the hub does not answer to the name in --hub (start it with --public-url or --allow-host naming it): {detail}"
            ),
            404 => format!("the hub has no agent endpoint there (is --hub the hub's base URL, and is the hub new enough?): {detail}"),
            status => format!("the hub answered {status}: {detail}"),
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
            (426, body("protocol_too_new", "hub speaks 1"), "older protocol", "protocol_too_new"),
            (400, body("bad_request", "pulse-host-id"), "headers", "pulse-host-id"),
            (404, "<html>".to_owned(), "no agent endpoint", "no explanation given"),
            (421, body("unknown_host", "hub.example"), "--allow-host", "unknown_host: hub.example"),
            (503, body("unavailable", "full"), "answered 503", "unavailable: full"),
        ];
        for (status, body, first, second) in cases {
            let line = Refusal::new(status, Some(body.as_bytes())).describe("web-1");
            assert!(line.contains(first) && line.contains(second), "{status}: {line}");
        }
        assert!(Refusal::new(401, None).describe("x").ends_with("no explanation given"));
        let forged = Refusal::new(400, Some(body("bad_request", "a\\nFORGED").as_bytes())).describe("x");
        assert!(!forged.contains('\n') && forged.contains("a FORGED"), "{forged}");
    }
}
