//! Which records read from the fleet's copy a hub can hold: one that parses but
//! that no hub writes so (a key of another kind than its fields, a bad digest, a
//! session without its user's record, stamps the access file cannot keep) would
//! be "newer there" every round, and the round would write and reload the file
//! for it forever. Such records are skipped (the caller counts and logs them, by
//! key and reason, never by content). Pure.

use super::{unhex, Body, Record, Records};

/// Why a record read from the fleet's copy is skipped: it parses, but no hub
/// writes it so, and the access file could not hold it as it is. Names no
/// field's value: a record may hold a password hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// The key is not `user:`, `session:`, `token:` or `share:` and a name.
    Key,
    /// A tombstone with fields, or a live record without them.
    Shape,
    /// The fields are of another kind than the key says.
    Kind,
    /// A digest that is not 64 hex digits.
    Digest,
    /// A credential's `at` or `until` is not its `created` and `expires`, as the
    /// access file keeps them (or a user's record has an `until`), or a stamp of
    /// any record, a tombstone's too, is past what the file's integers hold.
    Stamp,
    /// A live session whose user has no record in the copy.
    NoUser,
}

impl Malformed {
    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Malformed::Key => "bad key",
            Malformed::Shape => "bad shape",
            Malformed::Kind => "fields of another kind than its key",
            Malformed::Digest => "bad digest",
            Malformed::Stamp => "stamps that disagree with its fields",
            Malformed::NoUser => "a session without a user record",
        }
    }
}

/// Splits `records` (as read from the fleet's copy) into those a hub can hold
/// and the keys of those it cannot, with why.
pub fn sound(records: Records) -> (Records, Vec<(String, Malformed)>) {
    let mut bad: Vec<(String, Malformed)> =
        records.iter().filter_map(|(key, record)| Some((key.clone(), check(key, record)?))).collect();
    for (key, record) in &records {
        if let (false, Some(Body::Session { user, .. })) = (record.gone, &record.body) {
            if !records.contains_key(&format!("user:{user}")) && bad.iter().all(|(k, _)| k != key) {
                bad.push((key.clone(), Malformed::NoUser));
            }
        }
    }
    let mut good = records;
    for (key, _) in &bad {
        good.remove(key);
    }
    (good, bad)
}

/// What is wrong with one record on its own, if anything.
fn check(key: &str, record: &Record) -> Option<Malformed> {
    let Some((kind, _)) = key.split_once(':').filter(|(_, id)| !id.is_empty()) else {
        return Some(Malformed::Key);
    };
    if !matches!(kind, "user" | "session" | "token" | "share") {
        return Some(Malformed::Key);
    }
    if !fits(record) {
        return Some(Malformed::Stamp);
    }
    let body = match (&record.body, record.gone) {
        (None, true) => return None,
        (Some(body), false) => body,
        _ => return Some(Malformed::Shape),
    };
    let (digest, created, until) = match (kind, body) {
        ("user", Body::User { .. }) => return record.until.is_some().then_some(Malformed::Stamp),
        ("session", Body::Session { digest, created, expires, .. }) => (digest, created, Some(*expires)),
        ("token", Body::Token { digest, created, .. }) => (digest, created, None),
        ("share", Body::Share { digest, created, expires, .. }) => (digest, created, Some(*expires)),
        _ => return Some(Malformed::Kind),
    };
    if unhex(digest).is_none() {
        Some(Malformed::Digest)
    } else if record.at != *created || record.until != until {
        Some(Malformed::Stamp)
    } else {
        None
    }
}

/// Whether every stamp of `record` fits the access file's signed 64-bit
/// integers: one past them would be stored wrapped (or not at all), read back as
/// another time, and so be "newer there" every round.
pub fn fits(record: &Record) -> bool {
    let body = match &record.body {
        None => vec![],
        Some(Body::User { created, .. }) | Some(Body::Token { created, .. }) => vec![Some(*created)],
        Some(Body::Session { created, expires, user_at, .. }) => vec![Some(*created), Some(*expires), *user_at],
        Some(Body::Share { created, expires, .. }) => vec![Some(*created), Some(*expires)],
    };
    [Some(record.at), record.until].into_iter().chain(body).flatten().all(|stamp| i64::try_from(stamp).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::ledger::hex;
    use pulse_protocol::access::Role;

    fn session(at: u64, user: &str, digest: &str, until: Option<u64>) -> Record {
        let body = Body::Session { digest: digest.into(), user: user.into(), created: 5, expires: 100, user_at: None };
        Record { at, gone: false, until, body: Some(body) }
    }

    const BIG: u64 = i64::MAX as u64 + 2;
    const MAX: u64 = i64::MAX as u64;

    fn session_with(at: u64, until: Option<u64>, expires: u64, user_at: Option<u64>) -> Record {
        let body = Body::Session { digest: hex(&[2; 32]), user: "ann".into(), created: 5, expires, user_at };
        Record { at, gone: false, until, body: Some(body) }
    }

    fn user() -> Record {
        let body = Body::User { role: Role::Admin, phc: "$x".into(), created: 1 };
        Record { at: 3, gone: false, until: None, body: Some(body) }
    }

    fn token(at: u64) -> Record {
        let body = Body::Token { digest: hex(&[1; 32]), role: Role::Viewer, label: String::new(), created: 5 };
        Record { at, gone: false, until: None, body: Some(body) }
    }

    fn tomb() -> Record {
        Record { at: 9, gone: true, until: None, body: None }
    }

    /// One case: the records read, then the keys skipped with why.
    type Case<'a> = (Vec<(&'a str, Record)>, Vec<(&'a str, Malformed)>);

    #[test]
    fn records_no_hub_writes_are_skipped_with_why() {
        let good = hex(&[2; 32]);
        let cases: Vec<Case> = vec![
            (vec![("user:ann", user()), ("session:s", session(5, "ann", &good, Some(100)))], vec![]),
            (vec![("token:t", token(5)), ("user:ann", tomb()), ("share:x", tomb())], vec![]),
            (vec![("token", token(5))], vec![("token", Malformed::Key)]),
            (vec![("token:", token(5))], vec![("token:", Malformed::Key)]),
            (vec![("thing:t", token(5))], vec![("thing:t", Malformed::Key)]),
            (vec![("user:t", token(5))], vec![("user:t", Malformed::Kind)]),
            (vec![("token:t", user())], vec![("token:t", Malformed::Kind)]),
            (vec![("token:t", Record { body: None, ..token(5) })], vec![("token:t", Malformed::Shape)]),
            (vec![("token:t", Record { gone: true, ..token(5) })], vec![("token:t", Malformed::Shape)]),
            (vec![("token:t", token(6))], vec![("token:t", Malformed::Stamp)]),
            (vec![("user:a", Record { until: Some(4), ..user() })], vec![("user:a", Malformed::Stamp)]),
            (
                vec![("user:ann", user()), ("session:s", session(5, "ann", "zz", Some(100)))],
                vec![("session:s", Malformed::Digest)],
            ),
            (
                vec![("user:ann", user()), ("session:s", session(5, "ann", &good, None))],
                vec![("session:s", Malformed::Stamp)],
            ),
            (vec![("session:s", session(5, "bob", &good, Some(100)))], vec![("session:s", Malformed::NoUser)]),
            // Stamps past i64::MAX, which the file would store wrapped: a tombstone's too.
            (vec![("token:t", token(BIG))], vec![("token:t", Malformed::Stamp)]),
            (vec![("token:t", Record { at: BIG, ..tomb() })], vec![("token:t", Malformed::Stamp)]),
            (vec![("share:x", Record { until: Some(BIG), ..tomb() })], vec![("share:x", Malformed::Stamp)]),
            (vec![("user:a", Record { at: BIG, ..user() })], vec![("user:a", Malformed::Stamp)]),
            (
                vec![("user:ann", user()), ("session:s", session_with(5, Some(100), 100, Some(BIG)))],
                vec![("session:s", Malformed::Stamp)],
            ),
            (
                vec![("user:ann", user()), ("session:s", session_with(5, Some(BIG), BIG, None))],
                vec![("session:s", Malformed::Stamp)],
            ),
            // i64::MAX itself fits.
            (vec![("token:t", Record { at: MAX, ..tomb() })], vec![]),
            // A removed user's record is a record: their session is ended by the merge.
            (vec![("user:bob", tomb()), ("session:s", session(5, "bob", &good, Some(100)))], vec![]),
        ];
        for (i, (records, want)) in cases.into_iter().enumerate() {
            let all: Records = records.iter().map(|(k, r)| ((*k).to_owned(), r.clone())).collect();
            let (kept, skipped) = sound(all.clone());
            let want: Vec<(String, Malformed)> = want.into_iter().map(|(k, why)| (k.to_owned(), why)).collect();
            assert_eq!(skipped, want, "case {i}");
            assert_eq!(kept.len() + skipped.len(), all.len(), "case {i}");
            assert!(skipped.iter().all(|(key, _)| !kept.contains_key(key)), "case {i}");
        }
    }
}
