//! The hub status message (`{"type":"hub",…}` on every stream): what a page should
//! know of the hub serving it that is not data. For now one thing: whether the
//! hub's link to the shared log (Redis, with `--redis`) is down, and since when.
//!
//! A stream carries it only to a client that asks (`hub=REV` in the stream's query),
//! after `hello` (every stream opened with `hub=0` gets one, so a page that moved
//! from another hub knows what this one says) and whenever it changes, like the
//! live alerts message: it carries
//! no `seq` and moves no cursor, and an older page never meets it.

use serde::{Deserialize, Serialize};

/// The hub's condition as of `rev`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HubStatus {
    /// Which status this is: a new number whenever it changes, never 0 (what a page
    /// sends when it holds none). Compare for equality only.
    pub rev: u64,
    /// Since when (ms since the Unix epoch) the hub has not reached the shared log;
    /// none while it does, and on a hub without one.
    pub redis_down_since: Option<i64>,
}
