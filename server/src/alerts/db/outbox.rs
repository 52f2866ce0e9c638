//! The outbox's rows: the head of each (webhook, rule, host) line, what each
//! attempt gave, the webhooks a 410 disabled, and the delivery log.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Db, DbError};

/// A pending notification at the head of its line (also the row the fleet's
/// outbox keeps as JSON with `--redis`, without `seq`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Head {
    /// Its row (this file's own).
    #[serde(skip)]
    pub seq: i64,
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
    /// The envelope's JSON (as text in the fleet's outbox).
    #[serde(with = "text")]
    pub body: Vec<u8>,
    /// Attempts made.
    pub attempts: u32,
    /// When the first attempt was made.
    pub first_attempt: Option<i64>,
    /// When it is due.
    pub next_attempt: i64,
    /// When it was queued.
    pub created: i64,
}

/// A body as a JSON string rather than an array of bytes.
mod text {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(body: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(body))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        Ok(String::deserialize(deserializer)?.into_bytes())
    }
}

/// Why a notification was given up without being handed over (`--redis`: too old
/// for the fleet to remember as settled). Such a row is not settled in the fleet's
/// outbox: the owner may still be retrying it there.
pub const NOT_HANDED_OVER: &str = "given up: older than the fleet remembers settled notifications, so not handed over";

/// The columns a [`Head`] is read from.
const HEAD_COLUMNS: &str = "seq, id, webhook, rule, host, kind, body, attempts, first_attempt, next_attempt, created";

fn head(row: &rusqlite::Row<'_>) -> rusqlite::Result<Head> {
    Ok(Head {
        seq: row.get(0)?,
        id: row.get(1)?,
        webhook: row.get(2)?,
        rule: row.get(3)?,
        host: row.get(4)?,
        kind: row.get(5)?,
        body: row.get(6)?,
        attempts: row.get(7)?,
        first_attempt: row.get(8)?,
        next_attempt: row.get(9)?,
        created: row.get(10)?,
    })
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

impl Db {
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
        let mut statement = connection.prepare(&format!(
            "SELECT {HEAD_COLUMNS} FROM outbox
             WHERE seq IN (SELECT MIN(seq) FROM outbox WHERE status = 'pending' GROUP BY webhook, rule, host)"
        ))?;
        let rows = statement.query_map([], head)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The oldest `limit` pending notifications after row `after` (`--redis`: the
    /// owner copies them to the fleet's outbox a page at a time, from where the last
    /// page ended; `seq` only grows, so paging from 0 covers every pending row).
    pub fn pending(&self, after: i64, limit: usize) -> Result<Vec<Head>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "SELECT {HEAD_COLUMNS} FROM outbox WHERE status = 'pending' AND seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = statement.query_map(params![after, limit as i64], head)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Which of `rows` (id, webhook) this file holds as settled (delivered, failed,
    /// disabled; not one given up as [`NOT_HANDED_OVER`]): `--redis`, what the
    /// fleet's outbox still lists as pending but this hub settled.
    pub fn settled<'a>(&self, rows: &'a [Head]) -> Result<Vec<&'a Head>, DbError> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT 1 FROM outbox WHERE id = ?1 AND webhook = ?2 AND status != 'pending'
             AND last_error IS NOT ?3",
        )?;
        let mut settled = Vec::new();
        for row in rows {
            if statement.exists(params![row.id, row.webhook, NOT_HANDED_OVER])? {
                settled.push(row);
            }
        }
        Ok(settled)
    }

    /// Adds `rows` (taken from the fleet's outbox, `--redis`) as pending, in that
    /// order, with their attempts and schedule; one already here (same id and
    /// webhook) is left as it is. How many were added.
    pub fn import(&self, rows: &[Head]) -> Result<usize, DbError> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        let mut added = 0;
        for row in rows {
            added += transaction.execute(
                "INSERT OR IGNORE INTO outbox
                 (id, webhook, rule, host, kind, body, created, attempts, first_attempt, next_attempt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    row.id,
                    row.webhook,
                    row.rule,
                    row.host,
                    row.kind,
                    row.body,
                    row.created,
                    row.attempts,
                    row.first_attempt,
                    row.next_attempt
                ],
            )?;
        }
        transaction.commit()?;
        Ok(added)
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
}

#[cfg(test)]
mod tests {
    use super::super::Queued;
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
        let mut taken = db.pending(0, 10).expect("pending");
        assert_eq!(taken.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), ["a2", "b1"]);
        taken[0].id = "c1".into();
        taken[0].attempts = 4;
        assert_eq!(db.import(&taken).expect("import"), 1, "b1 is here already");
        let c1 = db.pending(0, 10).expect("pending").into_iter().find(|h| h.id == "c1").expect("c1");
        assert_eq!((c1.attempts, c1.kind.as_str()), (4, "alert.firing"));
        let settled: Vec<&str> = db.settled(&taken).expect("settled").into_iter().map(|h| h.id.as_str()).collect();
        assert!(settled.is_empty(), "c1 and b1 are pending");
        let all = db.log(10).expect("log");
        let a1 = all.iter().find(|row| row.id == "a1").expect("a1");
        let a1 = Head { id: a1.id.clone(), ..taken[0].clone() };
        assert_eq!(db.settled(std::slice::from_ref(&a1)).expect("settled").len(), 1, "a1 was delivered");
        db.settle(c1.seq, "failed", NOT_HANDED_OVER).expect("settle");
        assert!(db.settled(std::slice::from_ref(&c1)).expect("settled").is_empty(), "the owner may still retry c1");
    }
}
