//! The access state's side of a copy the fleet shares (`--redis`: the task in
//! `crate::redis::access` keeps the access file and Redis in step). The access
//! state knows only this: it asks for a round at once ([`Mirror::nudge`]) after
//! each change it makes, and waits for one ([`Mirror::sync`]) after a sign-in
//! (so the session is in Redis before its secret is handed out) and before it
//! refuses a secret it does not know (so a page the load balancer moved a moment
//! after signing in is let in). It waits only while the copy answers.
//!
//! It also keeps what the last round that learnt the fleet's users found, and
//! when ([`Mirror::fleet`]): nothing until one has, which keeps a loopback hub
//! without users closed until it knows no other hub has any, and again when that
//! reading grows old (`super::open`). And what `/healthz` tells of the copy
//! ([`Mirror::health`]): rounds, those that wrote the file, records skipped as
//! malformed, whether the fleet has an admin.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use tokio::sync::{watch, Notify};

/// The request counter shared by the access state and the task that does rounds.
#[derive(Debug)]
pub struct Mirror {
    /// Rounds asked for so far.
    asked: AtomicU64,
    /// Wakes the task.
    wake: Notify,
    /// The requests the last finished round covered.
    done: watch::Sender<u64>,
    /// Whether the last round reached the copy.
    up: AtomicBool,
    /// What the last round that learnt the fleet's users found (none: no round
    /// has yet).
    users: watch::Sender<Option<Reading>>,
    /// Rounds finished, whether they reached the copy or not.
    rounds: AtomicU64,
    /// Rounds that wrote what other hubs changed into the access file.
    applied: AtomicU64,
    /// Records the last read of the copy skipped as malformed.
    malformed: AtomicU64,
}

/// What one round learnt of the fleet's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reading {
    /// When.
    pub at: Instant,
    /// Whether the fleet has a live user.
    pub users: bool,
    /// Whether one of them is an admin.
    pub admins: bool,
}

/// What a round learnt of the fleet: whether it has users (and admins), or that
/// the copy cannot say (it holds no revision: Redis is new, or restarted empty
/// and not yet given the hubs' records; or it holds no user and is a refill from
/// a file without records that has not yet stood unchanged for 10 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// The copy could not say.
    Unknown,
    /// The copy holds these.
    Users {
        /// A live user.
        users: bool,
        /// A live admin.
        admins: bool,
    },
}

impl Default for Mirror {
    fn default() -> Self {
        Mirror {
            asked: AtomicU64::new(0),
            wake: Notify::new(),
            done: watch::Sender::new(0),
            up: AtomicBool::new(true),
            users: watch::Sender::new(None),
            rounds: AtomicU64::new(0),
            applied: AtomicU64::new(0),
            malformed: AtomicU64::new(0),
        }
    }
}

impl Mirror {
    /// Asks for a round soon; the request's number.
    pub fn nudge(&self) -> u64 {
        let asked = self.asked.fetch_add(1, Ordering::SeqCst) + 1;
        self.wake.notify_one();
        asked
    }

    /// Asks for a round and waits (at most `wait`) until one that began after
    /// this call ended; at once when the copy did not answer the last round.
    pub async fn sync(&self, wait: Duration) {
        let asked = self.nudge();
        if !self.up.load(Ordering::SeqCst) {
            return;
        }
        let mut done = self.done.subscribe();
        let _ = tokio::time::timeout(wait, done.wait_for(|done| *done >= asked)).await;
    }

    /// The task's side: waits for a request or `poll`, whichever comes first; the
    /// requests the round starting now covers.
    pub async fn next_round(&self, poll: Duration) -> u64 {
        let _ = tokio::time::timeout(poll, self.wake.notified()).await;
        self.asked.load(Ordering::SeqCst)
    }

    /// What the last round that learnt the fleet's users found, and when; none
    /// before the first did.
    pub fn fleet(&self) -> Option<Reading> {
        *self.users.borrow()
    }

    /// Waits (at most `wait`) until a round has learnt the fleet's users; whether
    /// one has.
    pub async fn first_read(&self, wait: Duration) -> bool {
        let mut users = self.users.subscribe();
        let read = matches!(tokio::time::timeout(wait, users.wait_for(Option::is_some)).await, Ok(Ok(_)));
        read
    }

    /// The task's side: a round covering requests up to `covered` ended; what it
    /// found if it reached the copy (none if it did not).
    pub fn finished(&self, covered: u64, found: Option<Found>) {
        let up = found.is_some();
        self.rounds.fetch_add(1, Ordering::Relaxed);
        if let Some(Found::Users { users, admins }) = found {
            let reading = Some(Reading { at: Instant::now(), users, admins });
            self.users.send_if_modified(|old| {
                let news = old.is_none_or(|old| (old.users, old.admins) != (users, admins));
                *old = reading;
                news
            });
        }
        self.up.store(up, Ordering::SeqCst);
        self.done.send_if_modified(|done| {
            let moved = covered > *done;
            *done = (*done).max(covered);
            moved
        });
    }

    /// The task's side: a round wrote what other hubs changed into the file.
    pub fn applied(&self) {
        self.applied.fetch_add(1, Ordering::Relaxed);
    }

    /// The task's side: the last read of the copy skipped `count` records.
    pub fn skipped(&self, count: usize) {
        self.malformed.store(count as u64, Ordering::Relaxed);
    }

    /// `/healthz`'s `redis.access`: `rounds` (finished), `applied` (those that
    /// wrote the file),
    /// `malformed` (records the last read skipped), `users` and `admins` (whether
    /// the fleet has them, as last learnt; null before).
    pub fn health(&self) -> Value {
        let reading = self.fleet();
        json!({
            "rounds": self.rounds.load(Ordering::Relaxed),
            "applied": self.applied.load(Ordering::Relaxed),
            "malformed": self.malformed.load(Ordering::Relaxed),
            "users": reading.map(|r| r.users),
            "admins": reading.map(|r| r.admins),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn a_sync_waits_for_a_round_that_began_after_it() {
        let mirror = Arc::new(Mirror::default());
        let task = Arc::clone(&mirror);
        let rounds = tokio::spawn(async move {
            for _ in 0..3 {
                let covered = task.next_round(Duration::from_secs(5)).await;
                task.finished(covered, Some(Found::Users { users: false, admins: false }));
            }
        });
        tokio::time::timeout(Duration::from_secs(5), mirror.sync(Duration::from_secs(10))).await.unwrap();
        assert!(*mirror.done.borrow() >= 1);
        let read = mirror.fleet().unwrap();
        assert!(!read.users);
        mirror.finished(0, None);
        assert_eq!(mirror.fleet(), Some(read), "a round that did not reach the copy keeps what was found, and when");
        mirror.finished(0, Some(Found::Unknown));
        assert_eq!(mirror.fleet(), Some(read), "nor does one that found a copy that cannot say");
        // Down: no wait at all, though no round runs.
        tokio::time::timeout(Duration::from_millis(100), mirror.sync(Duration::from_secs(10))).await.unwrap();
        rounds.abort();
    }
}
