//! The cap on what the libraries under the hub and the agent may log, whatever
//! `RUST_LOG` says: at trace level tungstenite prints the agent's whole upgrade
//! request, `authorization: Bearer …` included, and the HTTP and TLS libraries
//! print what they read and write. The token must never reach a log line, so
//! these libraries say nothing below debug. Pulse's own modules are not capped.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::EnvFilter;

/// The libraries capped at debug: every one that may print a request's headers
/// or bytes at trace level.
pub const CAPPED: [&str; 10] = [
    "tungstenite",
    "tokio_tungstenite",
    "hyper",
    "hyper_util",
    "h2",
    "http",
    "reqwest",
    "rustls",
    "tokio_rustls",
    "axum",
];

/// A filter that lets through everything but the trace events of [`CAPPED`]
/// (and of their modules): a layer beside `RUST_LOG`'s filter, so that no
/// directive of `RUST_LOG`, however specific, lets them back in.
pub fn cap() -> Targets {
    CAPPED.iter().fold(Targets::new().with_default(LevelFilter::TRACE), |targets, target| {
        targets.with_target(*target, LevelFilter::DEBUG)
    })
}

/// The most verbose `log` record (tungstenite's, hyper's: libraries that log
/// through the `log` crate) that `filter` can let through, for `log`'s own
/// global cap. tracing's bridge sets that cap from the layers' joint hint, which
/// is trace because [`cap`] lets everything else through; a `log::trace!` in
/// tungstenite's read of every message then went all the way to the filters
/// (3 % of a hub's CPU under 2,500 agents). Beside [`cap`], `filter` decides.
pub fn log_level(filter: &EnvFilter) -> log::LevelFilter {
    use tracing::Level;
    // No hint: the filter cannot say, so nothing is capped.
    let Some(hint) = filter.max_level_hint() else { return log::LevelFilter::Trace };
    match hint.into_level() {
        None => log::LevelFilter::Off,
        Some(Level::ERROR) => log::LevelFilter::Error,
        Some(Level::WARN) => log::LevelFilter::Warn,
        Some(Level::INFO) => log::LevelFilter::Info,
        Some(Level::DEBUG) => log::LevelFilter::Debug,
        Some(Level::TRACE) => log::LevelFilter::Trace,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn libraries_that_print_headers_stop_at_debug_and_pulse_does_not() {
        let cap = cap();
        let cases = [
            // target, level, let through
            ("tungstenite::handshake::client", Level::TRACE, false),
            ("tungstenite::handshake::client", Level::DEBUG, true),
            ("tokio_tungstenite", Level::TRACE, false),
            ("hyper::proto::h1::io", Level::TRACE, false),
            ("hyper_util::client", Level::TRACE, false),
            ("reqwest::connect", Level::TRACE, false),
            ("rustls::client::hs", Level::TRACE, false),
            ("hyper", Level::INFO, true),
            ("pulse_server::routes::agent", Level::TRACE, true),
            ("pulse_web", Level::TRACE, true),
        ];
        for (target, level, through) in cases {
            assert_eq!(cap.would_enable(target, &level), through, "{target} at {level}");
        }
    }

    #[test]
    fn log_records_are_capped_at_what_rust_log_can_let_through() {
        let cases = [
            // RUST_LOG, the `log` crate's cap
            ("info", log::LevelFilter::Info),
            ("warn", log::LevelFilter::Warn),
            ("error", log::LevelFilter::Error),
            ("off", log::LevelFilter::Off),
            ("debug", log::LevelFilter::Debug),
            ("info,pulse_server=debug", log::LevelFilter::Debug),
            ("trace", log::LevelFilter::Trace),
            ("warn,tungstenite=trace", log::LevelFilter::Trace),
            // A span-field filter can let anything through inside its spans.
            ("info,[agent{host=a}]=debug", log::LevelFilter::Trace),
        ];
        for (rust_log, want) in cases {
            assert_eq!(log_level(&EnvFilter::new(rust_log)), want, "{rust_log}");
        }
    }
}
