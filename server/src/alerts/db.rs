//! The alerts file, `alerts.db` in `--data` (SQLite, WAL, `synchronous=FULL`: a
//! notification is on disk before it is first sent), or in memory without a data
//! directory. It holds the state of every rule on every host (`states`), the past
//! alerts (`episodes`), the outbox (`outbox`: one row per notification and webhook,
//! with its delivery status) and the webhooks a receiver disabled with 410
//! (`disabled`, by a digest of the URL: a URL may carry a token). No secret is
//! written here; the body is the Standard Webhooks envelope, signed at each attempt.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use pulse_alerts::state::State;
use rusqlite::{params, Connection, OptionalExtension};

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

/// A pending notification at the head of its line.
#[derive(Debug, Clone)]
pub struct Head {
    /// Its row.
    pub seq: i64,
    /// The message id.
    pub id: String,
    /// The webhook's name.
    pub webhook: String,
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// The envelope's JSON.
    pub body: Vec<u8>,
    /// Attempts made.
    pub attempts: u32,
    /// When the first attempt was made.
    pub first_attempt: Option<i64>,
    /// When it is due.
    pub next_attempt: i64,
}

/// One row of the delivery log.
pub struct LogRow {
    /// The message id.
    pub id: String,
    /// The webhook's name.
    pub webhook: String,
    /// The rule.
    pub rule: String,
    /// The host's id.
    pub host: String,
    /// `alert.firing`, …
    pub kind: String,
    /// `pending`, `delivered`, `failed`, `disabled`.
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it is due (pending).
    pub next_attempt: Option<i64>,
    /// When it was queued.
    pub created: i64,
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

    /// Makes every pending notification due by `now` (a hub starting again tries
    /// them at once, whatever their schedule said).
    pub fn due_now(&self, now: i64) -> Result<usize, DbError> {
        let connection = self.lock();
        Ok(connection.execute(
            "UPDATE outbox SET next_attempt = ?1 WHERE status = 'pending' AND next_attempt > ?1",
            params![now],
        )?)
    }

    /// The oldest pending notification of each (webhook, rule, host): the only one
    /// of its line that may be sent, so each line is delivered in order.
    pub fn heads(&self) -> Result<Vec<Head>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT seq, id, webhook, rule, host, body, attempts, first_attempt, next_attempt FROM outbox
             WHERE seq IN (SELECT MIN(seq) FROM outbox WHERE status = 'pending' GROUP BY webhook, rule, host)",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Head {
                seq: row.get(0)?,
                id: row.get(1)?,
                webhook: row.get(2)?,
                rule: row.get(3)?,
                host: row.get(4)?,
                body: row.get(5)?,
                attempts: row.get(6)?,
                first_attempt: row.get(7)?,
                next_attempt: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Notes an attempt of row `seq`: its new status, when it is due next (pending),
    /// and the error, if any.
    pub fn attempted(
        &self,
        seq: i64,
        status: &str,
        first_attempt: i64,
        next_attempt: i64,
        error: Option<&str>,
    ) -> Result<(), DbError> {
        let connection = self.lock();
        connection.execute(
            "UPDATE outbox SET status = ?2, attempts = attempts + 1, first_attempt = ?3, next_attempt = ?4,
             last_error = ?5 WHERE seq = ?1",
            params![seq, status, first_attempt, next_attempt, error],
        )?;
        Ok(())
    }

    /// Settles row `seq` as `status` without an attempt (its webhook was disabled).
    pub fn settle(&self, seq: i64, status: &str, why: &str) -> Result<(), DbError> {
        let connection = self.lock();
        connection
            .execute("UPDATE outbox SET status = ?2, last_error = ?3 WHERE seq = ?1", params![seq, status, why])?;
        Ok(())
    }

    /// Puts row `seq` off until `next_attempt` without counting an attempt (its
    /// webhook is not in the rules file now).
    pub fn postpone(&self, seq: i64, next_attempt: i64, why: &str) -> Result<(), DbError> {
        let connection = self.lock();
        connection.execute(
            "UPDATE outbox SET next_attempt = ?2, last_error = ?3 WHERE seq = ?1",
            params![seq, next_attempt, why],
        )?;
        Ok(())
    }

    /// Disables `webhook` at `url_digest` (its receiver said 410): every pending
    /// notification to it is marked disabled.
    pub fn disable(&self, webhook: &str, url_digest: &str, now: i64) -> Result<(), DbError> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        transaction.execute(
            "INSERT OR IGNORE INTO disabled (webhook, url_digest, at) VALUES (?1, ?2, ?3)",
            params![webhook, url_digest, now],
        )?;
        transaction.execute(
            "UPDATE outbox SET status = 'disabled' WHERE webhook = ?1 AND status = 'pending'",
            params![webhook],
        )?;
        transaction.commit()?;
        Ok(())
    }

    /// Whether `webhook` at `url_digest` was disabled.
    pub fn is_disabled(&self, webhook: &str, url_digest: &str) -> Result<bool, DbError> {
        let connection = self.lock();
        let found: Option<i64> = connection
            .query_row(
                "SELECT at FROM disabled WHERE webhook = ?1 AND url_digest = ?2",
                params![webhook, url_digest],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// The newest `limit` rows of the delivery log.
    pub fn log(&self, limit: usize) -> Result<Vec<LogRow>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT id, webhook, rule, host, kind, status, attempts, last_error, next_attempt, created
             FROM outbox ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = statement.query_map(params![limit as i64], |row| {
            let status: String = row.get(5)?;
            let next: i64 = row.get(8)?;
            Ok(LogRow {
                id: row.get(0)?,
                webhook: row.get(1)?,
                rule: row.get(2)?,
                host: row.get(3)?,
                kind: row.get(4)?,
                next_attempt: (status == "pending").then_some(next),
                status,
                attempts: row.get(6)?,
                last_error: row.get(7)?,
                created: row.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
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

    fn queued(id: &str, rule: &str) -> Queued {
        let owned = |text: &str| text.to_owned();
        Queued {
            id: owned(id),
            webhook: owned("ops"),
            rule: owned(rule),
            host: owned("h"),
            kind: "alert.firing",
            body: b"{}".to_vec(),
        }
    }

    #[test]
    fn heads_are_the_oldest_pending_of_each_line_and_a_notification_is_queued_once() {
        let db = Db::open(None).expect("open");
        db.write(&[], &[], &[queued("a1", "a"), queued("a2", "a"), queued("b1", "b")], 10).expect("write");
        db.write(&[], &[], &[queued("a1", "a")], 11).expect("again");
        let heads: Vec<String> = db.heads().expect("heads").into_iter().map(|h| h.id).collect();
        assert_eq!(heads, ["a1", "b1"]);
        let first = db.heads().expect("heads")[0].seq;
        db.attempted(first, "delivered", 12, 12, None).expect("attempted");
        let heads: Vec<String> = db.heads().expect("heads").into_iter().map(|h| h.id).collect();
        assert_eq!(heads, ["a2", "b1"]);
        assert_eq!(db.log(10).expect("log").len(), 3);
    }

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
