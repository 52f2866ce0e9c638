//! The alerts the page shows, pure so that every rule is a table test: the header's
//! count and worst severity and a host's badge ([`summary`]), the alerts page's
//! rows and filters ([`list`]), which alerts deserve a desktop notification
//! ([`notify`]), and what a chart marks ([`marks`]). The live set arrives on the
//! page's stream (`{"type":"alerts"}`); past alerts from `GET /api/v1/alerts?history=1`.

pub mod list;
pub mod marks;
pub mod notify;
pub mod summary;

pub use list::{Filter, Row};
pub use summary::Badge;
