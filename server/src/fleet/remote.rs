//! Hosts whose frames arrive through the shared Redis streams (`crate::redis`)
//! rather than from an agent linked here: their hub is made and replaced as an
//! agent's would be ([`Claim::adopt`](super::Claim::adopt)), and they count as
//! connected while an agent holds them on any hub of the fleet.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use pulse_protocol::Epoch;

use super::{Fleet, Host};
use crate::hub::{Hub, Timing};

/// What the fleet's shared host list says of a host.
pub struct Remote<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its tags.
    pub tags: &'a BTreeMap<String, String>,
    /// The epoch its agent numbers frames in now.
    pub epoch: &'a Epoch,
    /// How often its agent samples.
    pub interval: Duration,
}

impl Fleet {
    /// The hub that takes host `id`'s frames of `remote.epoch` read from its shared
    /// stream: the host is added if new, and given a new hub when the epoch or the
    /// interval changed (its clients resume on it with an explicit gap). `None` for
    /// the hub's own host, and while an agent linked to this hub holds the host in
    /// another epoch (that agent is the authority; its frames come here first).
    pub fn followed(&self, id: &str, remote: &Remote<'_>, timing: Timing) -> Option<Arc<Hub>> {
        let timing = Timing { interval: remote.interval, ..timing };
        let mut hosts = self.write();
        let host = match hosts.iter().find(|h| h.id == id) {
            Some(host) => Arc::clone(host),
            None => {
                let hub = Arc::new(self.remote_hub(id, remote, timing));
                let persist = Arc::clone(&self.persist);
                let host = Host::new(id.to_owned(), false, remote.name.to_owned(), remote.tags.clone(), hub, persist);
                let host = Arc::new(host.watched(self.watcher(id)));
                hosts.push(Arc::clone(&host));
                self.persist.describe(id, remote.name, remote.tags, false);
                return Some(Arc::clone(&host.lock().hub));
            }
        };
        drop(hosts);
        if host.local {
            return None;
        }
        let mut state = host.lock();
        if state.hub.epoch() == remote.epoch && state.hub.timing().interval == remote.interval {
            return Some(Arc::clone(&state.hub));
        }
        if state.claimed_by.is_some() {
            return None;
        }
        let hub = Arc::new(self.remote_hub(id, remote, timing));
        let old = std::mem::replace(&mut state.hub, Arc::clone(&hub));
        if state.name != remote.name || state.tags != *remote.tags {
            state.name = remote.name.to_owned();
            state.tags = remote.tags.clone();
            self.persist.describe(id, remote.name, remote.tags, false);
        }
        drop(state);
        old.begin_shutdown();
        Some(hub)
    }

    /// Marks whether host `id`'s agent is linked to some hub of the fleet (not
    /// necessarily this one), as the shared claims say.
    pub fn set_held_elsewhere(&self, id: &str, held: bool) {
        if let Some(host) = self.read().iter().find(|h| h.id == id) {
            host.lock().held_elsewhere = held;
        }
    }

    /// Forgets host `id` and its history because it was removed on another hub of
    /// the fleet; not the hub's own host, nor one whose agent is linked here (it
    /// describes the host anew). Whether it was removed.
    pub fn forget_followed(&self, id: &str) -> bool {
        let hosts = self.write();
        let Some(at) = hosts.iter().position(|h| h.id == id) else { return false };
        if hosts[at].local || hosts[at].lock().claimed_by.is_some() {
            return false;
        }
        self.drop_host(hosts, at);
        true
    }

    fn remote_hub(&self, id: &str, remote: &Remote<'_>, timing: Timing) -> Hub {
        Hub::mirror(remote.name.to_owned(), remote.epoch.clone(), timing)
            .keeping(self.persist.keeper(id))
            .watched(self.watcher(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::FleetError;
    use crate::hub::now_ms;
    use pulse_protocol::HostStatus;

    fn timing() -> Timing {
        Timing { interval: Duration::from_secs(1), heartbeat: Duration::from_secs(5), history: Duration::from_secs(60) }
    }

    #[test]
    fn a_followed_host_gets_a_hub_per_epoch_and_an_agent_here_wins() {
        let fleet = Fleet::new(Duration::from_secs(5));
        let tags = BTreeMap::new();
        let e1 = Epoch("e1".into());
        let remote = Remote { name: "db", tags: &tags, epoch: &e1, interval: Duration::from_secs(1) };
        let first = fleet.followed("db", &remote, timing()).expect("a hub");
        assert!(Arc::ptr_eq(&first, &fleet.followed("db", &remote, timing()).expect("the same")));
        assert_eq!(fleet.list(now_ms())[0].status, HostStatus::Down, "no agent anywhere");
        fleet.set_held_elsewhere("db", true);
        assert_eq!(fleet.list(now_ms())[0].status, HostStatus::Stale, "held elsewhere, nothing yet");

        let e2 = Epoch("e2".into());
        let newer = Remote { epoch: &e2, ..remote };
        let second = fleet.followed("db", &newer, timing()).expect("a new hub");
        assert!(*first.shutdown_signal().borrow(), "the old epoch's clients are told to come back");
        assert_eq!(second.epoch(), &e2);

        let claim = fleet.claim("db", "db".into(), tags.clone(), timing()).expect("free here");
        let adopted = claim.adopt(&e2, Duration::from_secs(1));
        assert!(Arc::ptr_eq(&adopted, &second), "the agent continues the followed hub");
        let e3 = Epoch("e3".into());
        assert!(fleet.followed("db", &Remote { epoch: &e3, ..newer }, timing()).is_none());
    }

    #[test]
    fn a_host_held_anywhere_is_not_removed_and_one_removed_elsewhere_is_forgotten() {
        let (fleet, tags, epoch) = (Fleet::new(Duration::from_secs(5)), BTreeMap::new(), Epoch("e1".into()));
        let db = Remote { name: "db", tags: &tags, epoch: &epoch, interval: Duration::from_secs(1) };
        fleet.followed("db", &db, timing()).expect("a hub");
        fleet.set_held_elsewhere("db", true);
        assert_eq!(fleet.removable("db"), Err(FleetError::HeldElsewhere("db".into())));
        assert_eq!(fleet.remove("db"), Err(FleetError::HeldElsewhere("db".into())));
        fleet.set_held_elsewhere("db", false);
        assert_eq!(fleet.removable("db"), Ok(()));

        let claim = fleet.claim("db", "db".into(), tags.clone(), timing()).expect("free here");
        assert!(!fleet.forget_followed("db"), "its agent is linked here");
        drop(claim);
        assert!(fleet.forget_followed("db"));
        assert!(fleet.list(now_ms()).is_empty());
        assert!(!fleet.forget_followed("db"), "already gone");
    }
}
