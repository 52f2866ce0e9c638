//! The access file as the fleet's records ([`crate::access::ledger`]): reading
//! every record with the time of its last change, writing what another hub
//! changed, and the tombstones every removal leaves in `stamps`.

use pulse_protocol::access::Role;
use pulse_protocol::WireName;
use rusqlite::{params, Transaction, TransactionBehavior};

use super::{digest, ms, stored, Db};
use crate::access::ledger::{fits, hex, merge, unhex, Body, Record, Records};
use crate::access::AccessError;

/// Keeps the later of a stamp already there and a new one, one ms past the old
/// one at least (a clock behind another hub's still moves a key forward).
const UPSERT: &str = "ON CONFLICT(key) DO UPDATE SET at = max(excluded.at, stamps.at + 1), gone = excluded.gone,
                      until = excluded.until";

impl Db {
    /// Every record, live ones and tombstones.
    pub fn ledger(&self) -> Result<Records, AccessError> {
        let e = |error| self.sql(error);
        let mut out = Records::new();
        let mut users = self
            .conn
            .prepare(
                "SELECT u.name, u.role, u.phc, u.created, s.at FROM users u LEFT JOIN stamps s ON s.key = 'user:' || \
                 u.name",
            )
            .map_err(e)?;
        let found = users
            .query_map([], |r| {
                let role: String = r.get(1)?;
                let created = ms(r.get(3)?);
                let at = r.get::<_, Option<i64>>(4)?.map_or(created, ms);
                let body = Body::User { role: Role::from_name(&role).unwrap_or(Role::Viewer), phc: r.get(2)?, created };
                Ok((
                    format!("user:{}", r.get::<_, String>(0)?),
                    Record { at, gone: false, until: None, body: Some(body) },
                ))
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        let mut sessions =
            self.conn.prepare("SELECT id, digest, user, created, expires, user_at FROM sessions").map_err(e)?;
        let found = sessions
            .query_map([], |r| {
                let (created, expires) = (ms(r.get(3)?), ms(r.get(4)?));
                let user_at = r.get::<_, Option<i64>>(5)?.map(ms);
                let body =
                    Body::Session { digest: hex(&digest(r.get(1)?)), user: r.get(2)?, created, expires, user_at };
                let record = Record { at: created, gone: false, until: Some(expires), body: Some(body) };
                Ok((format!("session:{}", r.get::<_, String>(0)?), record))
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        let mut tokens = self.conn.prepare("SELECT id, digest, role, label, created FROM tokens").map_err(e)?;
        let found = tokens
            .query_map([], |r| {
                let role: String = r.get(2)?;
                let created = ms(r.get(4)?);
                let body = Body::Token {
                    digest: hex(&digest(r.get(1)?)),
                    role: Role::from_name(&role).unwrap_or(Role::Viewer),
                    label: r.get(3)?,
                    created,
                };
                let record = Record { at: created, gone: false, until: None, body: Some(body) };
                Ok((format!("token:{}", r.get::<_, String>(0)?), record))
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        let mut shares =
            self.conn.prepare("SELECT id, digest, host, label, created, expires FROM shares").map_err(e)?;
        let found = shares
            .query_map([], |r| {
                let (created, expires) = (ms(r.get(4)?), ms(r.get(5)?));
                let body = Body::Share {
                    digest: hex(&digest(r.get(1)?)),
                    host: r.get(2)?,
                    label: r.get(3)?,
                    created,
                    expires,
                };
                let record = Record { at: created, gone: false, until: Some(expires), body: Some(body) };
                Ok((format!("share:{}", r.get::<_, String>(0)?), record))
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        let mut stamps = self.conn.prepare("SELECT key, at, until FROM stamps WHERE gone = 1").map_err(e)?;
        let found = stamps
            .query_map([], |r| {
                let until = r.get::<_, Option<i64>>(2)?.map(ms);
                Ok((r.get::<_, String>(0)?, Record { at: ms(r.get(1)?), gone: true, until, body: None }))
            })
            .map_err(e)?;
        for (key, tomb) in found.filter_map(Result::ok) {
            match out.get(&key) {
                Some(live) if !tomb.newer_than(live) => {}
                _ => {
                    out.insert(key, tomb);
                }
            }
        }
        Ok(out)
    }

    /// Writes records another hub made newer, in one transaction that first reads
    /// the file as it is now and writes only what wins against it
    /// ([`merge`]): a change made here since the caller read the file (a password
    /// reset, a revocation) is never replaced by an older copy, and a session made
    /// under another record of its user than the file's is written as ended. The
    /// records really written (not one the file cannot hold: a bad key or digest).
    pub fn apply(&self, records: &[(String, Record)]) -> Result<Vec<(String, Record)>, AccessError> {
        let e = |error| self.sql(error);
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(e)?;
        let mut incoming = Records::new();
        for (key, record) in records {
            if incoming.get(key).is_none_or(|kept| record.newer_than(kept)) {
                incoming.insert(key.clone(), record.clone());
            }
        }
        let mut written = merge(&self.ledger()?, &incoming, crate::access::now()).apply;
        let mut held = vec![false; written.len()];
        for ((key, record), held) in written.iter().zip(held.iter_mut()) {
            let Some((kind, id)) = key.split_once(':') else { continue };
            if !fits(record) {
                // Stored, it would read back as another time, "newer" there every round.
                continue;
            }
            match &record.body {
                _ if record.gone => {
                    let removed = match kind {
                        "user" => {
                            tx.execute("DELETE FROM sessions WHERE user = ?1", [id]).map_err(e)?;
                            "DELETE FROM users WHERE name = ?1"
                        }
                        "session" => "DELETE FROM sessions WHERE id = ?1",
                        "token" => "DELETE FROM tokens WHERE id = ?1",
                        "share" => "DELETE FROM shares WHERE id = ?1",
                        _ => continue,
                    };
                    tx.execute(removed, [id]).map_err(e)?;
                    tx.execute(
                        "INSERT OR REPLACE INTO stamps(key, at, gone, until) VALUES (?1, ?2, 1, ?3)",
                        params![key, stored(record.at), record.until.map(stored)],
                    )
                    .map_err(e)?;
                }
                Some(Body::User { .. }) if kind != "user" => continue,
                Some(Body::Session { .. }) if kind != "session" => continue,
                Some(Body::Token { .. }) if kind != "token" => continue,
                Some(Body::Share { .. }) if kind != "share" => continue,
                Some(Body::User { role, phc, created }) => {
                    tx.execute(
                        "INSERT INTO users(name, role, phc, created) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT(name) DO UPDATE SET role = excluded.role, phc = excluded.phc",
                        params![id, role.as_str(), phc, stored(*created)],
                    )
                    .map_err(e)?;
                    tx.execute(
                        "INSERT OR REPLACE INTO stamps(key, at, gone, until) VALUES (?1, ?2, 0, NULL)",
                        params![key, stored(record.at)],
                    )
                    .map_err(e)?;
                }
                Some(Body::Session { digest, user, created, expires, user_at }) => {
                    let Some(digest) = unhex(digest) else { continue };
                    tx.execute(
                        "INSERT OR REPLACE INTO sessions(id, digest, user, created, expires, user_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![id, &digest[..], user, stored(*created), stored(*expires), user_at.map(stored)],
                    )
                    .map_err(e)?;
                    tx.execute("DELETE FROM stamps WHERE key = ?1", [key]).map_err(e)?;
                }
                Some(Body::Token { digest, role, label, created }) => {
                    let Some(digest) = unhex(digest) else { continue };
                    tx.execute(
                        "INSERT OR REPLACE INTO tokens(id, digest, role, label, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![id, &digest[..], role.as_str(), label, stored(*created)],
                    )
                    .map_err(e)?;
                    tx.execute("DELETE FROM stamps WHERE key = ?1", [key]).map_err(e)?;
                }
                Some(Body::Share { digest, host, label, created, expires }) => {
                    let Some(digest) = unhex(digest) else { continue };
                    tx.execute(
                        "INSERT OR REPLACE INTO shares(id, digest, host, label, created, expires)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![id, &digest[..], host, label, stored(*created), stored(*expires)],
                    )
                    .map_err(e)?;
                    tx.execute("DELETE FROM stamps WHERE key = ?1", [key]).map_err(e)?;
                }
                None => continue,
            }
            *held = true;
        }
        tx.commit().map_err(e)?;
        let mut held = held.into_iter();
        written.retain(|_| held.next().unwrap_or(false));
        Ok(written)
    }

    /// Notes that `key` changed at `now` (`gone`: removed, its tombstone kept until
    /// `until`, or for good).
    pub(super) fn stamp(&self, key: &str, now: u64, gone: bool, until: Option<u64>) -> Result<(), AccessError> {
        self.conn
            .execute(
                &format!("INSERT INTO stamps(key, at, gone, until) VALUES (?1, ?2, ?3, ?4) {UPSERT}"),
                params![key, stored(now), gone, until.map(stored)],
            )
            .map(drop)
            .map_err(|e| self.sql(e))
    }

    /// Leaves a tombstone for each row of `table` whose `column` is `value` (keys
    /// `prefix` + id), before they are deleted: later than the row was made, and
    /// kept until it would have expired (`expiring`), or for good.
    pub(super) fn bury(
        &self,
        table: &str,
        prefix: &str,
        column: &str,
        value: &str,
        expiring: bool,
    ) -> Result<(), AccessError> {
        let until = if expiring { "expires" } else { "NULL" };
        let sql = format!(
            "INSERT INTO stamps(key, at, gone, until) SELECT ?1 || id, max(?2, created + 1), 1, {until} FROM {table}
             WHERE {column} = ?3 {UPSERT}"
        );
        self.conn.execute(&sql, params![prefix, stored(crate::access::now()), value]).map(drop).map_err(|e| self.sql(e))
    }

    /// When `key` last changed here, if it did.
    #[cfg(test)]
    fn stamp_of(&self, key: &str) -> Option<(u64, bool)> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT at, gone FROM stamps WHERE key = ?1", [key], |r| Ok((ms(r.get(0)?), r.get(1)?)))
            .optional()
            .ok()
            .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulse_protocol::access::TokenInfo;

    fn db(name: &str) -> Db {
        let dir = std::env::temp_dir().join(format!("pulse-access-ledger-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Db::open(&dir).unwrap()
    }

    fn phc_of(db: &Db, name: &str) -> Option<String> {
        db.users().unwrap().into_iter().find(|(info, _)| info.name == name).map(|(_, phc)| phc)
    }

    #[test]
    fn an_older_copy_from_the_fleet_never_replaces_a_newer_change_made_here() {
        let a = db("older");
        let far = 9_999_999_999_999;
        // What a round read from the fleet before this hub changed anything.
        let old_user = Record {
            at: 10,
            gone: false,
            until: None,
            body: Some(Body::User { role: Role::Admin, phc: "$old".into(), created: 1 }),
        };
        let token =
            TokenInfo { id: "t1".into(), role: Role::Viewer, label: String::new(), created: 3, last_used: None };
        let token_record = a.ledger().unwrap().remove("token:t1");
        assert!(token_record.is_none());
        // Meanwhile, here: a password reset (later) and a revocation.
        a.put_user("ann", Role::Admin, "$new", 20).unwrap();
        a.put_token(&token, &[2; 32]).unwrap();
        let live_token = a.ledger().unwrap()["token:t1"].clone();
        assert!(a.remove_token("t1").unwrap());
        // The round's write lands now, with its older copies.
        let written = a.apply(&[("user:ann".into(), old_user), ("token:t1".into(), live_token)]).unwrap();
        assert!(written.is_empty(), "{written:?}");
        assert_eq!(phc_of(&a, "ann").as_deref(), Some("$new"), "the newer password stays");
        assert!(a.rows().unwrap().is_empty(), "the revoked token stays revoked");

        // A session another hub made with the old password (before the reset here)
        // is written as ended; one made after it lives.
        let session = |id: &str, created: u64| {
            let body = Body::Session {
                digest: hex(&[created as u8; 32]),
                user: "ann".into(),
                created,
                expires: far,
                user_at: None,
            };
            (format!("session:{id}"), Record { at: created, gone: false, until: Some(far), body: Some(body) })
        };
        a.apply(&[session("before", 15), session("after", 25)]).unwrap();
        let ledger = a.ledger().unwrap();
        assert!(ledger["session:before"].gone, "{:?}", ledger["session:before"]);
        assert!(!ledger["session:after"].gone);
        assert_eq!(a.rows().unwrap().len(), 1);
    }

    #[test]
    fn removals_leave_tombstones_that_another_file_applies() {
        let a = db("a");
        a.put_user("ann", Role::Admin, "$phc", 1).unwrap();
        a.put_session("s1", &[1; 32], ("ann", "$phc"), 2, 9_999_999_999_999).unwrap();
        let token = TokenInfo { id: "t1".into(), role: Role::Agent, label: "x".into(), created: 3, last_used: None };
        a.put_token(&token, &[2; 32]).unwrap();
        let b = db("b");
        b.apply(&a.ledger().unwrap().into_iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(b.ledger().unwrap(), a.ledger().unwrap(), "a copy holds the same records");
        assert_eq!(b.rows().unwrap().len(), 2);

        assert!(a.remove_token("t1").unwrap());
        a.remove_session("s1").unwrap();
        let ledger = a.ledger().unwrap();
        assert!(ledger["token:t1"].gone && ledger["token:t1"].until.is_none(), "a token's tombstone is for good");
        assert!(ledger["session:s1"].gone && ledger["session:s1"].until.is_some());
        assert!(ledger["token:t1"].newer_than(&b.ledger().unwrap()["token:t1"]));
        b.apply(&ledger.into_iter().collect::<Vec<_>>()).unwrap();
        assert!(b.rows().unwrap().is_empty(), "revoked on the copy too");

        // A password change ends the user's sessions and moves the user's stamp on.
        a.put_session("s2", &[3; 32], ("ann", "$phc"), 4, 9_999_999_999_999).unwrap();
        let before = a.stamp_of("user:ann").unwrap();
        a.put_user("ann", Role::Admin, "$new", 5).unwrap();
        let after = a.stamp_of("user:ann").unwrap();
        assert!(after.0 > before.0 && !after.1, "{before:?} {after:?}");
        assert!(a.ledger().unwrap()["session:s2"].gone);
        assert!(a.remove_user("ann").unwrap());
        assert!(a.stamp_of("user:ann").is_some_and(|(at, gone)| gone && at > after.0));
    }

    #[test]
    fn apply_reports_only_the_records_the_file_took() {
        let a = db("took");
        let token = |digest: String| Body::Token { digest, role: Role::Viewer, label: String::new(), created: 5 };
        let live = |body| Record { at: 5, gone: false, until: None, body: Some(body) };
        let written = a
            .apply(&[
                ("token:bad".into(), live(token("zz".into()))),
                ("user:t".into(), live(token(hex(&[1; 32])))),
                ("thing:x".into(), Record { at: 5, gone: true, until: None, body: None }),
                ("token:good".into(), live(token(hex(&[2; 32])))),
            ])
            .unwrap();
        let keys: Vec<&str> = written.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["token:good"]);
        assert!(a.users().unwrap().is_empty(), "a token's fields under a user's key make no user");
        assert_eq!(a.rows().unwrap().len(), 1);
    }

    #[test]
    fn a_session_keeps_the_stamp_of_its_users_record() {
        let a = db("stamp");
        a.put_user("ann", Role::Admin, "$phc", 7).unwrap();
        assert!(a.put_session("s1", &[1; 32], ("ann", "$phc"), 8, 9_999_999_999_999).unwrap());
        let ledger = a.ledger().unwrap();
        let Some(Body::Session { user_at, .. }) = &ledger["session:s1"].body else { panic!("{ledger:?}") };
        assert_eq!(*user_at, Some(ledger["user:ann"].at));
        let b = db("stamp-copy");
        b.apply(&ledger.clone().into_iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(b.ledger().unwrap(), ledger, "the stamp travels");
    }

    #[test]
    fn stamps_past_what_the_file_holds_are_not_written_and_none_wraps() {
        let a = db("big");
        let big = i64::MAX as u64 + 2;
        let token = |created| Body::Token { digest: hex(&[1; 32]), role: Role::Viewer, label: String::new(), created };
        let written = a
            .apply(&[
                ("token:big".into(), Record { at: big, gone: false, until: None, body: Some(token(big)) }),
                ("token:gone".into(), Record { at: big, gone: true, until: None, body: None }),
                ("share:later".into(), Record { at: 5, gone: true, until: Some(big), body: None }),
            ])
            .unwrap();
        assert!(written.is_empty(), "{written:?}");
        assert!(a.ledger().unwrap().is_empty(), "nothing stored, so nothing read back as another time");
        assert_eq!(stored(big), i64::MAX);
        assert_eq!(stored(7), 7);
    }
}
