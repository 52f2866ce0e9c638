//! The rounds that run beside the hub: flushing agents' frames, sealing finished
//! blocks, enforcing retention and caps; and the task that runs them until the
//! server stops (a last flush then, so a graceful restart loses nothing).

use std::sync::Arc;

use super::{Persist, CAP_BUDGET, ENFORCE_EVERY, FLUSH_EVERY, SEALS_PER_ROUND, SEAL_EVERY};

impl Persist {
    /// Seals, for up to [`SEALS_PER_ROUND`] hosts, the segments of blocks that
    /// have ended by `now`.
    pub fn seal(&self, now: i64) {
        let Some(block_ms) = self.lock_store().as_ref().map(|s| s.tiers().0[pulse_store::tier::RAW].block_ms) else {
            return;
        };
        let before = now.div_euclid(block_ms) * block_ms;
        let due: Vec<String> = {
            let state = self.lock_state();
            state.unsealed.iter().filter(|(_, &t)| t < before).map(|(id, _)| id.clone()).take(SEALS_PER_ROUND).collect()
        };
        for id in due {
            let result = match self.lock_store().as_mut() {
                Some(store) => store.seal(&id, before),
                None => return,
            };
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

    /// Runs the flush, seal and retention rounds until the server stops (a last
    /// flush then, so a graceful restart loses nothing).
    pub fn spawn(self: &Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut flush = tokio::time::interval(FLUSH_EVERY);
            let mut seal = tokio::time::interval(SEAL_EVERY);
            let mut enforce = tokio::time::interval(ENFORCE_EVERY);
            loop {
                let job: fn(&Persist) = tokio::select! {
                    _ = flush.tick() => |p| p.flush(),
                    _ = seal.tick() => |p| p.seal(crate::hub::now_ms()),
                    _ = enforce.tick() => |p| p.enforce(crate::hub::now_ms()),
                    changed = stop.changed() => {
                        if changed.is_ok() && !*stop.borrow() {
                            continue;
                        }
                        let me = Arc::clone(&me);
                        let _ = tokio::task::spawn_blocking(move || me.flush()).await;
                        return;
                    }
                };
                let me = Arc::clone(&me);
                let _ = tokio::task::spawn_blocking(move || job(&me)).await;
            }
        });
    }
}
