//! The series catalogue: what each series is, where it comes from and its unit.

use serde::{Deserialize, Serialize};

/// Every series the server streams, in a stable display order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Catalog {
    /// The series, ordered as a dashboard should show them.
    pub series: Vec<SeriesInfo>,
}

impl Catalog {
    /// Looks a series up by its id.
    pub fn get(&self, id: &str) -> Option<&SeriesInfo> {
        self.series.iter().find(|s| s.id == id)
    }
}

/// One series: a named stream of numbers from one host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesInfo {
    /// Unique id of the series on its host, e.g. `cpu.total`, `net.rx.eth0`.
    pub id: String,
    /// The host that produces it; one host is just the simplest case.
    pub host: String,
    /// The panel it belongs to, e.g. `cpu`, `memory`, `network`.
    pub group: String,
    /// A human label, e.g. `core 3`, `eth0 receive`.
    pub label: String,
    /// The unit of every value.
    pub unit: Unit,
    /// Whether the value is a level or a rate computed from a counter.
    pub kind: SeriesKind,
}

/// The unit a value is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Percent, 0 to 100.
    Percent,
    /// Bytes.
    Bytes,
    /// Bytes per second.
    BytesPerSecond,
    /// Load average (runnable tasks).
    Load,
    /// A plain count.
    Count,
    /// Seconds.
    Seconds,
}

/// How a series was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// A level read as it is (memory used, load).
    Gauge,
    /// A rate computed on the server from a counter (bytes/s).
    Rate,
}
