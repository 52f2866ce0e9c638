//! Whether a hub is open (every request from this machine is an admin's, as
//! before there were users): only on loopback, only without users, and with
//! `--redis` only while the fleet's copy is known to hold no users either: the
//! last round that learnt the fleet's users found none, and did so within
//! [`FRESH`]. Until a first read, or once that reading is older (Redis away, or
//! restarted empty and not yet given the hubs' records, or refilled by a hub
//! without records less than 10 s ago), a loopback `--redis`
//! hub without users is closed and says sign-in waits for Redis: another hub may
//! have users (or have made some meanwhile), and changes made by an anonymous
//! admin here would reach all of them. Pure.

use std::time::Duration;

/// How old the reading "the fleet has no users" may be for a hub to stay open:
/// ten rounds (`crate::redis::access::POLL` is 0.5 s), so a round or two that
/// Redis answered slowly does not close it, and a Redis away for longer does.
pub const FRESH: Duration = Duration::from_secs(5);

/// What this hub knows of the fleet's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fleet {
    /// No `--redis`: the hub is alone.
    Alone,
    /// With `--redis`, before a round first learnt the fleet's users.
    Unread,
    /// With `--redis`, after: what the last round that learnt them found.
    Read {
        /// Whether the copy held a user.
        users: bool,
        /// How long ago.
        age: Duration,
    },
}

/// Whether a request without a credential from this machine is an admin's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// It is.
    Open,
    /// It is not: sign in.
    Closed,
    /// Not now: sign-in waits for the fleet's copy.
    Waiting,
}

/// The rule: `loopback`, whether the hub listens on loopback only; `users_here`,
/// whether its own access file has users.
pub fn opening(loopback: bool, users_here: bool, fleet: Fleet) -> Opening {
    match fleet {
        _ if !loopback || users_here => Opening::Closed,
        Fleet::Alone => Opening::Open,
        Fleet::Read { users: true, .. } => Opening::Closed,
        Fleet::Read { users: false, age } if age <= FRESH => Opening::Open,
        Fleet::Read { users: false, .. } | Fleet::Unread => Opening::Waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_hub_without_users_anywhere_it_knows_of_lately_is_open() {
        use Fleet::*;
        use Opening::*;
        let now = Duration::ZERO;
        let lately = FRESH;
        let old = FRESH + Duration::from_millis(1);
        // (loopback, users here, fleet, opening)
        let cases = [
            (true, false, Alone, Open),
            (true, true, Alone, Closed),
            (false, false, Alone, Closed),
            (true, false, Unread, Waiting),
            (true, true, Unread, Closed),
            (false, false, Unread, Closed),
            (true, false, Read { users: false, age: now }, Open),
            (true, false, Read { users: false, age: lately }, Open),
            (true, false, Read { users: true, age: now }, Closed),
            (true, true, Read { users: false, age: now }, Closed),
            (false, false, Read { users: false, age: now }, Closed),
            // Redis away (or without a revision) for longer than FRESH: users may
            // have been made elsewhere meanwhile.
            (true, false, Read { users: false, age: old }, Waiting),
            (true, false, Read { users: true, age: old }, Closed),
            (true, true, Read { users: false, age: old }, Closed),
            (false, false, Read { users: false, age: old }, Closed),
        ];
        for (i, (loopback, users_here, fleet, want)) in cases.into_iter().enumerate() {
            assert_eq!(opening(loopback, users_here, fleet), want, "case {i}");
        }
    }
}
