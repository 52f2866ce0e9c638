//! The access file as records a fleet of hubs shares (`--redis`): one record per
//! user (`user:NAME`), session (`session:ID`), API token (`token:ID`) and share
//! link (`share:ID`), each with the time of its last change (`at`, ms) and, once it
//! is removed or revoked, a tombstone (`gone`) kept until the credential would have
//! expired anyway (tokens and users: for good). Pure: the records and [`merge`],
//! which says which side of two copies is newer, record by record: the later `at`
//! wins and, at the same `at`, the tombstone does, so a revocation is never undone
//! by a copy made before it. Secrets are never here: only their SHA-256 digests and
//! the users' argon2id hashes.

use std::collections::BTreeMap;

use pulse_protocol::access::Role;
use serde::{Deserialize, Serialize};

use super::secret::Digest;

/// Every record of one copy (the access file, or Redis), by key.
pub type Records = BTreeMap<String, Record>;

/// One user, session, token or share link, or its tombstone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// When it last changed (ms since the Unix epoch).
    pub at: u64,
    /// Removed or revoked (then `body` is none).
    #[serde(default)]
    pub gone: bool,
    /// When it ends by itself (ms): a session's or share link's expiry; its
    /// tombstone is dropped then. None: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u64>,
    /// What it is, while it lives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
}

/// A live record's fields, as the access file keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// A user (the name is the key's).
    User {
        /// Their role.
        role: Role,
        /// Their password's argon2id hash (PHC string).
        phc: String,
        /// When they were first added.
        created: u64,
    },
    /// A signed-in user's session.
    Session {
        /// The secret's digest, hex.
        digest: String,
        /// Whose.
        user: String,
        /// When it was made.
        created: u64,
        /// When it ends.
        expires: u64,
    },
    /// An API token.
    Token {
        /// The secret's digest, hex.
        digest: String,
        /// What it may do.
        role: Role,
        /// Its label.
        label: String,
        /// When it was made.
        created: u64,
    },
    /// A share link.
    Share {
        /// The secret's digest, hex.
        digest: String,
        /// The host it shows.
        host: String,
        /// Its label.
        label: String,
        /// When it was made.
        created: u64,
        /// When it ends.
        expires: u64,
    },
}

/// What one merge asks for.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Records newer here than there (or missing there): to write there.
    pub push: Vec<(String, Record)>,
    /// Records newer there: to write here.
    pub apply: Vec<(String, Record)>,
}

impl Record {
    /// Whether this copy wins over `other`: a later change, or a tombstone at the
    /// same time as a live copy.
    pub fn newer_than(&self, other: &Record) -> bool {
        (self.at, self.gone) > (other.at, other.gone)
    }

    /// Whether it has ended by itself at `now` (then neither side needs it).
    pub fn ended(&self, now: u64) -> bool {
        self.until.is_some_and(|until| until <= now)
    }
}

/// Compares `here` (the access file) with `there` (Redis) at `now`: what to push
/// and what to apply. Ended records go nowhere.
pub fn merge(here: &Records, there: &Records, now: u64) -> Plan {
    let mut plan = Plan::default();
    for (key, mine) in here.iter().filter(|(_, record)| !record.ended(now)) {
        match there.get(key) {
            Some(theirs) if !mine.newer_than(theirs) => {}
            _ => plan.push.push((key.clone(), mine.clone())),
        }
    }
    for (key, theirs) in there.iter().filter(|(_, record)| !record.ended(now)) {
        match here.get(key) {
            Some(mine) if !theirs.newer_than(mine) => {}
            _ => plan.apply.push((key.clone(), theirs.clone())),
        }
    }
    plan
}

/// A digest as hex.
pub fn hex(digest: &Digest) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest back from hex; none if it is not 64 hex digits.
pub fn unhex(text: &str) -> Option<Digest> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(at: u64) -> Record {
        let body = Body::Token { digest: hex(&[7; 32]), role: Role::Viewer, label: String::new(), created: at };
        Record { at, gone: false, until: None, body: Some(body) }
    }

    fn gone(at: u64, until: Option<u64>) -> Record {
        Record { at, gone: true, until, body: None }
    }

    fn records(items: &[(&str, Record)]) -> Records {
        items.iter().map(|(key, record)| ((*key).to_owned(), record.clone())).collect()
    }

    /// One case: the file's records, Redis's, and the keys pushed and applied.
    type Case<'a> = (&'a [(&'a str, Record)], &'a [(&'a str, Record)], &'a [&'a str], &'a [&'a str]);

    fn keys(items: &[(String, Record)]) -> Vec<&str> {
        items.iter().map(|(key, _)| key.as_str()).collect()
    }

    #[test]
    fn the_newer_copy_wins_and_a_tombstone_wins_a_tie() {
        // (here, there, pushed, applied)
        let cases: [Case; 8] = [
            (&[("token:a", live(5))], &[], &["token:a"], &[]),
            (&[], &[("token:a", live(5))], &[], &["token:a"]),
            (&[("token:a", live(5))], &[("token:a", live(5))], &[], &[]),
            (&[("token:a", live(5))], &[("token:a", gone(6, None))], &[], &["token:a"]),
            (&[("token:a", gone(6, None))], &[("token:a", live(5))], &["token:a"], &[]),
            (&[("token:a", live(5))], &[("token:a", gone(5, None))], &[], &["token:a"]),
            (&[("user:ann", live(9))], &[("user:ann", gone(8, None))], &["user:ann"], &[]),
            // Ended records (an expired session's tombstone) go nowhere.
            (&[("session:s", gone(6, Some(10)))], &[("session:t", gone(6, Some(10)))], &[], &[]),
        ];
        for (i, (here, there, pushed, applied)) in cases.into_iter().enumerate() {
            let plan = merge(&records(here), &records(there), 10);
            assert_eq!(keys(&plan.push), pushed, "case {i}");
            assert_eq!(keys(&plan.apply), applied, "case {i}");
        }
    }

    #[test]
    fn records_read_back_as_written_and_digests_round_trip() {
        let record = live(3);
        let text = serde_json::to_string(&record).unwrap();
        assert!(text.contains(r#""kind":"token""#) && !text.contains("until"), "{text}");
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), record);
        let tomb: Record = serde_json::from_str(r#"{"at":4,"gone":true,"until":9}"#).unwrap();
        assert_eq!(tomb, gone(4, Some(9)));
        assert_eq!(unhex(&hex(&[0xa5; 32])), Some([0xa5; 32]));
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex(&"g".repeat(64)), None);
    }
}
