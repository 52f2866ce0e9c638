//! The rounds that run beside the hub: writing agents' frames, sealing finished
//! blocks, enforcing retention and caps; and the low-priority thread that runs
//! them until the server stops (a last flush then, so a graceful restart loses
//! nothing).

use std::sync::Arc;
use std::time::Instant;

use super::{Persist, CAP_BUDGET, ENFORCE_EVERY, SEALS_PER_ROUND, SEAL_EVERY, TICK};

impl Persist {
    /// Seals, for up to [`SEALS_PER_ROUND`] hosts, the rows of blocks that have
    /// ended by `now`: from memory when it holds every one of them, else from the
    /// segments (after a restart).
    pub fn seal(&self, now: i64) {
        let Some(block_ms) = self.lock_store().as_ref().map(|s| s.tiers().0[pulse_store::tier::RAW].block_ms) else {
            return;
        };
        let before = now.div_euclid(block_ms) * block_ms;
        let due: Vec<(String, i64)> = {
            let state = self.lock_state();
            state
                .unsealed
                .iter()
                .filter(|(_, &t)| t < before)
                .map(|(id, &t)| (id.clone(), t))
                .take(SEALS_PER_ROUND)
                .collect()
        };
        for (id, sealed_to) in due {
            let mut guard = self.lock_store();
            let Some(store) = guard.as_mut() else { return };
            let mut unsealed = self.lock_unsealed();
            let result = match unsealed.rows(&id, sealed_to, before) {
                Some(Ok(rows)) => store.seal_rows(&id, before, &rows),
                _ => store.seal(&id, before),
            };
            if result.is_ok() {
                unsealed.sealed(&id, before);
            }
            drop(unsealed);
            drop(guard);
            match result {
                Ok(_) => {
                    let mut state = self.lock_state();
                    if state.unsealed.get(&id).is_some_and(|&t| t < before) {
                        state.unsealed.insert(id, before);
                    }
                }
                Err(error) => self.failed(&error),
            }
        }
    }

    /// Deletes what is past retention or over a cap.
    pub fn enforce(&self, now: i64) {
        let result = match self.lock_store().as_mut() {
            Some(store) => store.enforce(now, CAP_BUDGET),
            None => return,
        };
        match result {
            Ok(deleted) if deleted.by_size > 0 => {
                tracing::warn!(
                    chunks = deleted.by_size,
                    "history store: a tier is over its cap; its oldest chunks went"
                );
            }
            Ok(_) => {}
            Err(error) => self.failed(&error),
        }
    }

    /// Runs the rounds on a thread of their own at a lower priority (nice 10),
    /// so that writing thousands of hosts never delays a frame on its way to a
    /// browser: the kernel gives the hub's own threads the core first. Every
    /// [`TICK`] it writes the hosts due; seals every [`SEAL_EVERY`]; enforces
    /// retention and caps every [`ENFORCE_EVERY`]. It ends with the server (a
    /// last flush then, so a graceful restart loses nothing).
    pub fn spawn(self: &Arc<Self>, stop: tokio::sync::watch::Receiver<bool>) {
        let me = Arc::clone(self);
        let started = std::thread::Builder::new().name("pulse-store".into()).spawn(move || {
            crate::background::lower_priority("history store");
            let mut sealed = Instant::now();
            let mut enforced = Instant::now();
            while !*stop.borrow() {
                std::thread::sleep(TICK);
                me.flush_due(Some(Instant::now()));
                if sealed.elapsed() >= SEAL_EVERY {
                    me.seal(crate::hub::now_ms());
                    sealed = Instant::now();
                }
                if enforced.elapsed() >= ENFORCE_EVERY {
                    me.enforce(crate::hub::now_ms());
                    enforced = Instant::now();
                }
            }
            me.flush();
        });
        if let Err(error) = started {
            tracing::error!("history store: its thread did not start ({error}); frames wait in memory");
        }
    }
}
