//! The fleet's model, pure so that every rule is a table test: one [`HostRow`] per
//! host from `/api/v1/hosts` and the newest `@fleet` summary values ([`rows`]),
//! the overview's sorting, filtering and grouping ([`table`]), and a host's history
//! picture drawn as its summary column in the compare view ([`picture`]).

pub mod order;
pub mod picture;
pub mod rows;
pub mod table;

use std::collections::BTreeMap;

use pulse_protocol::fleet::Metric;
use pulse_protocol::HostStatus;

pub use rows::rows;
pub use table::{arrange, multiples, Item, Sort, SortKey, MULTIPLES_HEADING};

/// The metrics the overview shows per host, in column order.
pub const COLUMNS: [Metric; 7] =
    [Metric::Cpu, Metric::Mem, Metric::Rx, Metric::Tx, Metric::Disk, Metric::Load, Metric::Uptime];

/// One host as the overview shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HostRow {
    /// Its id (`?host=ID`).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its tags.
    pub tags: BTreeMap<String, String>,
    /// Up, stale or down, as the newest summary says.
    pub status: HostStatus,
    /// When it was last sampled, ms since the Unix epoch (0: never).
    pub last_seen: f64,
    /// The newest value of each of [`COLUMNS`]; `None` unless the host is up.
    pub values: [Option<f64>; COLUMNS.len()],
}

impl HostRow {
    /// The newest value of `metric`, if the host is up and reported it.
    pub fn value(&self, metric: Metric) -> Option<f64> {
        COLUMNS.iter().position(|m| *m == metric).and_then(|i| self.values[i])
    }
}
