//! Which state of the fleet's access copy a hub has read, and what a round may
//! conclude from it. A revision alone can come back with other records behind it
//! (a failover to a replica behind, or a Redis restarted empty and refilled as
//! `last + 1`), so every write also sets a random tag in the same script, and a
//! hub compares both; a full read every [`FULL_READ`] whatever they say catches
//! what no comparison can (a copy rolled back to the very revision and tag last
//! read). A copy refilled by a hub with no user (none at all, or only agent
//! tokens and tombstones) says nothing of the fleet's users until it has stood
//! unchanged for [`GRACE`], nor do writes that bring no user into it. Pure.

use std::time::Duration;

/// How often a hub reads every record whatever the revision and tag say: the
/// longest a revocation missed by the comparison survives on a hub. A read and
/// comparison of 10,000 records costs about 65 ms of CPU, so this is about 0.2%
/// of a core at that size (and nothing measurable at a few hundred records).
pub const FULL_READ: Duration = Duration::from_secs(30);

/// How long a copy seeded from a file without records must stand unchanged
/// before it proves the fleet has no users: twenty rounds (`super::POLL`), time
/// for a hub that holds users and is reachable to give them to it.
pub const GRACE: Duration = Duration::from_secs(10);

/// How the tag of a copy seeded from a file without records begins.
pub const EMPTY_SEED: &str = "empty-";

/// The state of the copy: its revision and the tag of the write that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// `pulse:access:rev`.
    pub rev: u64,
    /// `pulse:access:tag` (empty when none was written).
    pub tag: String,
}

/// A new tag for a write (`empty_seed`: see [`marks_empty`]).
pub fn tag(empty_seed: bool, random: u64) -> String {
    format!("{}{random:016x}", if empty_seed { EMPTY_SEED } else { "" })
}

/// Whether a write's tag says its copy may hold no user yet (see [`EMPTY_SEED`]):
/// a seed (into a Redis without a revision) that brings no live user, whatever
/// else it brings (agent tokens, tombstones), or a write that brings none into a
/// copy so marked. A seed is judged by what it brings alone: what this hub read
/// before Redis restarted empty is no longer there.
pub fn marks_empty(seed: bool, seen_tag: Option<&str>, brings_a_user: bool) -> bool {
    !brings_a_user && (seed || seen_tag.is_some_and(|tag| tag.starts_with(EMPTY_SEED)))
}

/// Whether a round must read every record: the copy is not the one last read
/// (none read yet, or the revision or tag moved), or the last full read is
/// [`FULL_READ`] old.
pub fn must_read(seen: Option<&Version>, now: &Version, since_read: Duration) -> bool {
    seen != Some(now) || since_read >= FULL_READ
}

/// Whether a copy without users proves the fleet has none: yes unless a hub
/// with no records seeded it and it has stood unchanged (as this hub saw it) for
/// less than [`GRACE`].
pub fn proves_no_users(now: &Version, unchanged_for: Duration) -> bool {
    !now.tag.starts_with(EMPTY_SEED) || unchanged_for >= GRACE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(rev: u64, tag: &str) -> Version {
        Version { rev, tag: tag.into() }
    }

    #[test]
    fn a_round_reads_when_the_revision_or_tag_moved_or_the_last_read_is_old() {
        let fresh = Duration::ZERO;
        let old = FULL_READ;
        // (seen, now, since the last full read, must read)
        let cases = [
            (None, v(3, "a"), fresh, true),
            (Some(v(3, "a")), v(3, "a"), fresh, false),
            (Some(v(3, "a")), v(3, "a"), FULL_READ - Duration::from_millis(1), false),
            (Some(v(3, "a")), v(4, "a"), fresh, true),
            // The same revision with other records behind it (rollback, empty restart).
            (Some(v(3, "a")), v(3, "b"), fresh, true),
            (Some(v(3, "a")), v(2, "a"), fresh, true),
            // The backstop: whatever they say.
            (Some(v(3, "a")), v(3, "a"), old, true),
        ];
        for (i, (seen, now, since, want)) in cases.into_iter().enumerate() {
            assert_eq!(must_read(seen.as_ref(), &now, since), want, "case {i}");
        }
    }

    #[test]
    fn a_write_that_brings_no_user_keeps_a_seeded_copy_unproven() {
        let cases = [
            // what, seed, the tag last read, brings a live user, marked empty
            ("a seed of an empty file", true, None, false, true),
            ("a seed of agent tokens or tombstones only", true, Some("0000000000000001"), false, true),
            ("a seed with a user", true, None, true, false),
            ("a token pushed into an unproven copy", false, Some("empty-0000000000000001"), false, true),
            ("a user pushed into an unproven copy", false, Some("empty-0000000000000001"), true, false),
            ("a write into a copy that had a user or was proven", false, Some("0000000000000001"), false, false),
            ("a write into a copy of an older hub (no tag)", false, Some(""), false, false),
        ];
        for (what, seed, seen, user, want) in cases {
            assert_eq!(marks_empty(seed, seen, user), want, "{what}");
        }
    }

    #[test]
    fn an_empty_seed_proves_no_users_only_after_standing_unchanged_a_while() {
        let seed = tag(true, 7);
        let write = tag(false, 7);
        assert_eq!(seed, "empty-0000000000000007");
        assert_eq!(write, "0000000000000007");
        // (tag, unchanged for, proves no users)
        let cases = [
            (write.as_str(), Duration::ZERO, true),
            ("", Duration::ZERO, true),
            (seed.as_str(), Duration::ZERO, false),
            (seed.as_str(), GRACE - Duration::from_millis(1), false),
            (seed.as_str(), GRACE, true),
        ];
        for (i, (tag, unchanged, want)) in cases.into_iter().enumerate() {
            assert_eq!(proves_no_users(&v(1, tag), unchanged), want, "case {i}");
        }
    }
}
