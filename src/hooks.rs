//! Hooks that connect components to the outside world.

mod debug;
mod lifecycle;
mod remember;
mod runner;
mod use_live_metrics;

pub use use_live_metrics::use_live_metrics;
