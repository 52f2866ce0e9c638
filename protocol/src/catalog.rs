//! The series catalogue: what each series is, where it comes from and its unit.

use serde::{Deserialize, Serialize};

use crate::names::wire_names;

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
    /// Unique id of the series on its host, e.g. `cpu.total`, `net.rx:eth0` (a
    /// series per instance is `name:instance`).
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

wire_names! {
    /// The unit a value is expressed in.
    pub enum Unit {
        /// Percent, 0 to 100.
        Percent = "percent",
        /// Bytes.
        Bytes = "bytes",
        /// Bytes per second.
        BytesPerSecond = "bytes_per_second",
        /// Load average (runnable tasks).
        Load = "load",
        /// A plain count.
        Count = "count",
        /// Seconds.
        Seconds = "seconds",
    }
}

wire_names! {
    /// How a series was measured.
    pub enum SeriesKind {
        /// A level read as it is (memory used, load).
        Gauge = "gauge",
        /// A rate computed on the server from a counter (bytes/s).
        Rate = "rate",
    }
}
