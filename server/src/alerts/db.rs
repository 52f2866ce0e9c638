//! The alerts file, `alerts.db` in `--data` (SQLite, WAL, `synchronous=FULL`: a
//! notification is on disk before it is first sent), or in memory without a data
//! directory. It holds the state of every rule on every host (`states`), the past
//! alerts (`episodes`), the outbox (`outbox`: one row per notification and webhook,
//! with its delivery status) and the webhooks a receiver disabled with 410
//! (`disabled`, by a digest of the URL: a URL may carry a token), and the rules
//! admins made in the UI with every rule's mute (`db/rules`). No secret is written
//! here; the body is the Standard Webhooks envelope, signed at each attempt.

mod outbox;
mod rules;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use pulse_alerts::state::State;
use rusqlite::{params, Connection};

pub use outbox::{Head, LogRow, NOT_HANDED_OVER};

/// The file's name in the data directory.
pub const FILE: &str = "alerts.db";

/// `application_id` of an alerts file ("PuAl").
const APPLICATION_ID: i64 = 0x5075_416c;
/// The schema's version.
const VERSION: i64 = 1;

/// Why the alerts file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite failed.
    #[error("alerts.db: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file is another program's, or a newer Pulse's.
    #[error("alerts.db: {0}")]
    Foreign(String),
    /// A stored state could not be read back.
    #[error("alerts.db: a stored state is unreadable: {0}")]
    State(#[from] serde_json::Error),
}

/// The open file.
pub struct Db {
    connection: Mutex<Connection>,
}

/// A rule on a host, as stored.
pub type Key = (String, String);

/// A notification to queue.
pub struct Queued {
    /// The Standard Webhooks message id.
    pub id: String,
    /// The webhook's name.
    pub webhook: String,
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// `alert.firing`, …
    pub kind: &'static str,
    /// The envelope's JSON.
    pub body: Vec<u8>,
}

/// A past alert, as stored.
pub struct Episode {
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// Its level when it resolved.
    pub severity: Option<&'static str>,
    /// When it began firing.
    pub since: i64,
    /// When it resolved.
    pub until: i64,
    /// The value it resolved on.
    pub value: Option<f64>,
}

/// A past alert read back.
pub struct PastRow {
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// Its level.
    pub severity: Option<String>,
    /// When it began firing.
    pub since: i64,
    /// When it resolved.
    pub until: i64,
    /// Its last value.
    pub value: Option<f64>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS states (
    rule TEXT NOT NULL, host TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (rule, host));
CREATE TABLE IF NOT EXISTS episodes (
    rule TEXT NOT NULL, host TEXT NOT NULL, severity TEXT, since INTEGER NOT NULL,
    until INTEGER NOT NULL, value REAL);
CREATE INDEX IF NOT EXISTS episodes_by_until ON episodes (until);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, webhook TEXT NOT NULL,
    rule TEXT NOT NULL, host TEXT NOT NULL, kind TEXT NOT NULL, body BLOB NOT NULL,
    created INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, first_attempt INTEGER, next_attempt INTEGER NOT NULL,
    last_error TEXT, UNIQUE (id, webhook));
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, webhook, rule, host, seq);
CREATE TABLE IF NOT EXISTS disabled (
    webhook TEXT NOT NULL, url_digest TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (webhook, url_digest));
";

impl Db {
    /// Opens (or makes) `alerts.db` in `dir`, or a file in memory without one.
    pub fn open(dir: Option<&Path>) -> Result<Db, DbError> {
        let connection = match dir {
            Some(dir) => {
                let _ = std::fs::create_dir_all(dir);
                Connection::open(dir.join(FILE))?
            }
            None => Connection::open_in_memory()?,
        };
        let id: i64 = connection.query_row("PRAGMA application_id", [], |row| row.get(0))?;
        let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if id != 0 && id != APPLICATION_ID {
            return Err(DbError::Foreign(format!("not a Pulse alerts file (application_id {id:#x})")));
        }
        if version > VERSION {
            return Err(DbError::Foreign(format!(
                "written by a newer Pulse (schema {version}, this one reads {VERSION})"
            )));
        }
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "busy_timeout", 5_000)?;
        connection.execute_batch(SCHEMA)?;
        connection.execute_batch(rules::SCHEMA)?;
        connection.pragma_update(None, "application_id", APPLICATION_ID)?;
        connection.pragma_update(None, "user_version", VERSION)?;
        Ok(Db { connection: Mutex::new(connection) })
    }

    /// Every stored state.
    pub fn states(&self) -> Result<Vec<(Key, State)>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare("SELECT rule, host, state FROM states")?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))?;
        let mut states = Vec::new();
        for row in rows {
            let (rule, host, text) = row?;
            states.push(((rule, host), serde_json::from_str(&text)?));
        }
        Ok(states)
    }

    /// Writes what one round of evaluation changed, in one transaction: states
    /// (`None`: forget it), past alerts, and notifications to queue (a notification
    /// already queued, by id and webhook, is left as it is).
    pub fn write(
        &self,
        states: &[(Key, Option<State>)],
        episodes: &[Episode],
        queued: &[Queued],
        now: i64,
    ) -> Result<(), DbError> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        for ((rule, host), state) in states {
            match state {
                Some(state) => {
                    transaction.execute(
                        "INSERT INTO states (rule, host, state) VALUES (?1, ?2, ?3)
                         ON CONFLICT (rule, host) DO UPDATE SET state = excluded.state",
                        params![rule, host, serde_json::to_string(state)?],
                    )?;
                }
                None => {
                    transaction.execute("DELETE FROM states WHERE rule = ?1 AND host = ?2", params![rule, host])?;
                }
            }
        }
        for episode in episodes {
            transaction.execute(
                "INSERT INTO episodes (rule, host, severity, since, until, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![episode.rule, episode.host, episode.severity, episode.since, episode.until, episode.value],
            )?;
        }
        for item in queued {
            transaction.execute(
                "INSERT OR IGNORE INTO outbox (id, webhook, rule, host, kind, body, created, next_attempt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                params![item.id, item.webhook, item.rule, item.host, item.kind, item.body, now],
            )?;
        }
        transaction.commit()?;
        Ok(())
    }

    /// The newest `limit` past alerts.
    pub fn past(&self, limit: usize) -> Result<Vec<PastRow>, DbError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare("SELECT rule, host, severity, since, until, value FROM episodes ORDER BY until DESC LIMIT ?1")?;
        let rows = statement.query_map(params![limit as i64], |row| {
            Ok(PastRow {
                rule: row.get(0)?,
                host: row.get(1)?,
                severity: row.get(2)?,
                since: row.get(3)?,
                until: row.get(4)?,
                value: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.connection.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_and_a_foreign_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("pulse-alerts-db-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let db = Db::open(Some(&dir)).expect("open");
            let key = ("cpu".to_owned(), "h".to_owned());
            db.write(&[(key.clone(), Some(State::new(5)))], &[], &[], 5).expect("write");
            let states = db.states().expect("states");
            assert_eq!(states, vec![(key, State::new(5))]);
        }
        let connection = Connection::open(dir.join(FILE)).expect("open raw");
        connection.pragma_update(None, "application_id", 7).expect("pragma");
        drop(connection);
        assert!(matches!(Db::open(Some(&dir)), Err(DbError::Foreign(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
