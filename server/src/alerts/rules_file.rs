//! `--alerts FILE`: read at start, again when it changes (its modification time and
//! size, looked at every second) and on SIGHUP. A file with problems is logged, one
//! line per problem with its line and column, and changes nothing: the rules read
//! before stay in force.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use pulse_alerts::rules::{Rules, RulesError};
use tokio::sync::watch;

/// How often the file's modification time is looked at.
const POLL: Duration = Duration::from_secs(1);

/// Why a rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// It could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// It has problems.
    #[error("{0}")]
    Rules(#[from] RulesError),
}

/// What identifies one version of the file.
type Stamp = Option<(SystemTime, u64)>;

/// Reads and checks the file.
pub fn load(path: &Path) -> Result<Rules, LoadError> {
    let text =
        std::fs::read_to_string(path).map_err(|error| LoadError::Io { path: path.display().to_string(), error })?;
    Ok(Rules::parse(&text)?)
}

/// Reads the file at start: its rules and `true`, or none and `false` (logged)
/// when it has problems.
pub fn first(path: &Path) -> (Arc<Rules>, bool) {
    match load(path) {
        Ok(rules) => {
            log_loaded(path, &rules);
            (Arc::new(rules), true)
        }
        Err(error) => {
            log_problems(path, &error, "no rules are in force until it is fixed");
            (Arc::new(Rules { webhooks: Vec::new(), rules: Vec::new() }), false)
        }
    }
}

/// Watches the file until `rules` has no receiver left, sending each good new version.
pub fn spawn(path: PathBuf, rules: watch::Sender<Arc<Rules>>) {
    tokio::spawn(async move {
        let mut hangup = hangups();
        let mut seen = stamp(&path);
        let mut ticks = tokio::time::interval(POLL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let forced = tokio::select! {
                _ = ticks.tick() => false,
                Some(()) = next_hangup(&mut hangup) => true,
            };
            if rules.is_closed() {
                return;
            }
            let now = stamp(&path);
            if !forced && now == seen {
                continue;
            }
            seen = now;
            match load(&path) {
                Ok(new) if *rules.borrow().as_ref() == new => {}
                Ok(new) => {
                    log_loaded(&path, &new);
                    rules.send_replace(Arc::new(new));
                }
                Err(error) => log_problems(&path, &error, "the rules read before stay in force"),
            }
        }
    });
}

fn stamp(path: &Path) -> Stamp {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn log_loaded(path: &Path, rules: &Rules) {
    tracing::info!(
        file = %path.display(),
        rules = rules.rules.len(),
        webhooks = rules.webhooks.len(),
        "alert rules read"
    );
}

fn log_problems(path: &Path, error: &LoadError, consequence: &str) {
    match error {
        LoadError::Rules(RulesError { problems }) => {
            for problem in problems {
                tracing::error!(file = %path.display(), "alert rules: {problem}");
            }
            tracing::error!(file = %path.display(), problems = problems.len(), "the alert rules file has problems; {consequence}");
        }
        LoadError::Io { .. } => tracing::error!("alert rules: {error}; {consequence}"),
    }
}

#[cfg(unix)]
type Hangups = Option<tokio::signal::unix::Signal>;
#[cfg(not(unix))]
type Hangups = ();

#[cfg(unix)]
fn hangups() -> Hangups {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok()
}

#[cfg(not(unix))]
fn hangups() -> Hangups {}

#[cfg(unix)]
async fn next_hangup(hangup: &mut Hangups) -> Option<()> {
    match hangup {
        Some(signal) => signal.recv().await,
        None => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn next_hangup(_: &mut Hangups) -> Option<()> {
    std::future::pending().await
}
