//! Messages on the streaming transports, server to client and client to server.

mod de;
mod quick;
mod reuse;
pub(crate) mod tag;
mod text;

pub use de::Reusing;
pub use quick::read_frame_over;

use serde::{Deserialize, Serialize};

use crate::alerts::LiveAlerts;
use crate::hub_status::HubStatus;
use crate::names::wire_names;
use crate::{ApiError, Catalog, Cursor, Epoch, Frame};

/// Everything the server sends, tagged by `type`.
///
/// `Deserialize` is written by hand (`message/de.rs`): the derived form of an
/// internally tagged enum buffers every message before reading it, which costs the
/// web app a second copy of every message type's parser.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message of every stream, and of a poll that starts or changes epoch.
    Hello(Hello),
    /// One sample.
    Frame(Frame),
    /// Sent when the stream has been idle for one heartbeat interval.
    Heartbeat(Heartbeat),
    /// Frames the client asked for no longer exist; the stream goes on after them.
    Gap(Gap),
    /// The server is going away (restart or overload); come back after `retry_ms`.
    Bye(Bye),
    /// The fleet's pending and firing alerts (only to a client that asked, with
    /// `alerts=REV`); not a frame: it moves no cursor.
    Alerts(LiveAlerts),
    /// The hub's own condition (only to a client that asked, with `hub=REV`); not a
    /// frame: it moves no cursor.
    Hub(HubStatus),
    /// A WebSocket client's `subscribe` could not be done (an unknown host, a host
    /// the credential may not read, a malformed or newer message): the stream goes
    /// on as it was. Only a client that sends `subscribe` is ever sent one.
    Error(ApiError),
}

/// Opens a stream: who the server is and what it streams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    /// [`crate::PROTOCOL_VERSION`] of the server; [`crate::UNSTATED_PROTOCOL`] when
    /// it does not say. A page that cannot read this version should say so rather
    /// than misread the stream.
    #[serde(default = "crate::version::unstated")]
    pub protocol: u32,
    /// This server run.
    pub epoch: Epoch,
    /// The newest seq at the time of hello (0 when nothing was sampled yet).
    pub seq: u64,
    /// Every series and its unit.
    pub catalog: Catalog,
    /// The server sends something at least this often, in milliseconds.
    pub heartbeat_ms: u64,
    /// The sampling interval, in milliseconds.
    pub interval_ms: u64,
    /// How much history the server keeps, in milliseconds.
    pub history_ms: u64,
    /// The server clock when hello was sent, in ms since the Unix epoch.
    pub server_time: i64,
    /// The host this stream shows: its id, or `@fleet` (absent from older hubs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The newest [`Subscribe`] version this hub takes on a WebSocket (0: none,
    /// an older hub: a page then opens a new stream to show another host).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub subscribe: u32,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// "Still here": the newest seq, so a client can tell it missed nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    /// The newest seq.
    pub seq: u64,
    /// The server clock, in ms since the Unix epoch.
    pub ts: i64,
}

wire_names! {
    /// Why some frames cannot be delivered.
    pub enum GapReason {
        /// The requested position is older than the history the server keeps.
        TooOld = "too_old",
        /// The client's epoch is not this server run's (the server restarted).
        EpochChanged = "epoch_changed",
        /// The client fell too far behind the live stream and frames were skipped.
        Lagged = "lagged",
    }
}

/// An explicit hole in the stream: the client draws a break here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// Why frames are missing.
    pub reason: GapReason,
    /// The first seq that follows the hole.
    pub next_seq: u64,
    /// How many frames are gone, when known (same epoch only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed: Option<u64>,
}

/// The server is closing this stream on purpose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bye {
    /// Why, in words (`restarting`, `overloaded`).
    pub reason: String,
    /// When to come back, in milliseconds.
    pub retry_ms: u64,
}

/// What a WebSocket client may send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Asks for a heartbeat at once (to measure round trips or probe a link).
    Ping,
    /// Shows another host on this same socket.
    Subscribe(Subscribe),
}

/// `{"type":"subscribe","v":1,"host":ID,"resume":{"epoch":E,"seq":N}}`: the
/// socket's stream becomes host `ID`'s (or the `@fleet` summary's), resumed after
/// `resume` as a new socket with `?since=&epoch=` would be. The hub answers with
/// that stream's `hello`, then its gap and backlog, then its live frames; nothing
/// of the previous stream follows its `hello`. A hub that cannot do it answers an
/// `error` and goes on with the previous stream. Pages that never send it (and
/// hubs older than it, whose `hello` has no `subscribe`) work as before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subscribe {
    /// The message's version: [`crate::SUBSCRIBE_VERSION`]; a hub refuses a newer one.
    pub v: u32,
    /// A host id as `GET /api/v1/hosts` lists it, or `@fleet`.
    pub host: String,
    /// Where the page's frames of that host end, if it has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<Cursor>,
    /// The page takes the `@fleet` summary in columns ([`crate::fleet::Columns`]);
    /// a hub that does not know it sends the keyed frames, which the page reads too.
    #[serde(default, skip_serializing_if = "is_false")]
    pub columns: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Subscribe {
    /// The message as serde writes it, for the web app (which ships no serializer).
    pub fn to_json(&self) -> String {
        use crate::json::quote;
        let resume = match &self.resume {
            Some(cursor) => format!(r#","resume":{{"epoch":{},"seq":{}}}"#, quote(&cursor.epoch.0), cursor.seq),
            None => String::new(),
        };
        let columns = if self.columns { r#","columns":true"# } else { "" };
        format!(r#"{{"type":"subscribe","v":{},"host":{}{resume}{columns}}}"#, self.v, quote(&self.host))
    }
}
