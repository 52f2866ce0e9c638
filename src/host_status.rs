//! What the host page says of a host the hub lists as not up: "down · last seen
//! 4 min ago", as the fleet list's dimmed row says it, instead of the uptime of its
//! last sample. It holds until a sample newer than the listing's `last_seen`
//! arrives (the host is back). Pure and table-tested: the times are passed in.

use pulse_protocol::{HostStatus, WireName};

use crate::format;

/// A host that is not up, in the page's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostNote {
    /// The host's id (`/api/v1/hosts`'s `id`).
    pub id: String,
    /// `down` or `stale`, as `/api/v1/hosts` says.
    pub status: &'static str,
    /// "last seen 4 min ago", or "never seen".
    pub seen: String,
}

impl HostNote {
    /// "down · last seen 4 min ago".
    pub fn text(&self) -> String {
        format!("{} · {}", self.status, self.seen)
    }
}

/// Samples this much newer than the listing's `last_seen` mean the host is back
/// (the sample's clock is the host's, `last_seen` the hub's).
const BACK_AFTER_MS: f64 = 5_000.0;

/// The note for host `id` listed with `status` and `last_seen` (ms since the
/// epoch, 0: never), whose newest sample the page holds is `newest`, at `now`;
/// `None` for a host that is up or has spoken since.
pub fn host_note(id: &str, status: HostStatus, last_seen: f64, newest: Option<f64>, now: f64) -> Option<HostNote> {
    if status == HostStatus::Up || newest.is_some_and(|ts| ts > last_seen + BACK_AFTER_MS) {
        return None;
    }
    let seen =
        if last_seen > 0.0 { format!("last seen {}", format::age(now - last_seen)) } else { "never seen".to_owned() };
    Some(HostNote { id: id.to_owned(), status: status.as_str(), seen })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_that_is_not_up_says_when_it_was_last_seen_until_it_speaks() {
        let (seen, now) = (1_000_000.0, 1_000_000.0 + 4.0 * 60_000.0);
        // status, last seen, newest sample, the words
        let cases = [
            (HostStatus::Up, seen, Some(seen), None),
            (HostStatus::Down, seen, Some(seen - 1_000.0), Some("down · last seen 4 min ago")),
            (HostStatus::Down, seen, None, Some("down · last seen 4 min ago")),
            (HostStatus::Stale, seen, Some(seen + 4_000.0), Some("stale · last seen 4 min ago")),
            (HostStatus::Down, seen, Some(seen + 60_000.0), None),
            (HostStatus::Down, 0.0, None, Some("down · never seen")),
        ];
        for (status, last_seen, newest, want) in cases {
            let note = host_note("h", status, last_seen, newest, now);
            assert_eq!(note.as_ref().map(HostNote::text).as_deref(), want, "{status:?} {newest:?}");
        }
    }
}
