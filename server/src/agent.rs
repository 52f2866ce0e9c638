//! The agent: `pulse-server agent` samples this host exactly as a hub samples its
//! own (a local [`Hub`] and the same sampler), keeps the recent frames in that
//! hub's history ring (the buffer), and pushes them to a remote hub over one
//! outbound WebSocket (`pulse_protocol::agent`). When the link drops it backs off
//! with full jitter and resumes where the hub's copy ends, so a hub out of reach
//! for less than `--buffer` loses nothing.

pub mod backoff;
pub mod buffer;
pub mod config;
pub mod dial;
pub mod hub_url;
pub mod identity;
pub mod link;
pub mod refusal;
pub mod tls;

use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use tokio::sync::watch;

use crate::hub::{Hub, Timing};
use crate::sampler;
use config::AgentConfig;
use identity::Identity;
use link::LinkEnd;

/// The agent's heartbeat: the longest silence on the link before a `heartbeat`.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// How long the agent waits for its first sample before it connects.
const FIRST_FRAME_WAIT: Duration = Duration::from_secs(3);

/// Why the agent could not start, or stopped on its own.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// A hub refused what the agent is (its name, tags or version headers): no
    /// retry can succeed, so the agent exits with the hub's words.
    #[error("{0}; not retrying: change the agent's flags")]
    Refused(String),
    /// No TLS client for an `https` hub.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// The sampler thread did not start.
    #[error("cannot start the sampler: {0}")]
    Sampler(std::io::Error),
}

/// Runs the agent until Ctrl-C or SIGTERM.
pub async fn run(config: AgentConfig) -> Result<(), AgentError> {
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(async move {
        crate::shutdown::signal().await;
        stop.send_replace(true);
    });
    serve(config, stopped).await
}

/// Runs the agent until `stop` turns true: samples, and keeps a link to one of the
/// hubs open, moving to the next hub when one fails.
pub async fn serve(config: AgentConfig, mut stop: watch::Receiver<bool>) -> Result<(), AgentError> {
    let identity = Identity::new(config.name.as_deref(), config.tag_map());
    let tls = match config.hubs.iter().any(|hub| hub.tls) {
        true => Some(tls::connector(config.ca.as_deref())?),
        false => None,
    };
    let timing = Timing { interval: config.interval, heartbeat: HEARTBEAT, history: config.buffer };
    let hub = Arc::new(Hub::new(identity.name.clone(), timing));
    let samples = sampler::spawn(hub.host().to_owned(), config.interval).map_err(AgentError::Sampler)?;
    tokio::spawn(crate::hub::publisher::run(Arc::clone(&hub), samples));
    hub.first_frame(FIRST_FRAME_WAIT).await;
    tracing::info!(
        id = %identity.id,
        name = %identity.name,
        interval = ?config.interval,
        "{}",
        buffer::describe(&hub, config.buffer)
    );

    let mut attempt: u32 = 0;
    let mut index = 0;
    loop {
        let target = &config.hubs[index % config.hubs.len()];
        let dialled = tokio::select! {
            dialled = dial::dial(target, tls.as_ref(), &config.token, &identity) => dialled,
            _ = stop.wait_for(|stopped| *stopped) => break,
        };
        let retry_after = match dialled {
            Ok(socket) => {
                tracing::info!(hub = %target, id = %identity.id, "connected to the hub");
                attempt = 0;
                match link::run(socket, Arc::clone(&hub), &identity.id, stop.clone()).await {
                    LinkEnd::Stopped => break,
                    LinkEnd::Lost(why) => tracing::warn!(hub = %target, "lost the link: {why}"),
                }
                None
            }
            Err(error) if error.is_final() => {
                tracing::error!(hub = %target, "cannot use this hub: {error}");
                hub.begin_shutdown();
                return Err(AgentError::Refused(error.to_string()));
            }
            Err(error) => {
                attempt = attempt.saturating_add(1);
                index += 1;
                tracing::warn!(hub = %target, "cannot use this hub: {error}");
                error.retry_after()
            }
        };
        let wait = backoff::delay(attempt, rand::rng().random::<f64>(), retry_after);
        let next = &config.hubs[index % config.hubs.len()];
        tracing::info!(hub = %next, "reconnecting in {:.1} s", wait.as_secs_f64());
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stop.wait_for(|stopped| *stopped) => break,
        }
    }
    tracing::info!("agent stopped");
    hub.begin_shutdown();
    Ok(())
}
