//! The "top processes" table: the busiest by CPU and the largest by memory.

use pulse_protocol::ProcessInfo;
use sysinfo::System;

use super::round;

/// The union of the busiest processes by CPU and the largest by memory.
pub fn busiest(system: &System, count: usize) -> Vec<ProcessInfo> {
    let mut all: Vec<ProcessInfo> = system
        .processes()
        .values()
        .map(|p| ProcessInfo {
            pid: p.pid().as_u32(),
            name: p.name().to_string_lossy().into_owned(),
            cpu: round(f64::from(p.cpu_usage()), 1),
            mem: p.memory(),
        })
        .collect();
    all.sort_by(|a, b| b.cpu.total_cmp(&a.cpu).then(b.mem.cmp(&a.mem)));
    let mut top: Vec<ProcessInfo> = all.iter().take(count).cloned().collect();
    all.sort_by_key(|p| std::cmp::Reverse(p.mem));
    for process in all.into_iter().take(count) {
        if !top.iter().any(|p| p.pid == process.pid) {
            top.push(process);
        }
    }
    top
}
