//! Percentiles, and a server's CPU time read from /proc.

use std::time::Duration;

/// The `q` quantile (0..=1) of `sorted`, in µs; nearest rank.
pub fn quantile_us(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e6
}

/// The CPU time all threads of `pid` have used, in ns (the scheduler's own
/// account, `/proc/PID/task/*/schedstat`, finer than the 10 ms ticks of `stat`;
/// threads that already ended are counted from `/proc/PID/stat`'s dead children
/// only, so a measurement must not span a thread's exit: the hub's are long-lived).
pub fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .filter_map(|task| task.ok())
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|text| text.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let ms = |v: u64| Duration::from_millis(v);
        let data: Vec<Duration> = (1..=100).map(ms).collect();
        assert_eq!(quantile_us(&data, 0.5), 50_000.0);
        assert_eq!(quantile_us(&data, 0.99), 99_000.0);
        assert_eq!(quantile_us(&[ms(7)], 0.99), 7_000.0);
        assert!(quantile_us(&[], 0.5).is_nan());
    }
}
