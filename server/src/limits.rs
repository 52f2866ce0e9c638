//! The process's open-file limit, which caps how many clients it can hold: raised
//! to the hard limit at start, and the connection cap kept below it, so a full
//! server answers 503 instead of failing to accept (which would starve `/healthz`).

/// Files the server keeps for itself beyond client sockets: the listener, logs,
/// `/proc` reads by the sampler, static files being served.
pub const RESERVED_FILES: u64 = 64;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the limit now in
/// force (`None` where the platform has no such limit or it cannot be read).
pub fn raise_open_files() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            // SAFETY: as above.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit = raised;
            }
        }
        Some(limit.rlim_cur)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The connection cap that fits in `open_files` (all of it when unknown).
pub fn connection_cap(wanted: usize, open_files: Option<u64>) -> usize {
    match open_files {
        Some(files) => wanted.min(files.saturating_sub(RESERVED_FILES) as usize),
        None => wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_servers_own_files() {
        assert_eq!(connection_cap(19_000, Some(1024)), 960);
        assert_eq!(connection_cap(500, Some(1024)), 500);
        assert_eq!(connection_cap(19_000, Some(10)), 0);
        assert_eq!(connection_cap(19_000, None), 19_000);
    }

    #[test]
    fn raising_never_lowers_the_limit() {
        #[cfg(unix)]
        {
            let mut before = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut before) }, 0);
            let now = raise_open_files().expect("unix has RLIMIT_NOFILE");
            assert!(now >= before.rlim_cur);
            assert_eq!(now, before.rlim_max, "the soft limit is raised to the hard one");
        }
    }
}
