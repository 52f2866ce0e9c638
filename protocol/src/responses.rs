//! Bodies of the plain HTTP endpoints: poll and history.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Epoch, ServerMessage};

/// The largest time in milliseconds a query (`from=`, `to=`) may name (the least
/// is 0, 1970): the largest whole number a browser holds exactly (2^53 − 1, about
/// 285,000 years).
pub const MAX_QUERY_MS: i64 = (1 << 53) - 1;

/// The longest window `GET /api/v1/history?width=` draws: ten years, twice what
/// the store's coarsest tier keeps, so a window's step stays a span of time a
/// chart can mean. The page's range picker holds to it too.
pub const MAX_DRAWN_WINDOW_MS: i64 = 10 * 366 * 24 * 60 * 60 * 1000;

/// Answer to `GET /api/v1/poll`: the messages after the client's cursor.
///
/// `M` is how each message is held. Readers get [`ServerMessage`]s (the default);
/// the server writes messages it has already serialised (each frame once, for every
/// transport) as raw JSON, through this same type, so the shape is defined once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PollResponse<M = ServerMessage> {
    /// This server run.
    pub epoch: Epoch,
    /// Pass this back as `since` in the next poll.
    pub next: u64,
    /// `hello` (first poll or new epoch), `gap`, and `frame`s in seq order; empty on timeout.
    pub messages: Vec<M>,
}

/// Answer to `GET /api/v1/history`: columns of values, aligned with `ts`.
///
/// With `width=PIXELS` the rows are not samples but a picture of the window
/// `[from, to)` cut into `width` columns of `step_ms` each: a column that holds
/// data gives two rows, at its start and at its middle, with each series' minimum
/// and then its maximum in that column (`null` for a series with no value there);
/// a run of columns without any data gives one row of `null`s at its start, so a
/// chart draws a break. `tier` names the store tier that answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// This server run.
    pub epoch: Epoch,
    /// seq of the first row, rows are consecutive.
    pub first_seq: u64,
    /// seq of the last row; stream with `since=last_seq` to continue without a hole.
    pub last_seq: u64,
    /// Sample times, ms since the Unix epoch.
    pub ts: Vec<i64>,
    /// Per series id, one value per row (`null` where the series had no value).
    pub series: BTreeMap<String, HistorySeries>,
    /// With `width=`: the tier that answered: `raw` (every sample), `1m` or `1h`
    /// (rollups); `live` when the hub's memory window answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// With `width=`: each pixel column's span in ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_ms: Option<f64>,
}

/// One series' column in a [`HistoryResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistorySeries {
    /// The host of the series.
    pub host: String,
    /// One value per row of `ts`.
    pub values: Vec<Option<f64>>,
}
