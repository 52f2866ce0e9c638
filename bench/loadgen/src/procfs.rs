//! What the load generator reads about processes: the server's CPU time and RSS
//! from `/proc`, its own CPU time, and its own open-file limit.

use std::fs;

use crate::error::{Error, Result};

/// CPU time (user + system, all threads) of process `pid`, in microseconds.
pub fn cpu_us(pid: u32) -> Result<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name may contain spaces: fields are counted after its closing paren.
    let after =
        stat.rsplit_once(')').map(|(_, rest)| rest).ok_or_else(|| Error::Protocol(format!("odd /proc/{pid}/stat")))?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After ")": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let tick = |i: usize| -> Result<u64> {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .ok_or_else(|| Error::Protocol(format!("no field {i} in /proc/{pid}/stat")))
    };
    let ticks = tick(11)? + tick(12)?;
    Ok(ticks * 1_000_000 / clock_ticks_per_second())
}

/// Busy CPU time of the whole machine (all cores, everything but idle and
/// iowait) since boot, in microseconds, from `/proc/stat`.
pub fn machine_busy_us() -> Result<u64> {
    let stat = fs::read_to_string("/proc/stat")?;
    let line = stat
        .lines()
        .next()
        .filter(|l| l.starts_with("cpu "))
        .ok_or_else(|| Error::Protocol("no cpu line in /proc/stat".into()))?;
    let ticks: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal: busy is all but idle (3) and iowait (4).
    let busy: u64 = ticks.iter().take(8).enumerate().filter(|(i, _)| *i != 3 && *i != 4).map(|(_, t)| t).sum();
    Ok(busy * 1_000_000 / clock_ticks_per_second())
}

/// Resident set size of process `pid`, in KiB (`VmRSS`).
pub fn rss_kib(pid: u32) -> Result<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| Error::Protocol(format!("no VmRSS in /proc/{pid}/status")))
}

/// This process's own CPU time (user + system), in microseconds.
pub fn self_cpu_us() -> u64 {
    // SAFETY: getrusage only writes into the struct we hand it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: RUSAGE_SELF with a valid pointer cannot fail.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    us(usage.ru_utime) + us(usage.ru_stime)
}

/// Raises the soft limit on open files to the hard limit; returns the new soft limit.
pub fn raise_nofile_limit() -> Result<u64> {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct we hand them.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    limit.rlim_cur = limit.rlim_max;
    // SAFETY: as above.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // rlim_t is u64 on Linux but not on every platform libc supports.
    #[allow(clippy::unnecessary_cast)]
    Ok(limit.rlim_cur as u64)
}

fn clock_ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 {
        ticks as u64
    } else {
        100
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_itself() {
        let pid = std::process::id();
        assert!(rss_kib(pid).unwrap() > 0);
        assert!(cpu_us(pid).is_ok());
        assert!(machine_busy_us().unwrap() > 0);
        assert!(raise_nofile_limit().unwrap() > 0);
    }
}
