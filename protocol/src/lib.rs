//! Wire types shared by the Pulse server and the Pulse web app.
//!
//! Every message on every transport (WebSocket, Server-Sent Events, long-poll and
//! poll) is a JSON object with a `type` field, one of [`ServerMessage`]'s variants.
//! Only this crate defines wire types: the server and the web app both depend on
//! it, so a change here is a protocol change and bumps [`PROTOCOL_VERSION`].
//!
//! The server writes with serde; the web app reads with [`json::from_json`], a
//! reader for exactly these types that keeps `serde_json` out of the browser.

pub mod access;
pub mod agent;
pub mod alerts;
mod catalog;
mod cursor;
mod error;
pub mod fleet;
mod frame;
pub mod hub_status;
pub mod json;
mod message;
mod names;
mod responses;
mod version;

pub use agent::{AgentReply, HostInfo, HostStatus, HostsResponse};
pub use catalog::{Catalog, SeriesInfo, SeriesKind, Unit};
pub use cursor::{Cursor, CursorError, Epoch};
pub use error::ApiError;
pub use frame::{Frame, ProcessInfo};
pub use hub_status::HubStatus;
pub use json::{from_json, JsonError};
pub use message::{
    read_frame_over, Bye, ClientMessage, Gap, GapReason, Heartbeat, Hello, Reusing, ServerMessage, Subscribe,
};
pub use names::WireName;
pub use responses::{HistoryResponse, HistorySeries, PollResponse, MAX_DRAWN_WINDOW_MS, MAX_QUERY_MS};
pub use version::{
    agent_version, AgentVersion, MIN_AGENT_PROTOCOL, PROTOCOL_VERSION, SUBSCRIBE_VERSION, UNSTATED_PROTOCOL,
};

/// Path prefix of every API endpoint.
pub const API_PREFIX: &str = "/api/v1";
