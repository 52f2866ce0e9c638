//! The access file as records a fleet of hubs shares (`--redis`): one record per
//! user (`user:NAME`), session (`session:ID`), API token (`token:ID`) and share
//! link (`share:ID`), each with the time of its last change (`at`, ms) and, once it
//! is removed or revoked, a tombstone (`gone`) kept until the credential would have
//! expired anyway (tokens and users: for good). Pure: the records and [`merge`],
//! which says which side of two copies is newer, record by record: the later `at`
//! wins and, at the same `at`, the tombstone does, so a revocation is never undone
//! by a copy made before it. A session keeps the stamp (`at`) of its user's record
//! it was made under and is ended, whichever side it comes from, once that record
//! changes (a new password or role, or removal): a password reset on one hub ends
//! the sessions another hub made meanwhile with the old one, whatever the clocks.
//! Secrets are never here: only their SHA-256 digests and the users' argon2id
//! hashes. What is read from the fleet's copy is first sorted by [`sound`].
//!
//! The same merge both decides a round (the access file against Redis) and guards
//! the write that ends it (`db::Db::apply` merges what it is given against the file
//! as it is then, so a change made here during the round is never overwritten by
//! an older one from the fleet).

use std::collections::BTreeMap;

use pulse_protocol::access::Role;
use serde::{Deserialize, Serialize};

use super::secret::Digest;

mod sound;

pub use sound::{fits, sound, Malformed};

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
        /// The change stamp (`at`) of its user's record it was made under: it
        /// lives only while that record still has it. None in records written
        /// before this field (then it ends if its user changed after `created`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_at: Option<u64>,
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
/// and what to apply. For each key the newer copy wins ([`Record::newer_than`]);
/// a session whose user's winning record is not the one it was made under
/// becomes a tombstone ([`outlived`]). Ended records go nowhere.
pub fn merge(here: &Records, there: &Records, now: u64) -> Plan {
    let mut best = here.clone();
    for (key, theirs) in there {
        if best.get(key).is_none_or(|mine| theirs.newer_than(mine)) {
            best.insert(key.clone(), theirs.clone());
        }
    }
    let ended: Vec<(String, Record)> =
        best.iter().filter_map(|(key, record)| Some((key.clone(), outlived(record, &best)?))).collect();
    best.extend(ended);
    let mut plan = Plan::default();
    for (key, record) in best.into_iter().filter(|(_, record)| !record.ended(now)) {
        let push = there.get(&key).is_none_or(|theirs| record.newer_than(theirs));
        let apply = here.get(&key).is_none_or(|mine| record.newer_than(mine));
        match (push, apply) {
            (true, true) => {
                plan.push.push((key.clone(), record.clone()));
                plan.apply.push((key, record));
            }
            (true, false) => plan.push.push((key, record)),
            (false, true) => plan.apply.push((key, record)),
            (false, false) => {}
        }
    }
    plan
}

/// The tombstone that ends `record` if it is a live session whose user's record
/// in `all` is no longer the one it was made under (a new password or role, or
/// the user's removal): its stamp differs from the session's `user_at`, whatever
/// the clocks of the hubs that made either; for a session without `user_at` (an
/// older record), the user's record changed after the session was made. Dated at
/// that change, kept until the session would have expired. None for anything
/// else.
pub fn outlived(record: &Record, all: &Records) -> Option<Record> {
    let Some(Body::Session { user, created, expires, user_at, .. }) = &record.body else { return None };
    let user = all.get(&format!("user:{user}"))?;
    let changed = match user_at {
        Some(stamp) => user.at != *stamp || user.gone,
        None => user.at > *created,
    };
    (changed && !record.gone).then(|| Record {
        at: user.at.max(record.at.saturating_add(1)),
        gone: true,
        until: Some(*expires),
        body: None,
    })
}

/// Whether `records` hold a live user.
pub fn has_users(records: &Records) -> bool {
    records.values().any(is_live_user)
}

/// Whether `record` is a live user.
pub fn is_live_user(record: &Record) -> bool {
    matches!(record.body, Some(Body::User { .. })) && !record.gone
}

/// Whether `records` hold a live admin.
pub fn has_admins(records: &Records) -> bool {
    records.values().any(|record| matches!(record.body, Some(Body::User { role: Role::Admin, .. })) && !record.gone)
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

    fn user(at: u64) -> Record {
        Record {
            at,
            gone: false,
            until: None,
            body: Some(Body::User { role: Role::Admin, phc: format!("$v{at}"), created: 1 }),
        }
    }

    fn session(created: u64) -> Record {
        let body = Body::Session {
            digest: hex(&[created as u8; 32]),
            user: "ann".into(),
            created,
            expires: 100,
            user_at: None,
        };
        Record { at: created, gone: false, until: Some(100), body: Some(body) }
    }

    /// A session made at `created` under Ann's record stamped `user_at`.
    fn session_under(created: u64, user_at: u64) -> Record {
        let mut record = session(created);
        if let Some(Body::Session { user_at: stamp, .. }) = &mut record.body {
            *stamp = Some(user_at);
        }
        record
    }

    /// A tombstone for a session dated `at`, as [`outlived`] makes it.
    fn ended(at: u64) -> Record {
        gone(at, Some(100))
    }

    /// One case: the file's records, Redis's, then what is pushed and applied.
    type Full<'a> =
        (&'a [(&'a str, Record)], &'a [(&'a str, Record)], &'a [(&'a str, Record)], &'a [(&'a str, Record)]);

    #[test]
    fn a_session_made_before_its_user_changed_ends_on_both_sides() {
        // (here, there, pushed, applied)
        let cases: [Full; 7] = [
            // Ann's password was reset here at 20; Redis brings a session another hub
            // made at 15 with the old one: it ends here and there.
            (
                &[("user:ann", user(20))],
                &[("user:ann", user(5)), ("session:s", session(15))],
                &[("session:s", ended(20)), ("user:ann", user(20))],
                &[("session:s", ended(20))],
            ),
            // The reset came from the fleet; the session was made here meanwhile.
            (
                &[("user:ann", user(5)), ("session:s", session(15))],
                &[("user:ann", user(20))],
                &[("session:s", ended(20))],
                &[("session:s", ended(20)), ("user:ann", user(20))],
            ),
            // A session made after the reset (with the new password) lives on.
            (
                &[("user:ann", user(20)), ("session:s", session(25))],
                &[("user:ann", user(20))],
                &[("session:s", session(25))],
                &[],
            ),
            // Made in the same ms as the change: not before it.
            (
                &[("user:ann", user(20)), ("session:s", session(20))],
                &[],
                &[("session:s", session(20)), ("user:ann", user(20))],
                &[],
            ),
            // A user removed on one side ends the other side's sessions.
            (
                &[("user:ann", gone(30, None))],
                &[("user:ann", user(20)), ("session:s", session(25))],
                &[("session:s", ended(30)), ("user:ann", gone(30, None))],
                &[("session:s", ended(30))],
            ),
            // Both sides already hold the tombstone: nothing to do.
            (
                &[("user:ann", user(20)), ("session:s", ended(20))],
                &[("user:ann", user(20)), ("session:s", ended(20))],
                &[],
                &[],
            ),
            // A session whose user neither side knows is left as it is.
            (&[("session:s", session(15))], &[], &[("session:s", session(15))], &[]),
        ];
        assert_merges(&cases);
    }

    /// Checks each case's merge at 50: exactly these records pushed and applied.
    fn assert_merges(cases: &[Full<'_>]) {
        let want = |items: &[(&str, Record)]| -> Vec<(String, Record)> {
            items.iter().map(|(key, record)| ((*key).to_owned(), record.clone())).collect()
        };
        for (i, (here, there, pushed, applied)) in cases.iter().enumerate() {
            let plan = merge(&records(here), &records(there), 50);
            assert_eq!(plan.push, want(pushed), "case {i}: pushed");
            assert_eq!(plan.apply, want(applied), "case {i}: applied");
        }
    }

    #[test]
    fn a_session_lives_while_its_user_record_keeps_the_stamp_it_was_made_under() {
        // (here, there, pushed, applied): the clocks of the hubs that made the
        // session and the user's change no longer decide.
        let cases: [Full; 6] = [
            // Made at 25 (a clock ahead) under the old password (stamp 5) on a hub
            // not yet told of the reset at 20: ended, though made "after" it.
            (
                &[("user:ann", user(5)), ("session:s", session_under(25, 5))],
                &[("user:ann", user(20))],
                &[("session:s", ended(26))],
                &[("session:s", ended(26)), ("user:ann", user(20))],
            ),
            // The same, seen from the hub that reset it.
            (
                &[("user:ann", user(20))],
                &[("user:ann", user(5)), ("session:s", session_under(25, 5))],
                &[("session:s", ended(26)), ("user:ann", user(20))],
                &[("session:s", ended(26))],
            ),
            // Made at 15 (a clock behind) under the new password (stamp 20): lives.
            (
                &[("user:ann", user(20)), ("session:s", session_under(15, 20))],
                &[("user:ann", user(20))],
                &[("session:s", session_under(15, 20))],
                &[],
            ),
            (
                &[("user:ann", user(20))],
                &[("user:ann", user(20)), ("session:s", session_under(15, 20))],
                &[],
                &[("session:s", session_under(15, 20))],
            ),
            // A removal (a tombstone at any stamp) ends it.
            (
                &[("user:ann", gone(20, None))],
                &[("user:ann", user(20)), ("session:s", session_under(25, 20))],
                &[("session:s", ended(26)), ("user:ann", gone(20, None))],
                &[("session:s", ended(26))],
            ),
            // An older record without the stamp keeps the clock rule (15 < 20: ended).
            (
                &[("user:ann", user(20))],
                &[("user:ann", user(20)), ("session:s", session(15))],
                &[("session:s", ended(20))],
                &[("session:s", ended(20))],
            ),
        ];
        assert_merges(&cases);
    }

    #[test]
    fn an_older_copy_never_replaces_what_the_file_holds_now() {
        // What `Db::apply` writes: the merge of what it is given against the file
        // as it is at that moment. (current, incoming, written)
        let cases: [Case; 5] = [
            // Ann's password changed here (20) while an older copy (15) was on its way.
            (&[("user:ann", user(20))], &[("user:ann", user(15))], &[], &[]),
            // Revoked here while the round that read the token was running.
            (&[("token:a", gone(9, None))], &[("token:a", live(5))], &[], &[]),
            // A newer change from the fleet is written.
            (&[("user:ann", user(15))], &[("user:ann", user(20))], &[], &["user:ann"]),
            (&[], &[("token:a", live(5))], &[], &["token:a"]),
            // A session made with a password since changed here is written as ended.
            (&[("user:ann", user(20))], &[("session:s", session(15))], &[], &["session:s"]),
        ];
        for (i, (current, incoming, _, written)) in cases.into_iter().enumerate() {
            let plan = merge(&records(current), &records(incoming), 50);
            assert_eq!(keys(&plan.apply), written, "case {i}");
            assert!(plan.apply.iter().all(|(key, record)| key != "session:s" || record.gone), "case {i}");
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
        // A session's user stamp is written when known and optional when read.
        let made = session_under(5, 3);
        let text = serde_json::to_string(&made).unwrap();
        assert!(text.contains(r#""user_at":3"#), "{text}");
        assert_eq!(serde_json::from_str::<Record>(&text).unwrap(), made);
        let old = serde_json::to_string(&session(5)).unwrap();
        assert!(!old.contains("user_at"), "{old}");
        assert_eq!(serde_json::from_str::<Record>(&old).unwrap(), session(5));
    }
}
