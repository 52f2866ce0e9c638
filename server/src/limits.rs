//! The process's open-file limit, which caps how many clients it can hold: raised
//! to the hard limit at start, and the connection caps kept below it, so a full
//! server answers 503 instead of failing to accept (which would starve `/healthz`).

/// Files sysinfo may keep open between samples (it caches `/proc/PID/stat`
/// handles, by default up to half the open-file limit, which would leave the
/// connection cap above what is really free).
pub const SAMPLER_FILES: usize = 32;

/// Files the server keeps for itself beyond client sockets: the listener, logs,
/// the runtime, `/proc` reads by the sampler (with [`SAMPLER_FILES`]), static files
/// being served, and refused connections being told why
/// ([`crate::listen::MAX_LINGERING`]).
pub const RESERVED_FILES: u64 = 64 + SAMPLER_FILES as u64 + crate::listen::MAX_LINGERING as u64;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit and returns the limit now in
/// force (`None` where the platform has no such limit or it cannot be read).
pub fn raise_open_files() -> Option<u64> {
    #[cfg(unix)]
    {
        // Before the first sysinfo call fixes its own share of the limit.
        sysinfo::set_open_files_limit(SAMPLER_FILES);
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

/// Connections beyond the streams' cap, so plain requests (`/healthz`, the page,
/// history) are still answered while every stream place is taken.
pub const PLAIN_ROOM: usize = 64;

/// The caps in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Streams (WebSocket, SSE, held long-polls) at once.
    pub streams: usize,
    /// Connections of every kind at once.
    pub total: usize,
}

/// The caps for `wanted` streams (`--max-connections`) that fit in `open_files`:
/// all connections together at most `wanted + PLAIN_ROOM`, and both within the
/// open-file limit less what the server needs itself (all of it when unknown).
pub fn caps(wanted: usize, open_files: Option<u64>) -> Caps {
    let total = wanted.saturating_add(PLAIN_ROOM);
    let total = match open_files {
        Some(files) => total.min(files.saturating_sub(RESERVED_FILES) as usize),
        None => total,
    };
    Caps { streams: wanted.min(total), total }
}

/// The open-file limit in force now (`None` where the platform has none).
pub fn open_files() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit only writes the struct we pass.
        (unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0).then_some(limit.rlim_cur)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caps_leave_room_for_the_servers_own_files_and_for_plain_requests() {
        assert_eq!(caps(19_000, Some(1024)), Caps { streams: 896, total: 896 });
        assert_eq!(caps(500, Some(1024)), Caps { streams: 500, total: 564 });
        assert_eq!(caps(19_000, Some(10)), Caps { streams: 0, total: 0 });
        assert_eq!(caps(19_000, None), Caps { streams: 19_000, total: 19_064 });
        assert_eq!(caps(1, Some(20_000)), Caps { streams: 1, total: 65 });
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
