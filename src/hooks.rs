//! Hooks that connect components to the outside world.
//!
//! [`use_live_metrics`] runs the pure connection engine (`crate::connection`) with
//! real transports (`crate::transport`), timers, `localStorage` and page-lifecycle
//! listeners, and hands components signals (`crate::live::LiveMetrics`). It also
//! maintains `window.__pulse` for end-to-end tests (fields listed in `hooks/debug.rs`).

pub mod access;
mod admin;
mod alert_rules;
mod backfill;
mod catalog;
mod debug;
mod fleet_hosts;
mod history_picture;
mod lifecycle;
mod navigation;
mod notifications;
mod past_alerts;
mod remember;
mod remove_host;
mod runner;
mod shown;
mod sinks;
mod slots;
mod spark_seeds;
mod use_live_metrics;

pub use access::{use_access, Access, SignInForm};
pub use admin::{page_for, use_admin, Admin, Change, Revealed};
pub use alert_rules::{use_alert_rules, AlertAction, AlertsAdmin};
pub use backfill::INITIAL_BACKFILL_MS;
pub use history_picture::{
    use_history_picture, HistoryClient, Picture, PictureInputs, PictureState, Reshape, DEBOUNCE_MS,
};
pub use notifications::{use_alert_notifications, Notifications};
pub use past_alerts::{use_past_alerts, PastAlerts};
pub use remove_host::{use_host_removal, HostRemoval};
pub use spark_seeds::{spark_points, use_spark_seeds};
pub use use_live_metrics::use_live_metrics;
