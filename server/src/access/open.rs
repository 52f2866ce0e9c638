//! Whether a hub is open (every request from this machine is an admin's, as
//! before there were users): only on loopback, only without users, and with
//! `--redis` only once the fleet's copy has been read and holds no users either.
//! Until that first read a loopback `--redis` hub without users is closed and says
//! sign-in waits for Redis: another hub may have users, and changes made by an
//! anonymous admin here would reach all of them. Pure.

/// What this hub knows of the fleet's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fleet {
    /// No `--redis`: the hub is alone.
    Alone,
    /// With `--redis`, before the fleet's copy was first read.
    Unread,
    /// With `--redis`, after: whether the copy held a user when last read.
    Read {
        /// Whether it did.
        users: bool,
    },
}

/// Whether a request without a credential from this machine is an admin's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// It is.
    Open,
    /// It is not: sign in.
    Closed,
    /// Not yet: sign-in waits for the fleet's copy.
    Waiting,
}

/// The rule: `loopback`, whether the hub listens on loopback only; `users_here`,
/// whether its own access file has users.
pub fn opening(loopback: bool, users_here: bool, fleet: Fleet) -> Opening {
    match fleet {
        _ if !loopback || users_here => Opening::Closed,
        Fleet::Alone | Fleet::Read { users: false } => Opening::Open,
        Fleet::Read { users: true } => Opening::Closed,
        Fleet::Unread => Opening::Waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_hub_without_users_anywhere_it_knows_of_is_open() {
        use Fleet::*;
        use Opening::*;
        // (loopback, users here, fleet, opening)
        let cases = [
            (true, false, Alone, Open),
            (true, true, Alone, Closed),
            (false, false, Alone, Closed),
            (true, false, Unread, Waiting),
            (true, true, Unread, Closed),
            (false, false, Unread, Closed),
            (true, false, Read { users: false }, Open),
            (true, false, Read { users: true }, Closed),
            (true, true, Read { users: false }, Closed),
            (false, false, Read { users: false }, Closed),
        ];
        for (i, (loopback, users_here, fleet, want)) in cases.into_iter().enumerate() {
            assert_eq!(opening(loopback, users_here, fleet), want, "case {i}");
        }
    }
}
