//! How bad an alert is: `warning` or `critical`, ordered so that `critical` is the
//! greater (escalating means moving up).

use serde::{Deserialize, Serialize};

/// An alert's level. A rule has one or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look.
    Warning,
    /// Worth waking someone.
    Critical,
}

impl Severity {
    /// Both levels, the lesser first.
    pub const ALL: [Severity; 2] = [Severity::Warning, Severity::Critical];

    /// The name in the rules file and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// The severity called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|severity| severity.as_str() == name)
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
