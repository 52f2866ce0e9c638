//! Protocol versions: which one this crate speaks, and which peers can be bridged.
//!
//! [`PROTOCOL_VERSION`] is bumped on every wire change. The server says its version
//! in every `hello` ([`crate::Hello::protocol`]), for the page to check; an agent
//! sends its version in the `pulse-protocol` header of its upgrade request
//! ([`crate::agent::HEADER_PROTOCOL`]), and a hub takes agents from
//! [`MIN_AGENT_PROTOCOL`] up to its own version ([`agent_version`]), so an older
//! agent keeps pushing to a newer hub while the hub still reads what it sends.

/// The protocol version this crate speaks. The live alerts message (`alerts`) came
/// without a bump: a stream sends it only to a client that asks (`alerts=REV`), so
/// an older page or agent never meets it, and a newer page reading an older hub
/// simply gets none. The fleet summary in columns (`Frame::columns`,
/// `Subscribe::columns`) came without one for the same reason: a hub sends it only
/// to a page that asks (`columns=1`), an older hub ignores the ask and sends the
/// keyed summary, which every page still reads, and a hub refuses it from agents.
pub const PROTOCOL_VERSION: u32 = 1;

/// The version of the WebSocket `subscribe` message ([`crate::Subscribe`])
/// this crate writes and a hub takes. It came without a protocol bump, as the live
/// alerts did: only a page that sees `subscribe` in its hub's `hello` sends one, and
/// only a client that sends one is ever answered an `error`.
pub const SUBSCRIBE_VERSION: u32 = 1;

/// The oldest agent protocol a hub of this version still reads. Raise it only when
/// the hub stops reading what agents of that version send.
pub const MIN_AGENT_PROTOCOL: u32 = 1;

/// The version of a peer that does not say (a `hello` without `protocol`, an agent
/// without the header): the first one, before versions were sent.
pub const UNSTATED_PROTOCOL: u32 = 1;

const _: () = assert!(MIN_AGENT_PROTOCOL <= PROTOCOL_VERSION, "a hub must take agents of its own version");

/// How a hub stands to an agent's protocol version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentVersion {
    /// The hub reads what the agent sends.
    Accepted,
    /// The agent is older than the oldest the hub reads: upgrade the agent.
    TooOld,
    /// The agent is newer than the hub: upgrade the hub.
    TooNew,
}

/// How a hub speaking `hub`, reading agents from `min_agent` on, stands to an agent
/// speaking `agent` (a hub of this crate: `PROTOCOL_VERSION`, `MIN_AGENT_PROTOCOL`).
pub fn agent_version(agent: u32, hub: u32, min_agent: u32) -> AgentVersion {
    if agent > hub {
        AgentVersion::TooNew
    } else if agent < min_agent {
        AgentVersion::TooOld
    } else {
        AgentVersion::Accepted
    }
}

/// [`UNSTATED_PROTOCOL`], for serde's `default`.
pub(crate) fn unstated() -> u32 {
    UNSTATED_PROTOCOL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_takes_agents_from_its_oldest_to_its_own_version() {
        use AgentVersion::*;
        // (agent, hub, oldest agent the hub reads, verdict)
        let cases = [
            (1, 1, 1, Accepted),
            (2, 1, 1, TooNew),
            (0, 1, 1, TooOld),
            (1, 3, 1, Accepted),
            (2, 3, 1, Accepted),
            (3, 3, 2, Accepted),
            (1, 3, 2, TooOld),
            (4, 3, 2, TooNew),
            (u32::MAX, 3, 2, TooNew),
        ];
        for (agent, hub, min_agent, want) in cases {
            assert_eq!(agent_version(agent, hub, min_agent), want, "agent {agent}, hub {hub} from {min_agent}");
        }
        assert_eq!(agent_version(PROTOCOL_VERSION, PROTOCOL_VERSION, MIN_AGENT_PROTOCOL), Accepted);
    }
}
