//! Disk I/O counters from `/proc/diskstats` and usage per mounted filesystem.

use std::collections::BTreeMap;

use sysinfo::Disks;

/// Bytes read and written since boot by whole physical devices.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct DiskIo {
    /// Bytes read, or `None` where the kernel gives no diskstats.
    pub read_bytes: Option<u64>,
    /// Bytes written, likewise.
    pub written_bytes: Option<u64>,
}

/// Sums `/proc/diskstats` over whole devices (partitions, loop, ram and
/// device-mapper devices would count the same bytes twice).
pub fn read_diskstats() -> DiskIo {
    match std::fs::read_to_string("/proc/diskstats") {
        Ok(text) => parse_diskstats(&text),
        Err(_) => DiskIo::default(),
    }
}

/// Parses the text of `/proc/diskstats` (sectors are 512 bytes there, always).
pub fn parse_diskstats(text: &str) -> DiskIo {
    let (mut read, mut written) = (0u64, 0u64);
    let mut any = false;
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 10 || !is_whole_device(fields[2]) {
            continue;
        }
        let (Ok(r), Ok(w)) = (fields[5].parse::<u64>(), fields[9].parse::<u64>()) else {
            continue;
        };
        read = read.saturating_add(r.saturating_mul(512));
        written = written.saturating_add(w.saturating_mul(512));
        any = true;
    }
    if any {
        DiskIo { read_bytes: Some(read), written_bytes: Some(written) }
    } else {
        DiskIo::default()
    }
}

fn is_whole_device(name: &str) -> bool {
    const SKIP: [&str; 5] = ["loop", "ram", "dm-", "zram", "sr"];
    if SKIP.iter().any(|prefix| name.starts_with(prefix)) {
        return false;
    }
    let ends_in_digit = name.ends_with(|c: char| c.is_ascii_digit());
    if name.starts_with("nvme") || name.starts_with("mmcblk") {
        !name.contains('p')
            || !ends_in_digit
            || !name.rsplit_once('p').is_some_and(|(_, n)| n.chars().all(|c| c.is_ascii_digit()))
    } else {
        !ends_in_digit
    }
}

/// Used space in percent per mount point, one entry per device (bind mounts and
/// pseudo filesystems left out).
pub fn usage(disks: &Disks) -> BTreeMap<String, f64> {
    let mut by_device: BTreeMap<String, (String, f64)> = BTreeMap::new();
    for disk in disks.list() {
        let total = disk.total_space();
        let fs = disk.file_system().to_string_lossy();
        if total == 0 || matches!(fs.as_ref(), "tmpfs" | "devtmpfs" | "overlay" | "squashfs" | "proc" | "sysfs") {
            continue;
        }
        let mount = disk.mount_point().to_string_lossy().into_owned();
        let used = total.saturating_sub(disk.available_space()) as f64 * 100.0 / total as f64;
        let device = disk.name().to_string_lossy().into_owned();
        let entry = by_device.entry(device).or_insert_with(|| (mount.clone(), used));
        if mount.len() < entry.0.len() {
            *entry = (mount, used);
        }
    }
    by_device.into_values().collect()
}
