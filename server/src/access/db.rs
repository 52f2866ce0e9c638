//! The access file, `access.db` in the hub's data directory (beside the history
//! store's `pulse.db`): users with their argon2id hashes, and the digests of
//! sessions, API tokens and share links. SQLite in WAL mode, so `pulse-server user
//! add` and `token create` write it while a hub runs; the hub notices through
//! `PRAGMA data_version` ([`Db::version`]). The file is made readable by its owner
//! only. A foreign or newer file is refused, never changed.
//!
//! Every removal leaves a tombstone in `stamps` (and every change of a user the
//! time it was made), so that a fleet sharing these records (`--redis`, see
//! [`super::ledger`]) never brings back what one of its hubs revoked (`ledger`).

use std::path::{Path, PathBuf};

use pulse_protocol::access::{Role, ShareInfo, TokenInfo, UserInfo};
use pulse_protocol::WireName;
use rusqlite::{params, Connection, OpenFlags, Transaction, TransactionBehavior};

use super::secret::Digest;
use super::AccessError;

mod ledger;

/// The file's name in the data directory.
pub const FILE: &str = "access.db";
/// `PRAGMA application_id`: "PULA".
const APPLICATION_ID: i64 = 0x5055_4C41;
/// The schema this build writes.
const SCHEMA: i64 = 1;

/// An open access file.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

/// One row of what the hub checks credentials against.
#[derive(Debug, Clone)]
pub struct Row {
    /// The credential's id.
    pub id: String,
    /// Its secret's digest.
    pub digest: Digest,
    /// What it is.
    pub what: RowKind,
    /// When it stops working (ms; none: never).
    pub expires: Option<u64>,
}

/// A session's user, a token's role, or a share link's host.
#[derive(Debug, Clone)]
pub enum RowKind {
    /// A signed-in user's session.
    Session {
        /// Whose.
        user: String,
    },
    /// An API token.
    Token {
        /// What it may do.
        role: Role,
    },
    /// A share link.
    Share {
        /// The host it shows.
        host: String,
    },
}

impl Db {
    /// Opens (or makes) `dir/access.db`.
    pub fn open(dir: &Path) -> Result<Db, AccessError> {
        let path = dir.join(FILE);
        // `exists` says false when it cannot look (a directory it may not search):
        // such a file may hold users, so not knowing is an error, never "fresh".
        let fresh = !path.try_exists().map_err(|e| AccessError::file(&path, e))?;
        if fresh {
            // The data directory also holds the history store, every host's samples
            // (process names included): made private, or any local account reads
            // what the hub asks a sign-in for.
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| AccessError::file(&path, e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| AccessError::sql(&path, e))?;
        let db = Db { conn, path };
        if fresh {
            owner_only(&db.path);
        }
        db.prepare(fresh)?;
        Ok(db)
    }

    fn prepare(&self, fresh: bool) -> Result<(), AccessError> {
        let e = |error| AccessError::sql(&self.path, error);
        self.conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(e)?;
        let app: i64 = self.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).map_err(e)?;
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(e)?;
        let tables: i64 = self.conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(e)?;
        if app != APPLICATION_ID && (app != 0 || tables != 0) {
            return Err(AccessError::Foreign(self.path.clone()));
        }
        // Pulse stamps the file as it makes it, so one that was there before this
        // open and is unstamped (empty: truncated, or a copy that failed on a full
        // disk) may have lost its users; adopting it would start the hub open.
        if !fresh && app != APPLICATION_ID {
            return Err(AccessError::File {
                path: self.path.clone(),
                reason: "it is empty, or not yet a Pulse access file, so its users may have been lost; restore it \
                         from a backup, or remove it if this hub never had users"
                    .into(),
            });
        }
        if version > SCHEMA {
            return Err(AccessError::Newer { path: self.path.clone(), found: version, known: SCHEMA });
        }
        self.conn
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
                 CREATE TABLE IF NOT EXISTS users(name TEXT PRIMARY KEY, role TEXT NOT NULL, phc TEXT NOT NULL,
                   created INTEGER NOT NULL);
                 CREATE TABLE IF NOT EXISTS tokens(id TEXT PRIMARY KEY, digest BLOB NOT NULL UNIQUE, role TEXT NOT NULL,
                   label TEXT NOT NULL, created INTEGER NOT NULL, last_used INTEGER);
                 CREATE TABLE IF NOT EXISTS sessions(id TEXT PRIMARY KEY, digest BLOB NOT NULL UNIQUE,
                   user TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL, user_at INTEGER);
                 CREATE TABLE IF NOT EXISTS shares(id TEXT PRIMARY KEY, digest BLOB NOT NULL UNIQUE, host TEXT NOT NULL,
                   label TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);
                 CREATE TABLE IF NOT EXISTS stamps(key TEXT PRIMARY KEY, at INTEGER NOT NULL, gone INTEGER NOT NULL,
                   until INTEGER);",
            )
            .map_err(e)?;
        self.add_user_stamps()?;
        if fresh || app == 0 {
            self.conn
                .execute_batch(&format!("PRAGMA application_id={APPLICATION_ID}; PRAGMA user_version={SCHEMA};"))
                .map_err(e)?;
        }
        Ok(())
    }

    /// Gives a file made before sessions kept their user's stamp (`user_at`, the
    /// `at` of the user's record the session was made under) the column; its
    /// sessions keep none (the fleet then ends them by the clock rule,
    /// `super::ledger::outlived`). Additive, so the schema number stays: an older
    /// build reads and writes the file as before, its sessions without the stamp.
    fn add_user_stamps(&self) -> Result<(), AccessError> {
        let has = |conn: &Connection| -> Result<bool, rusqlite::Error> {
            conn.query_row("SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'user_at'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)
        };
        if has(&self.conn).map_err(|e| self.sql(e))? {
            return Ok(());
        }
        match self.conn.execute_batch("ALTER TABLE sessions ADD COLUMN user_at INTEGER") {
            // Another process (a `pulse-server user` command) may have added it meanwhile.
            Err(_) if has(&self.conn).unwrap_or(false) => Ok(()),
            other => other.map_err(|e| self.sql(e)),
        }
    }

    /// Changes whenever another connection (a `pulse-server user`/`token` command)
    /// committed to the file.
    pub fn version(&self) -> Result<i64, AccessError> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.sql(e))
    }

    /// Every user with their hash.
    pub fn users(&self) -> Result<Vec<(UserInfo, String)>, AccessError> {
        let mut statement =
            self.conn.prepare("SELECT name, role, phc, created FROM users ORDER BY name").map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |r| {
                let role: String = r.get(1)?;
                Ok((
                    UserInfo {
                        name: r.get(0)?,
                        role: Role::from_name(&role).unwrap_or(Role::Viewer),
                        created: ms(r.get(3)?),
                    },
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Adds a user, or replaces their role and password.
    /// Adds a user, or replaces their role and password. One `BEGIN IMMEDIATE`
    /// transaction: a sign-in (another process, or this one) between ending the
    /// sessions and bumping the stamp could store a session under the old stamp.
    pub fn put_user(&self, name: &str, role: Role, phc: &str, now: u64) -> Result<(), AccessError> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(|e| self.sql(e))?;
        // A new password (or role) ends the user's sessions: resetting the password
        // of an account whose session was stolen must shut the thief out.
        self.end_sessions_of(name)?;
        self.conn
            .execute(
                "INSERT INTO users(name, role, phc, created) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(name) DO UPDATE SET role = excluded.role, phc = excluded.phc",
                params![name, role.as_str(), phc, stored(now)],
            )
            .map_err(|e| self.sql(e))?;
        self.stamp(&format!("user:{name}"), now, false, None)?;
        tx.commit().map_err(|e| self.sql(e))
    }

    /// Removes a user and their sessions; whether they existed. One transaction,
    /// as [`Db::put_user`].
    pub fn remove_user(&self, name: &str) -> Result<bool, AccessError> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(|e| self.sql(e))?;
        self.end_sessions_of(name)?;
        let removed = self.conn.execute("DELETE FROM users WHERE name = ?1", [name]).map_err(|e| self.sql(e))?;
        if removed > 0 {
            self.stamp(&format!("user:{name}"), super::now(), true, None)?;
        }
        tx.commit().map_err(|e| self.sql(e))?;
        Ok(removed > 0)
    }

    /// Ends every session of `name`, leaving their tombstones.
    fn end_sessions_of(&self, name: &str) -> Result<(), AccessError> {
        self.bury("sessions", "session:", "user", name, true)?;
        self.conn.execute("DELETE FROM sessions WHERE user = ?1", [name]).map(drop).map_err(|e| self.sql(e))
    }

    /// Every credential the hub checks, expired ones included (the caller drops them).
    pub fn rows(&self) -> Result<Vec<Row>, AccessError> {
        let mut out = Vec::new();
        let e = |error| self.sql(error);
        let mut sessions = self.conn.prepare("SELECT id, digest, user, expires FROM sessions").map_err(e)?;
        let found = sessions
            .query_map([], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    digest: digest(r.get(1)?),
                    what: RowKind::Session { user: r.get(2)? },
                    expires: Some(ms(r.get(3)?)),
                })
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        let mut tokens = self.conn.prepare("SELECT id, digest, role FROM tokens").map_err(e)?;
        let found = tokens
            .query_map([], |r| {
                let role: String = r.get(2)?;
                let role = Role::from_name(&role).unwrap_or(Role::Viewer);
                Ok(Row { id: r.get(0)?, digest: digest(r.get(1)?), what: RowKind::Token { role }, expires: None })
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        let mut shares = self.conn.prepare("SELECT id, digest, host, expires FROM shares").map_err(e)?;
        let found = shares
            .query_map([], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    digest: digest(r.get(1)?),
                    what: RowKind::Share { host: r.get(2)? },
                    expires: Some(ms(r.get(3)?)),
                })
            })
            .map_err(e)?;
        out.extend(found.filter_map(Result::ok));
        Ok(out)
    }

    /// Records a session for `user` if their password hash is still `phc` (the
    /// one the sign-in checked), stamped with the change stamp of their record
    /// now (`user_at`): it lives only while that record does not change. Whether
    /// it was recorded (not: the user changed or went since the check).
    pub fn put_session(
        &self,
        id: &str,
        digest: &Digest,
        (user, phc): (&str, &str),
        now: u64,
        expires: u64,
    ) -> Result<bool, AccessError> {
        self.conn
            .execute(
                "INSERT INTO sessions(id, digest, user, created, expires, user_at)
                 SELECT ?1, ?2, u.name, ?4, ?5, coalesce(s.at, u.created) FROM users u
                 LEFT JOIN stamps s ON s.key = 'user:' || u.name WHERE u.name = ?3 AND u.phc = ?6",
                params![id, &digest[..], user, stored(now), stored(expires), phc],
            )
            .map(|n| n > 0)
            .map_err(|e| self.sql(e))
    }

    /// Ends a session.
    pub fn remove_session(&self, id: &str) -> Result<(), AccessError> {
        self.bury("sessions", "session:", "id", id, true)?;
        self.conn.execute("DELETE FROM sessions WHERE id = ?1", [id]).map(drop).map_err(|e| self.sql(e))
    }

    /// Forgets sessions and share links that have expired.
    pub fn prune(&self, now: u64) -> Result<(), AccessError> {
        let now = stored(now);
        self.conn.execute("DELETE FROM sessions WHERE expires <= ?1", [now]).map_err(|e| self.sql(e))?;
        self.conn.execute("DELETE FROM stamps WHERE until <= ?1", [now]).map_err(|e| self.sql(e))?;
        self.conn.execute("DELETE FROM shares WHERE expires <= ?1", [now]).map(drop).map_err(|e| self.sql(e))
    }

    /// Records an API token.
    pub fn put_token(&self, info: &TokenInfo, digest: &Digest) -> Result<(), AccessError> {
        self.conn
            .execute(
                "INSERT INTO tokens(id, digest, role, label, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![info.id, &digest[..], info.role.as_str(), info.label, stored(info.created)],
            )
            .map(drop)
            .map_err(|e| self.sql(e))
    }

    /// Every API token, newest first.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, AccessError> {
        let mut statement = self
            .conn
            .prepare("SELECT id, role, label, created, last_used FROM tokens ORDER BY created DESC, id")
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([], |r| {
                let role: String = r.get(1)?;
                Ok(TokenInfo {
                    id: r.get(0)?,
                    role: Role::from_name(&role).unwrap_or(Role::Viewer),
                    label: r.get(2)?,
                    created: ms(r.get(3)?),
                    last_used: r.get::<_, Option<i64>>(4)?.map(ms),
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Notes when tokens were last used (to the minute).
    pub fn touch_tokens(&self, used: &[(String, u64)]) -> Result<(), AccessError> {
        for (id, at) in used {
            self.conn
                .execute("UPDATE tokens SET last_used = ?2 WHERE id = ?1", params![id, stored(*at)])
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// Revokes a token; whether it existed.
    pub fn remove_token(&self, id: &str) -> Result<bool, AccessError> {
        self.bury("tokens", "token:", "id", id, false)?;
        self.conn.execute("DELETE FROM tokens WHERE id = ?1", [id]).map(|n| n > 0).map_err(|e| self.sql(e))
    }

    /// Records a share link.
    pub fn put_share(&self, info: &ShareInfo, digest: &Digest) -> Result<(), AccessError> {
        self.conn
            .execute(
                "INSERT INTO shares(id, digest, host, label, created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![info.id, &digest[..], info.host, info.label, stored(info.created), stored(info.expires)],
            )
            .map(drop)
            .map_err(|e| self.sql(e))
    }

    /// Every share link not yet expired, newest first.
    pub fn shares(&self, now: u64) -> Result<Vec<ShareInfo>, AccessError> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, host, label, created, expires FROM shares WHERE expires > ?1 ORDER BY created DESC, id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = statement
            .query_map([stored(now)], |r| {
                Ok(ShareInfo {
                    id: r.get(0)?,
                    host: r.get(1)?,
                    label: r.get(2)?,
                    created: ms(r.get(3)?),
                    expires: ms(r.get(4)?),
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Revokes a share link; whether it existed.
    pub fn remove_share(&self, id: &str) -> Result<bool, AccessError> {
        self.bury("shares", "share:", "id", id, true)?;
        self.conn.execute("DELETE FROM shares WHERE id = ?1", [id]).map(|n| n > 0).map_err(|e| self.sql(e))
    }

    fn sql(&self, error: rusqlite::Error) -> AccessError {
        AccessError::sql(&self.path, error)
    }
}

/// Whether `dir` holds an access file with at least one user, without making one.
pub fn has_users(dir: &Path) -> Result<bool, AccessError> {
    let path = dir.join(FILE);
    if !path.exists() {
        return Ok(false);
    }
    let db = Db::open(dir)?;
    Ok(!db.users()?.is_empty())
}

fn digest(bytes: Vec<u8>) -> Digest {
    let mut out = [0u8; 32];
    if bytes.len() == 32 {
        out.copy_from_slice(&bytes);
    }
    out
}

fn ms(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// A time in ms as the file stores it: never wrapped to a negative number (one
/// past `i64::MAX`, which no clock gives and `ledger::sound` keeps out, is
/// stored as `i64::MAX`).
fn stored(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Makes `path` readable and writable by its owner only (SQLite gives its `-wal`
/// and `-shm` files the same mode).
fn owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(error) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(path = %path.display(), %error, "cannot make the access file private");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pulse-access-db-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn rows_round_trip_and_the_file_is_private() {
        let dir = dir("rows");
        let db = Db::open(&dir).unwrap();
        db.put_user("ann", Role::Admin, "$phc", 1).unwrap();
        assert!(db.put_session("s1", &[1; 32], ("ann", "$phc"), 1, 55).unwrap());
        assert!(!db.put_session("s2", &[4; 32], ("ann", "$other"), 1, 55).unwrap(), "the password changed meanwhile");
        assert!(!db.put_session("s3", &[5; 32], ("bob", "$phc"), 1, 55).unwrap(), "no such user");
        let token = TokenInfo { id: "t1".into(), role: Role::Agent, label: "x".into(), created: 2, last_used: None };
        db.put_token(&token, &[2; 32]).unwrap();
        let share = ShareInfo { id: "l1".into(), host: "web".into(), label: String::new(), created: 3, expires: 50 };
        db.put_share(&share, &[3; 32]).unwrap();
        let rows = db.rows().unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().any(|r| r.digest == [2; 32] && matches!(r.what, RowKind::Token { role: Role::Agent })));
        assert_eq!(db.shares(10).unwrap(), vec![share]);
        assert!(db.shares(50).unwrap().is_empty(), "expired links are not listed");
        db.prune(60).unwrap();
        assert_eq!(db.rows().unwrap().len(), 1, "the session and the link expired");
        assert!(db.remove_user("ann").unwrap() && db.users().unwrap().is_empty());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        drop(db);
        assert!(!has_users(&dir).unwrap());
    }

    #[test]
    fn a_foreign_or_newer_file_is_refused_and_left_alone() {
        let dir = dir("foreign");
        std::fs::create_dir_all(&dir).unwrap();
        let other = Connection::open(dir.join(FILE)).unwrap();
        other.execute_batch("CREATE TABLE notes(x); PRAGMA application_id=7;").unwrap();
        drop(other);
        assert!(matches!(Db::open(&dir), Err(AccessError::Foreign(_))));
        let dir = self::dir("newer");
        drop(Db::open(&dir).unwrap());
        Connection::open(dir.join(FILE)).unwrap().execute_batch("PRAGMA user_version=99").unwrap();
        assert!(matches!(Db::open(&dir), Err(AccessError::Newer { found: 99, .. })));
    }

    #[test]
    fn a_file_made_before_sessions_kept_their_users_stamp_gets_the_column() {
        let dir = dir("old");
        drop(Db::open(&dir).unwrap());
        // The sessions table as the first builds made it, with a session in it.
        let old = Connection::open(dir.join(FILE)).unwrap();
        old.execute_batch(
            "DROP TABLE sessions; CREATE TABLE sessions(id TEXT PRIMARY KEY, digest BLOB NOT NULL UNIQUE,
               user TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL);
             INSERT INTO users(name, role, phc, created) VALUES ('ann', 'admin', '$phc', 1);
             INSERT INTO sessions VALUES ('s0', x'0101010101010101010101010101010101010101010101010101010101010101',
               'ann', 2, 9999999999999);",
        )
        .unwrap();
        drop(old);
        let db = Db::open(&dir).unwrap();
        assert!(db.put_session("s1", &[2; 32], ("ann", "$phc"), 3, 9_999_999_999_999).unwrap());
        let stamps = |id: &str| -> Option<i64> {
            db.conn.query_row("SELECT user_at FROM sessions WHERE id = ?1", [id], |r| r.get(0)).unwrap()
        };
        assert_eq!(stamps("s0"), None, "an older session keeps no stamp");
        assert_eq!(stamps("s1"), Some(1), "a new one keeps its user's (no stamp row: made at 1)");
        drop(db);
        assert!(Db::open(&dir).is_ok(), "opened twice");
    }

    #[test]
    fn a_password_reset_is_all_or_nothing() {
        let db = Db::open(&dir("reset")).unwrap();
        db.put_user("ann", Role::Admin, "$old", 1).unwrap();
        assert!(db.put_session("s1", &[1; 32], ("ann", "$old"), 2, 99).unwrap());
        // The last step (the user's stamp) fails: nothing before it may stay, or a
        // sign-in in between could store a session under the old stamp.
        db.conn
            .execute_batch(
                "CREATE TRIGGER no_stamp BEFORE INSERT ON stamps WHEN NEW.key = 'user:ann' BEGIN SELECT RAISE(ABORT, 'no'); END;",
            )
            .unwrap();
        assert!(db.put_user("ann", Role::Viewer, "$new", 3).is_err());
        assert!(db.remove_user("ann").is_err());
        let users = db.users().unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!((users[0].0.role, users[0].1.as_str()), (Role::Admin, "$old"));
        assert_eq!(db.rows().unwrap().len(), 1, "the session is still there, with its user as it was");
        db.conn.execute_batch("DROP TRIGGER no_stamp;").unwrap();
        db.put_user("ann", Role::Viewer, "$new", 3).unwrap();
        assert!(db.rows().unwrap().is_empty(), "a reset that goes through ends the sessions");
    }
}
