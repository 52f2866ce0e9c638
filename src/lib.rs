//! Pulse's web app: a live host-monitoring dashboard in Leptos.
//!
//! `main.rs` only mounts [`app::App`]; everything lives here so tests can reach it.

pub mod access;
pub mod alerts;
pub mod app;
#[cfg(feature = "bench")]
pub mod bench;
pub mod charts;
pub mod components;
pub mod config;
pub mod connection;
pub mod fleet;
pub mod format;
pub mod history;
pub mod hooks;
pub mod host_quiet;
pub mod host_status;
pub mod hub_notice;
pub mod live;
pub mod paint;
pub mod probe;
pub mod range;
pub mod split;
pub mod store;
pub mod transport;
