//! The access state's side of a copy the fleet shares (`--redis`: the task in
//! `crate::redis::access` keeps the access file and Redis in step). The access
//! state knows only this: it asks for a round at once ([`Mirror::nudge`]) after
//! each change it makes, and waits for one ([`Mirror::sync`]) after a sign-in
//! (so the session is in Redis before its secret is handed out) and before it
//! refuses a secret it does not know (so a page the load balancer moved a moment
//! after signing in is let in). It waits only while the copy answers.
//!
//! It also keeps what the last round that reached the copy found about the
//! fleet's users ([`Mirror::fleet_users`]): none yet until one has, which keeps a
//! loopback hub without users closed until it knows no other hub has any
//! (`super::open`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

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
    /// Whether the fleet has users, as the last round that reached the copy found
    /// (none: no round has yet).
    users: watch::Sender<Option<bool>>,
}

impl Default for Mirror {
    fn default() -> Self {
        Mirror {
            asked: AtomicU64::new(0),
            wake: Notify::new(),
            done: watch::Sender::new(0),
            up: AtomicBool::new(true),
            users: watch::Sender::new(None),
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

    /// Whether the fleet has users, as the last round that reached the copy found;
    /// none before the first did.
    pub fn fleet_users(&self) -> Option<bool> {
        *self.users.borrow()
    }

    /// Waits (at most `wait`) until a round has reached the copy; whether one has.
    pub async fn first_read(&self, wait: Duration) -> bool {
        let mut users = self.users.subscribe();
        let read = matches!(tokio::time::timeout(wait, users.wait_for(Option::is_some)).await, Ok(Ok(_)));
        read
    }

    /// The task's side: a round covering requests up to `covered` ended; `found`,
    /// whether the fleet has users if it reached the copy (none if it did not).
    pub fn finished(&self, covered: u64, found: Option<bool>) {
        let up = found.is_some();
        if found.is_some() {
            self.users.send_if_modified(|users| std::mem::replace(users, found) != found);
        }
        self.up.store(up, Ordering::SeqCst);
        self.done.send_if_modified(|done| {
            let moved = covered > *done;
            *done = (*done).max(covered);
            moved
        });
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
                task.finished(covered, Some(false));
            }
        });
        tokio::time::timeout(Duration::from_secs(5), mirror.sync(Duration::from_secs(10))).await.unwrap();
        assert!(*mirror.done.borrow() >= 1);
        assert_eq!(mirror.fleet_users(), Some(false));
        mirror.finished(0, None);
        assert_eq!(mirror.fleet_users(), Some(false), "a round that did not reach the copy keeps what was found");
        // Down: no wait at all, though no round runs.
        tokio::time::timeout(Duration::from_millis(100), mirror.sync(Duration::from_secs(10))).await.unwrap();
        rounds.abort();
    }
}
