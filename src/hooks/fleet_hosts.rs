//! Keeps the fleet's host list (names, tags) current without polling: it is read
//! again from `/api/v1/hosts` when the newest summary names a host the list lacks
//! or a host's status changes (an agent that comes back may bring a new name or
//! new tags). One request at a time; a change seen meanwhile asks once more.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use pulse_protocol::fleet::{split_series_id, Metric, FLEET_HOST};
use pulse_protocol::{HostInfo, HostsResponse};

use crate::store::SeriesStore;
use crate::transport::{fetch_json, ServerUrl};

/// Each host's status code in the newest summary row, by id (sorted).
pub fn signature(store: &SeriesStore) -> Vec<(String, f64)> {
    let Some(summary) = store.host(FLEET_HOST) else { return Vec::new() };
    // One pass over the newest row, not a search per status column.
    summary
        .newest_under("")
        .filter_map(|(id, value)| match (split_series_id(id), value) {
            (Some((host, Metric::Status)), Some(code)) => Some((host.to_owned(), code)),
            _ => None,
        })
        .collect()
}

/// The ids of a host list, sorted, so each host of a summary is found by binary
/// search: O(n log n) per summary instead of a scan of the list per host (a
/// million comparisons a second at 1,000 hosts). Built once per list change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownHosts(Vec<String>);

impl KnownHosts {
    /// The ids of `list`.
    pub fn of(list: &[HostInfo]) -> Self {
        let mut ids: Vec<String> = list.iter().map(|host| host.id.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        KnownHosts(ids)
    }

    /// Whether the list has host `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|known| known.as_str().cmp(id)).is_ok()
    }
}

/// Whether the list (`known`) misses a host of `signature`, or a status in it
/// differs from the one seen last time (`seen`).
pub fn stale(known: &KnownHosts, signature: &[(String, f64)], seen: &[(String, f64)]) -> bool {
    signature.iter().any(|(id, _)| !known.contains(id)) || (!seen.is_empty() && signature != seen)
}

/// What the watcher remembers between summaries.
#[derive(Default)]
struct Watch {
    seen: Vec<(String, f64)>,
    busy: bool,
    again: bool,
    /// The last read failed: the next summary asks again (at most once a second).
    failed: bool,
}

/// Reads the list again whenever the summary in `store` says it is stale, once
/// `server` is known (the fleet page only).
pub fn keep_current(server: ReadSignal<Option<ServerUrl>>, store: Signal<SeriesStore>, hosts: RwSignal<Vec<HostInfo>>) {
    let watch: Rc<RefCell<Watch>> = Rc::default();
    // Lazy: sorted again only when the list has changed since the last summary.
    let known = Memo::new(move |_| hosts.with(|list| KnownHosts::of(list)));
    Effect::new(move |_| {
        let Some(server) = server.get() else { return };
        let signature = store.with(signature);
        let failed = watch.borrow().failed;
        // Untracked: a new list alone is no reason to look at the summary again.
        let outdated = failed || known.with_untracked(|known| stale(known, &signature, &watch.borrow().seen));
        watch.borrow_mut().seen = signature;
        if outdated {
            fetch(server, hosts, Rc::clone(&watch));
        }
    });
}

fn fetch(server: ServerUrl, hosts: RwSignal<Vec<HostInfo>>, watch: Rc<RefCell<Watch>>) {
    {
        let mut state = watch.borrow_mut();
        if state.busy {
            state.again = true;
            return;
        }
        state.busy = true;
    }
    spawn_local(async move {
        // A failed read keeps the old list, and the next summary asks again.
        let read = fetch_json::<HostsResponse>(&server.http("/api/v1/hosts"), None).await;
        let failed = read.is_err();
        if let Ok(list) = read {
            hosts.set(list.hosts);
        }
        let again = {
            let mut state = watch.borrow_mut();
            state.busy = false;
            state.failed = failed;
            std::mem::take(&mut state.again)
        };
        if again {
            fetch(server, hosts, watch);
        }
    });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pulse_protocol::HostStatus;

    use super::*;

    fn host(id: &str) -> HostInfo {
        HostInfo {
            id: id.into(),
            name: id.into(),
            status: HostStatus::Up,
            last_seen: 0,
            tags: BTreeMap::new(),
            local: false,
            interval_ms: 1000,
        }
    }

    fn sig(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(id, code)| (id.to_string(), *code)).collect()
    }

    #[test]
    fn the_list_is_read_again_only_when_the_summary_says_so() {
        let known = KnownHosts::of(&[host("b"), host("a")]);
        let cases = [
            // signature now, signature seen before, read again?
            (sig(&[("a", 0.0), ("b", 0.0)]), sig(&[]), false),
            (sig(&[("a", 0.0), ("b", 0.0)]), sig(&[("a", 0.0), ("b", 0.0)]), false),
            (sig(&[("a", 0.0), ("b", 2.0)]), sig(&[("a", 0.0), ("b", 0.0)]), true),
            (sig(&[("a", 0.0), ("b", 0.0), ("c", 0.0)]), sig(&[]), true),
            (sig(&[("0", 0.0)]), sig(&[]), true),
            (sig(&[("a", 0.0)]), sig(&[]), false),
            (sig(&[]), sig(&[]), false),
        ];
        for (now, seen, want) in cases {
            assert_eq!(stale(&known, &now, &seen), want, "{now:?} after {seen:?}");
        }
    }

    #[test]
    fn known_hosts_finds_every_id_of_the_list_whatever_its_order() {
        let cases: [(&[&str], &str, bool); 7] = [
            // list ids, id looked up, found?
            (&[], "a", false),
            (&["a"], "a", true),
            (&["c", "a", "b"], "a", true),
            (&["c", "a", "b"], "c", true),
            (&["c", "a", "b"], "bb", false),
            (&["web-10", "web-2", "web-1"], "web-2", true),
            (&["a", "a"], "a", true),
        ];
        for (ids, id, want) in cases {
            let list: Vec<HostInfo> = ids.iter().map(|id| host(id)).collect();
            assert_eq!(KnownHosts::of(&list).contains(id), want, "{id} in {ids:?}");
        }
    }
}
