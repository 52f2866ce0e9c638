//! Pulse's alerts, the pure core: nothing here reads a clock, a file or a socket.
//!
//! - [`rules`]: the rules file (`--alerts FILE`, TOML) read into [`rules::Rules`], with
//!   every problem reported by line and column; one rule from the UI read the same way.
//! - [`ruleset`]: the file's rules and the UI's merged into the set in force, with
//!   the mutes, and which changes an admin may make.
//! - [`state`]: the state machine of one rule on one host: samples, host status and
//!   time in, notifications ([`state::Event`]) out.
//! - [`webhook`]: Standard Webhooks 1.0: the JSON envelope, the stable message id and
//!   the `webhook-signature` header.
//! - [`retry`]: when to try a delivery again, and what an answer means.
//! - [`presets`]: the same notification as the bodies Slack, Discord, ntfy, Gotify and
//!   Microsoft Teams expect.
//!
//! The hub owns the edges: it feeds samples and ticks to [`state::step`], keeps the
//! states and the outbox on disk, and sends what [`webhook`] or [`presets`] built on
//! the schedule [`retry`] gives.

pub mod presets;
pub mod retry;
pub mod rules;
pub mod ruleset;
pub mod severity;
pub mod state;
pub mod webhook;

pub use severity::Severity;
