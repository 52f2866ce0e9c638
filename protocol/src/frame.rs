//! One sample of a host: every series' value at one instant.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fleet::Columns;

pub(crate) mod values;

/// One sample of one host, numbered by `seq` within the server's epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Strictly increasing within an epoch, with no holes: a missing seq is a lost frame.
    pub seq: u64,
    /// When the host was sampled, in milliseconds since the Unix epoch (server clock).
    pub ts: i64,
    /// The host this sample describes.
    pub host: String,
    /// Each series' value, by series id (see the catalogue for units).
    #[serde(deserialize_with = "values::deserialize")]
    pub values: BTreeMap<String, f64>,
    /// The busiest processes at this instant; empty when not sampled.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub top: Vec<ProcessInfo>,
    /// A fleet summary's values in columns, to a page that asked for them (`values`
    /// is then empty); absent everywhere else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Columns>,
}

/// One process in the "top processes" table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessInfo {
    /// Process id.
    pub pid: u32,
    /// Executable name.
    pub name: String,
    /// CPU use in percent of one core (can exceed 100 on several cores).
    pub cpu: f64,
    /// Resident memory in bytes.
    pub mem: u64,
}
