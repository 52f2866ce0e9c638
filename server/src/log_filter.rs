//! The cap on what the libraries under the hub and the agent may log, whatever
//! `RUST_LOG` says: at trace level tungstenite prints the agent's whole upgrade
//! request, `authorization: Bearer …` included, and the HTTP and TLS libraries
//! print what they read and write. The token must never reach a log line, so
//! these libraries say nothing below debug. Pulse's own modules are not capped.

use tracing_subscriber::filter::{LevelFilter, Targets};

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
}
