//! The agent link: an agent pushes its host's stream to a hub over one WebSocket
//! that the agent opens (so it works behind NAT and through the same proxies as
//! browsers).
//!
//! 1. The agent sends `GET {hub}/api/v1/agent` as a WebSocket upgrade with the
//!    headers named below: its token ([`HEADER_TOKEN`], never in the URL), its
//!    protocol version, the host's stable id, its name and tags.
//! 2. The hub refuses with a JSON [`crate::ApiError`]: 401 `unauthorized` (wrong or
//!    missing token, or the hub takes no agents: its body names `--agent-token`),
//!    409 `host_connected` (another live agent holds this host id; the body names
//!    it), 426 `protocol_too_new` (the agent speaks a newer protocol than the
//!    hub) or `protocol_too_old` (older than [`crate::MIN_AGENT_PROTOCOL`]), 400
//!    `bad_request` (a malformed header). Or it upgrades. A 426 names the hub's
//!    versions in [`HEADER_PROTOCOL`] and [`HEADER_MIN_PROTOCOL`] and asks for a
//!    long `Retry-After`: versions do not change until someone upgrades.
//! 3. The hub's first message is an [`AgentReply::Resume`]: the newest frame it
//!    holds from this host (`epoch` null when it holds none).
//! 4. The agent then sends its own stream as [`crate::ServerMessage`] JSON text
//!    messages, exactly what a browser would get from it: `hello` (its epoch,
//!    catalogue and timing), a `gap` if its buffer no longer holds what the hub
//!    lacks, the frames after the hub's cursor that it still holds, then live
//!    frames, and `heartbeat`s in silences. A new `hello` (a new catalogue) may
//!    come at any time. Frames keep the agent's `(epoch, seq)`, so browsers resume
//!    a host's stream with the same cursor across agent and hub restarts.
//! 5. The hub sends [`AgentReply::Ack`] now and then with the newest seq it stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::names::wire_names;
use crate::Epoch;

/// The endpoint an agent opens, under the hub's base URL.
pub const AGENT_PATH: &str = "/api/v1/agent";
/// `Authorization: Bearer TOKEN`: one of the hub's `--agent-token`s.
pub const HEADER_TOKEN: &str = "authorization";
/// The agent's [`crate::PROTOCOL_VERSION`] (absent: [`crate::UNSTATED_PROTOCOL`]);
/// in a 426 refusal, the hub's.
pub const HEADER_PROTOCOL: &str = "pulse-protocol";
/// In a 426 refusal: the oldest agent protocol the hub reads
/// ([`crate::MIN_AGENT_PROTOCOL`]).
pub const HEADER_MIN_PROTOCOL: &str = "pulse-min-agent-protocol";
/// The host's stable id (`[A-Za-z0-9._-]`, 1 to 64 bytes).
pub const HEADER_HOST_ID: &str = "pulse-host-id";
/// The host's display name (UTF-8, percent-encoded, at most 128 bytes decoded).
pub const HEADER_HOST_NAME: &str = "pulse-host-name";
/// The host's tags, `key=value` pairs separated by `,` (each part percent-encoded).
pub const HEADER_HOST_TAGS: &str = "pulse-host-tags";

/// What the hub sends an agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AgentReply {
    /// The newest frame the hub holds from this host: send what follows it.
    Resume {
        /// The agent epoch of that frame; `None` when the hub holds nothing.
        epoch: Option<Epoch>,
        /// Its seq (0 with no epoch).
        seq: u64,
    },
    /// The hub has stored every frame up to `seq` of the agent's epoch.
    Ack {
        /// The newest stored seq.
        seq: u64,
    },
}

/// One host as `GET /api/v1/hosts` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostInfo {
    /// Stable id: pass it as `host=` to every other route.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `up`, `stale` (connected, no sample for 3 intervals) or `down` (its agent is
    /// gone; its history stays).
    pub status: HostStatus,
    /// When its newest sample was taken, ms since the Unix epoch (0: never).
    pub last_seen: i64,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Whether it is the hub's own host (sampled in-process, not by an agent).
    pub local: bool,
    /// Its sampling interval in milliseconds.
    pub interval_ms: u64,
}

wire_names! {
    /// Whether a host is reporting.
    pub enum HostStatus {
        /// Samples arrive.
        Up = "up",
        /// Connected, but no sample for three intervals.
        Stale = "stale",
        /// Not connected.
        Down = "down",
    }
}

/// Answer to `GET /api/v1/hosts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostsResponse {
    /// Every host the hub knows, by id.
    pub hosts: Vec<HostInfo>,
}
