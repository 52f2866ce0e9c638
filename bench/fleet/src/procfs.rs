//! The hub's CPU time and memory, and this process's own CPU time, from `/proc`.

use crate::error::{Error, Result};

/// What `/proc` says about a process at one moment.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// User + system CPU time of every thread, in microseconds.
    pub cpu_us: u64,
    /// Resident memory, in KiB.
    pub rss_kib: u64,
    /// Time its threads spent ready to run but waiting for a CPU, in microseconds
    /// (`/proc/PID/task/*/schedstat`): what other work on its core cost it.
    pub waited_us: u64,
}

/// Process `pid`'s CPU time (`utime + stime` in `/proc/PID/stat`) and `VmRSS`.
pub fn usage(pid: u32) -> Result<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields are counted after the command name's closing parenthesis (it may hold
    // spaces): utime and stime are the 12th and 13th there.
    let fields: Vec<u64> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().skip(11).take(2).filter_map(|f| f.parse().ok()).collect())
        .unwrap_or_default();
    let [utime, stime] = fields[..] else { return Err(Error::Protocol(format!("odd /proc/{pid}/stat"))) };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| Error::Protocol(format!("no VmRSS in /proc/{pid}/status")))?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(Usage { cpu_us: (utime + stime) * 1_000_000 / hz, rss_kib, waited_us: waited_ns(pid) / 1000 })
}

/// The run-queue wait of every thread of `pid` (the second field of each
/// thread's `schedstat`), in nanoseconds; 0 where the kernel does not keep it.
fn waited_ns(pid: u32) -> u64 {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    threads
        .filter_map(|thread| std::fs::read_to_string(thread.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum()
}

/// This process's own CPU time, in microseconds.
pub fn own_cpu_us() -> u64 {
    usage(std::process::id()).map_or(0, |usage| usage.cpu_us)
}

/// Raises the open-file limit to its hard limit; returns it.
pub fn raise_open_files() -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit and setrlimit only read and write the struct handed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
    limit.rlim_cur
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_itself() {
        let usage = super::usage(std::process::id()).unwrap();
        assert!(usage.rss_kib > 0);
        assert!(super::raise_open_files() > 0);
    }
}
