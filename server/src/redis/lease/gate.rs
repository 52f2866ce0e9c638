//! What the alert engine asks before it queues notifications: whether this hub
//! holds the lease. A follower judges in the shadow; the notifications it would
//! have queued are kept for [`REPLAY`] and queued when it takes the lease, so one
//! the dead owner made but had not yet copied to the fleet's outbox is not lost
//! (ids come from the rule, host, kind, severity and the sample's time, the same
//! on every hub; one the fleet's outbox says was settled is not sent again, see
//! `deliveries`).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use super::Role;

/// How far back a new owner re-queues what it judged as a follower: more than the
/// lease's TTL, so whatever the dead owner made before it stopped renewing is in.
pub const REPLAY: Duration = Duration::from_secs(10);

/// The most notifications kept for a replay.
pub const REPLAY_CAP: usize = 10_000;

/// The engine's gate (`T` is a queued notification).
pub struct Gate<T> {
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    role: Role,
    /// Until when (ms) an owner's lease surely holds: asked + TTL. Past it (the hub
    /// paused, the renewal late) the owner queues nothing until it renews.
    until_ms: u64,
    /// Whether a role was set yet (the first is reported as a change).
    set: bool,
    /// The role changed to one that judges, and the replay is not out yet.
    took: bool,
    /// What the follower would have queued, with when (ms), oldest first.
    recent: VecDeque<(u64, T)>,
}

impl<T> Gate<T> {
    /// A follower's gate (until the lease says otherwise).
    pub fn new() -> Gate<T> {
        Gate {
            inner: Mutex::new(Inner {
                role: Role::Follower,
                until_ms: 0,
                set: false,
                took: false,
                recent: VecDeque::new(),
            }),
        }
    }

    /// The role now.
    pub fn role(&self) -> Role {
        self.lock().role
    }

    /// Whether this hub may send at `now_ms` when Redis cannot be asked: it judges,
    /// and, as an owner, its lease surely holds.
    pub fn judges_now(&self, now_ms: u64) -> bool {
        let inner = self.lock();
        inner.role.judges() && !(inner.role == Role::Owner && now_ms >= inner.until_ms)
    }

    /// Sets the role as Redis answered a request sent at `asked_ms`; whether it
    /// changed (the first one set does).
    pub fn set_role(&self, role: Role, asked_ms: u64) -> bool {
        let mut inner = self.lock();
        if role == Role::Owner {
            inner.until_ms = asked_ms + super::TTL.as_millis() as u64;
        }
        let first = !std::mem::replace(&mut inner.set, true);
        let changed = first || inner.role != role;
        if !inner.role.judges() && role.judges() {
            inner.took = true;
        }
        inner.role = role;
        prune(&mut inner.recent, asked_ms);
        changed
    }

    /// What of `queued` (made at `now_ms`) the engine writes to its outbox: all of
    /// it, after the replay on a takeover, when this hub judges; nothing (kept for a
    /// replay) when it follows.
    pub fn pass(&self, queued: Vec<T>, now_ms: u64) -> Vec<T> {
        let mut inner = self.lock();
        prune(&mut inner.recent, now_ms);
        let lapsed = inner.role == Role::Owner && now_ms >= inner.until_ms;
        if lapsed || !inner.role.judges() {
            // A lapsed owner that renews replays what it held back meanwhile.
            inner.took |= lapsed;
            inner.recent.extend(queued.into_iter().map(|item| (now_ms, item)));
            while inner.recent.len() > REPLAY_CAP {
                inner.recent.pop_front();
            }
            return Vec::new();
        }
        if !std::mem::take(&mut inner.took) {
            return queued;
        }
        let mut out: Vec<T> = inner.recent.drain(..).map(|(_, item)| item).collect();
        out.extend(queued);
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<T>> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T> Default for Gate<T> {
    fn default() -> Self {
        Gate::new()
    }
}

/// Drops what is older than [`REPLAY`] at `now_ms`.
fn prune<T>(recent: &mut VecDeque<(u64, T)>, now_ms: u64) {
    let horizon = now_ms.saturating_sub(REPLAY.as_millis() as u64);
    while recent.front().is_some_and(|(at, _)| *at < horizon) {
        recent.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_follower_queues_nothing_and_a_new_owner_replays_the_last_seconds() {
        let gate = Gate::new();
        assert_eq!(gate.pass(vec!["old"], 0), Vec::<&str>::new(), "a follower queues nothing");
        assert_eq!(gate.pass(vec!["a"], 5_000), Vec::<&str>::new());
        assert_eq!(gate.pass(vec!["b"], 11_000), Vec::<&str>::new());
        assert!(gate.set_role(Role::Owner, 12_000));
        assert_eq!(gate.pass(vec!["c"], 12_000), vec!["a", "b", "c"], "older than REPLAY is gone");
        assert_eq!(gate.pass(vec!["d"], 13_000), vec!["d"], "replayed once");
        assert!(!gate.set_role(Role::Owner, 14_000));
        assert!(gate.set_role(Role::Follower, 15_000));
        assert_eq!(gate.pass(vec!["e"], 15_000), Vec::<&str>::new());
    }

    #[test]
    fn an_owner_whose_lease_may_have_run_out_holds_back_until_it_renews() {
        let gate = Gate::new();
        gate.set_role(Role::Owner, 0);
        assert_eq!(gate.pass(vec![1], 4_999), vec![1]);
        assert!(gate.judges_now(4_999));
        assert!(gate.pass(vec![2], 5_000).is_empty(), "paused past the TTL");
        assert!(!gate.judges_now(5_000));
        gate.set_role(Role::Owner, 6_000);
        assert_eq!(gate.pass(vec![3], 6_000), vec![2, 3]);
    }

    #[test]
    fn the_first_role_set_is_a_change_even_a_follower() {
        let gate: Gate<()> = Gate::new();
        assert!(gate.set_role(Role::Follower, 0));
        assert!(!gate.set_role(Role::Follower, 1_000));
    }

    #[test]
    fn going_alone_replays_too_and_owner_to_alone_does_not() {
        let gate = Gate::new();
        assert!(gate.pass(vec![1], 0).is_empty());
        gate.set_role(Role::Alone, 1_000);
        assert_eq!(gate.pass(vec![2], 1_000), vec![1, 2]);
        gate.set_role(Role::Owner, 2_000);
        assert_eq!(gate.pass(vec![3], 2_000), vec![3]);
    }
}
