//! The fleet summary: a few numbers per host per second, for the fleet overview and
//! the metric-across-hosts view.
//!
//! It is the stream of a pseudo-host, [`FLEET_HOST`] (`host=@fleet` on every
//! transport and on `/api/v1/history`), so a page watching a fleet subscribes,
//! falls back, backs off and resumes exactly as it does for one host. Each of its
//! frames has one value per host and [`Metric`], keyed `{host id}/{metric key}`
//! (host ids never contain `/` or `@`). An `up` host has no [`Metric::Seen`] (it
//! was seen at the frame's time); a host that is not `up` carries only its
//! [`Metric::Status`] and [`Metric::Seen`]; names and tags come from
//! `/api/v1/hosts`, which the page reads when a host it does not know appears.

use crate::{HostStatus, Unit, WireName};

mod columns;

pub use columns::Columns;

/// The pseudo-host whose stream is the fleet summary.
pub const FLEET_HOST: &str = "@fleet";

/// Whether `id` can be a host's id (`/api/v1/hosts`'s `id`, a stream's `host=`):
/// 1 to 128 bytes of text without control characters or `/`, not starting with
/// `@` (the summary's). A hub's own `--name` may be any of these; an agent's id is
/// narrower (`[A-Za-z0-9._-]`, at most 64), so this is the rule a page must accept.
pub fn is_host_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && !id.starts_with('@') && !id.contains('/') && !id.chars().any(char::is_control)
}

/// One number of a host's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// CPU use, percent of all cores (`cpu.total`).
    Cpu,
    /// Memory used, percent of total (`mem.used` / `mem.total`).
    Mem,
    /// Bytes received per second, every interface (`net.rx`).
    Rx,
    /// Bytes sent per second, every interface (`net.tx`).
    Tx,
    /// Disk bytes read and written per second (`disk.read` + `disk.write`).
    Disk,
    /// One-minute load average (`load.1`).
    Load,
    /// Seconds since boot (`uptime`).
    Uptime,
    /// [`HostStatus`] as a number: see [`status_code`].
    Status,
    /// When the host was last sampled, ms since the Unix epoch.
    Seen,
}

impl Metric {
    /// Every metric, in the overview's column order.
    pub const ALL: [Metric; 9] = [
        Metric::Cpu,
        Metric::Mem,
        Metric::Rx,
        Metric::Tx,
        Metric::Disk,
        Metric::Load,
        Metric::Uptime,
        Metric::Status,
        Metric::Seen,
    ];

    /// The metrics worth charting across hosts.
    pub const CHARTED: [Metric; 6] = [Metric::Cpu, Metric::Mem, Metric::Rx, Metric::Tx, Metric::Disk, Metric::Load];

    /// Its key in series ids and in the page's URL.
    pub fn key(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Mem => "mem",
            Metric::Rx => "rx",
            Metric::Tx => "tx",
            Metric::Disk => "disk",
            Metric::Load => "load",
            Metric::Uptime => "uptime",
            Metric::Status => "status",
            Metric::Seen => "seen",
        }
    }

    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Cpu => "CPU",
            Metric::Mem => "Memory",
            Metric::Rx => "Net in",
            Metric::Tx => "Net out",
            Metric::Disk => "Disk I/O",
            Metric::Load => "Load",
            Metric::Uptime => "Uptime",
            Metric::Status => "Status",
            Metric::Seen => "Last seen",
        }
    }

    /// The unit of its values.
    pub fn unit(self) -> Unit {
        match self {
            Metric::Cpu | Metric::Mem => Unit::Percent,
            Metric::Rx | Metric::Tx | Metric::Disk => Unit::BytesPerSecond,
            Metric::Load => Unit::Load,
            Metric::Uptime => Unit::Seconds,
            Metric::Status | Metric::Seen => Unit::Count,
        }
    }

    /// The host series it is made of, as the hub's summary makes it (none for
    /// status and last seen, which the hub knows without a sample).
    pub const fn sources(self) -> &'static [&'static str] {
        match self {
            Metric::Cpu => &["cpu.total"],
            Metric::Mem => &["mem.used", "mem.total"],
            Metric::Rx => &["net.rx"],
            Metric::Tx => &["net.tx"],
            Metric::Disk => &["disk.read", "disk.write"],
            Metric::Load => &["load.1"],
            Metric::Uptime => &["uptime"],
            Metric::Status | Metric::Seen => &[],
        }
    }

    /// Whether host series `id` is a source of a fleet metric: what a share link
    /// for the fleet overview may read of any host's history (the overview shows
    /// those figures live already).
    pub fn is_source(id: &str) -> bool {
        Metric::ALL.iter().any(|metric| metric.sources().contains(&id))
    }

    /// The metric with this key.
    pub fn from_key(key: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|metric| metric.key() == key)
    }
}

/// The summary series id of `metric` for host `host`.
pub fn series_id(host: &str, metric: Metric) -> String {
    // Sized exactly (a summary makes one per host and metric every second).
    let key = metric.key();
    let mut id = String::with_capacity(host.len() + 1 + key.len());
    id.push_str(host);
    id.push('/');
    id.push_str(key);
    id
}

/// The host and metric of a summary series id.
pub fn split_series_id(id: &str) -> Option<(&str, Metric)> {
    let (host, key) = id.rsplit_once('/')?;
    Some((host, Metric::from_key(key)?))
}

/// A status as a [`Metric::Status`] value.
pub fn status_code(status: HostStatus) -> f64 {
    match status {
        HostStatus::Up => 0.0,
        HostStatus::Stale => 1.0,
        HostStatus::Down => 2.0,
    }
}

/// The status a [`Metric::Status`] value stands for.
pub fn status_from_code(code: f64) -> Option<HostStatus> {
    HostStatus::ALL.iter().copied().find(|status| status_code(*status) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_ids_are_any_text_but_a_path_or_the_summary() {
        for good in ["web-1", "Büro Server 1", "ü 名 {odd}: x", "a&b=c#d?e%", &"n".repeat(128)] {
            assert!(is_host_id(good), "{good}");
        }
        for bad in ["", "@fleet", "@x", "a/b", "tab\there", "nl\n", &"n".repeat(129)] {
            assert!(!is_host_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn keys_and_ids_round_trip() {
        for metric in Metric::ALL {
            assert_eq!(Metric::from_key(metric.key()), Some(metric));
            let id = series_id("web-1.example", metric);
            assert_eq!(split_series_id(&id), Some(("web-1.example", metric)));
        }
        assert_eq!(split_series_id("cpu.total"), None);
        assert_eq!(split_series_id("web/nope"), None);
    }

    #[test]
    fn status_codes_round_trip() {
        for status in [HostStatus::Up, HostStatus::Stale, HostStatus::Down] {
            assert_eq!(status_from_code(status_code(status)), Some(status));
        }
        assert_eq!(status_from_code(0.5), None);
        assert_eq!(status_from_code(f64::NAN), None);
    }
}
