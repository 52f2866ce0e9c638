//! What the hub checks credentials against, in memory: every user's role and hash
//! and every live credential by its digest, loaded from the access file and
//! replaced whole (copy on write) when it changes.

use std::collections::{HashMap, HashSet};

use pulse_protocol::access::{Role, Via};

use super::db::{Db, Row, RowKind};
use super::grant::Grant;
use super::secret::Digest;
use super::AccessError;

/// One load of the access file.
#[derive(Debug, Clone, Default)]
pub struct Book {
    users: HashMap<String, (Role, String)>,
    entries: HashMap<Digest, Row>,
}

impl Book {
    /// Everything in `db`.
    pub fn load(db: &Db) -> Result<Book, AccessError> {
        let users = db.users()?.into_iter().map(|(info, phc)| (info.name, (info.role, phc))).collect();
        let entries = db.rows()?.into_iter().map(|row| (row.digest, row)).collect();
        Ok(Book { users, entries })
    }

    /// Whether the hub has users (then nothing is open on loopback).
    pub fn has_users(&self) -> bool {
        !self.users.is_empty()
    }

    /// A user's role and hash.
    pub fn user(&self, name: &str) -> Option<&(Role, String)> {
        self.users.get(name)
    }

    /// How many admins there are.
    pub fn admins(&self) -> usize {
        self.users.values().filter(|(role, _)| *role == Role::Admin).count()
    }

    /// The grant a secret with `digest` carries at `now`, if it is live.
    pub fn grant(&self, digest: &Digest, now: u64, cookie: bool) -> Option<Grant> {
        let row = self.entries.get(digest)?;
        if row.expires.is_some_and(|expires| expires <= now) {
            return None;
        }
        let (role, via, user, host) = match &row.what {
            RowKind::Session { user } => (self.users.get(user)?.0, Via::Session, Some(user.clone()), None),
            RowKind::Token { role } => (*role, Via::Token, None, None),
            RowKind::Share { host } => (Role::Viewer, Via::Share, None, Some(host.clone())),
        };
        // A cookie is only ever a session's.
        if cookie && via != Via::Session {
            return None;
        }
        Some(Grant { role, via, user, id: Some(row.id.clone()), host, expires: row.expires, cookie })
    }

    /// The ids of every credential still live at `now`, in one pass (asking about
    /// each stream's id in turn scanned every entry per id: with ten thousand
    /// sessions each holding a stream, 10^8 comparisons every tick).
    pub fn live_ids(&self, now: u64) -> HashSet<&str> {
        self.entries
            .values()
            .filter(|row| {
                row.expires.is_none_or(|expires| expires > now)
                    && match &row.what {
                        RowKind::Session { user } => self.users.contains_key(user),
                        _ => true,
                    }
            })
            .map(|row| row.id.as_str())
            .collect()
    }

    /// This book with `row` added (a session or credential the hub itself made).
    pub fn with(&self, row: Row) -> Book {
        let mut book = self.clone();
        book.entries.insert(row.digest, row);
        book
    }

    /// This book without the credential `id`.
    pub fn without(&self, id: &str) -> Book {
        let mut book = self.clone();
        book.entries.retain(|_, row| row.id != id);
        book
    }

    /// The digests of every credential held, as hex (for tests).
    #[cfg(test)]
    pub fn entries_digest_hex(&self) -> Vec<String> {
        self.entries.keys().map(super::ledger::hex).collect()
    }
}
