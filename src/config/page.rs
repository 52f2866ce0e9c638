//! Which page opens: one host's dashboard, or the fleet (the overview and one
//! metric across hosts, both fed by the `@fleet` summary).
//!
//! `?host=ID` always opens that host; `?view=fleet` or `?view=compare` the fleet,
//! `?view=alerts` the alerts page;
//! otherwise a hub with several hosts (or none yet: `--no-local` before its first
//! agent) opens on the fleet and a single host opens
//! straight on its dashboard, as Pulse always did.

/// The page the app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// One host's dashboard.
    #[default]
    Host,
    /// The fleet: every host's summary.
    Fleet,
    /// The alerts page (`?view=alerts`), fed by the `@fleet` stream's live alerts.
    Alerts,
}

/// Whether the page must ask the hub how many hosts it has to decide.
pub fn needs_host_count(host_param: Option<&str>, view_param: Option<&str>) -> bool {
    host_param.is_none() && view_param.is_none()
}

/// The page for the URL's `host=` and `view=`, and the number of hosts the hub
/// lists (`None`: not asked, or it could not say, e.g. an older server).
pub fn decide(host_param: Option<&str>, view_param: Option<&str>, hosts: Option<usize>) -> Page {
    if host_param.is_some() {
        return Page::Host;
    }
    match view_param {
        Some("fleet" | "compare") => Page::Fleet,
        Some("alerts") => Page::Alerts,
        Some(_) => Page::Host,
        // A hub with no host yet (`--no-local`, no agent) opens on its empty fleet.
        None if hosts.is_some_and(|n| n != 1) => Page::Fleet,
        None => Page::Host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_table() {
        let cases = [
            // host=, view=, hosts listed, page
            (Some("web-1"), None, None, Page::Host),
            (Some("web-1"), Some("fleet"), Some(5), Page::Host),
            (None, Some("fleet"), None, Page::Fleet),
            (None, Some("compare"), Some(1), Page::Fleet),
            (None, Some("alerts"), None, Page::Alerts),
            (Some("web-1"), Some("alerts"), None, Page::Host),
            (None, Some("host"), Some(5), Page::Host),
            (None, None, Some(5), Page::Fleet),
            (None, None, Some(1), Page::Host),
            (None, None, Some(0), Page::Fleet),
            (None, None, None, Page::Host),
        ];
        for (host, view, hosts, want) in cases {
            assert_eq!(decide(host, view, hosts), want, "host={host:?} view={view:?} hosts={hosts:?}");
        }
        assert!(needs_host_count(None, None));
        assert!(!needs_host_count(None, Some("fleet")));
    }
}
