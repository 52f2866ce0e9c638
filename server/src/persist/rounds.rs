//! The rounds that run beside the hub: writing agents' frames, sealing finished
//! blocks (or adopting their owner's seal, `share`), enforcing retention and
//! caps; and the low-priority thread that runs them until the server stops (a
//! last flush then, so a graceful restart loses nothing).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use pulse_store::share::{settled, Span};
use pulse_store::{Adopted, SealedHour};

use super::share::{decide, next_edge, schedule, Found, SealShare, Step, GRACE_MS, LOOK_AGAIN_MS};
use super::{Persist, CAP_BUDGET, ENFORCE_EVERY, LOOKS_PER_ROUND, SEALS_PER_ROUND, SEAL_EVERY, TICK};

impl Persist {
    /// Seals, for up to [`SEALS_PER_ROUND`] hosts, the rows of blocks that have
    /// ended by `now`: from memory when it holds every one of them, else from the
    /// segments (after a restart). With `--redis` (`share`), [`GRACE_MS`] after the
    /// edge, and a host this hub does not own adopts its owner's seal, or waits
    /// for it ([`decide`]).
    pub fn seal(&self, now: i64) {
        let Some(block_ms) = self.lock_store().as_ref().map(|s| s.tiers().0[pulse_store::tier::RAW].block_ms) else {
            return;
        };
        let share = self.share.get();
        let edge = |t: i64| t.div_euclid(block_ms) * block_ms;
        let before = if share.is_some() { edge(now.saturating_sub(GRACE_MS)) } else { edge(now) };
        let due: Vec<(String, i64)> = {
            let state = self.lock_state();
            state
                .unsealed
                .iter()
                .filter(|(id, &t)| t < before && state.look_again.get(*id).is_none_or(|&at| at <= now))
                .map(|(id, &t)| (id.clone(), t))
                .collect()
        };
        let Some((share, wait_ms)) = share else {
            for (id, sealed_to) in due.into_iter().take(SEALS_PER_ROUND) {
                self.seal_host(&id, sealed_to, before, None);
            }
            return;
        };
        // One block at a time, so that every hub's seal of a host's block has
        // the same key. A host that has nothing here to seal is sealed at once
        // (nothing is written): a down host's hours wait for no one. The hub's
        // own host is its own to seal, claimed or not (a second hub of its name
        // keeps it to itself).
        // Owned hosts first, and at most LOOKS_PER_ROUND looked at.
        let mut due: Vec<(String, i64, bool)> = {
            let state = self.lock_state();
            due.into_iter()
                .map(|(id, t)| {
                    let local = state.hosts.get(&id).is_some_and(|(_, _, local)| *local);
                    (id, t, local)
                })
                .collect()
        };
        due.iter_mut().for_each(|(id, _, owned)| *owned = *owned || share.owns(id));
        due.sort_by_key(|(_, _, owned)| !owned);
        due.truncate(LOOKS_PER_ROUND);
        let hours: Vec<Hour> = {
            let unsealed = self.lock_unsealed();
            due.into_iter()
                .map(|(id, sealed_to, owned)| {
                    let before = next_edge(sealed_to, before, block_ms);
                    let mine = match unsealed.spans(&id, sealed_to, before) {
                        Some(Ok(spans)) => Some(spans),
                        _ => None,
                    };
                    let empty = mine.as_ref().is_some_and(Vec::is_empty);
                    Hour { id, sealed_to, before, empty, owner: !empty && owned, mine }
                })
                .collect()
        };
        let others: Vec<(String, i64)> =
            hours.iter().filter(|h| !h.empty && !h.owner).map(|h| (h.id.clone(), h.before)).collect();
        let published = if others.is_empty() { HashMap::new() } else { share.published(&others) };
        let mut steps = Vec::with_capacity(hours.len());
        for hour in hours {
            let found = match published.get(&hour.id) {
                None => Found::Nothing,
                Some(sealed) => {
                    let newest = self.lock_state().stored.get(&hour.id).map(|(epoch, seq, _)| (epoch.clone(), *seq));
                    let mine = hour.mine.as_deref().unwrap_or_default();
                    match settled(&sealed.spans, mine, newest.as_ref().map(|(e, s)| (e.as_str(), *s))) {
                        true => Found::Settled,
                        false => Found::Early,
                    }
                }
            };
            let step = if hour.empty { Step::Seal } else { decide(hour.owner, found, now, hour.before, *wait_ms) };
            steps.push((hour, step));
        }
        for (Hour { id, sealed_to, before, .. }, step) in schedule(steps, SEALS_PER_ROUND) {
            match step {
                Step::SealAndPublish => self.seal_host(&id, sealed_to, before, Some(share.as_ref())),
                Step::Seal => self.seal_host(&id, sealed_to, before, None),
                Step::Wait => {
                    self.lock_state().look_again.insert(id, now.saturating_add(LOOK_AGAIN_MS));
                }
                Step::Adopt => {
                    if let Some(sealed) = published.get(&id) {
                        if !self.adopt(&id, sealed_to, before, sealed) {
                            tracing::debug!(host = %id, "history store: the owner's seal lacks rows held here; sealed here");
                            self.seal_host(&id, sealed_to, before, None);
                        }
                    }
                }
            }
        }
    }

    /// Seals host `id`'s rows from `sealed_to` to `before`; with `publish`, hands
    /// what was written to the other hubs.
    fn seal_host(&self, id: &str, sealed_to: i64, before: i64, publish: Option<&dyn SealShare>) {
        let mut guard = self.lock_store();
        let Some(store) = guard.as_mut() else { return };
        let mut unsealed = self.lock_unsealed();
        // Whether any sample was sealed, and what was written when asked.
        let result = match (unsealed.rows(id, sealed_to, before), publish.is_some()) {
            (Some(Ok(rows)), false) => store.seal_rows(id, before, &rows).map(|samples| (samples > 0, None)),
            (Some(Ok(rows)), true) => store.seal_rows_shared(id, before, &rows).map(|s| (!s.spans.is_empty(), Some(s))),
            (_, false) => store.seal(id, before).map(|samples| (samples > 0, None)),
            (_, true) => store.seal_shared(id, before).map(|s| (!s.spans.is_empty(), Some(s))),
        };
        if result.is_ok() {
            unsealed.sealed(id, before);
        }
        drop(unsealed);
        drop(guard);
        match result {
            Ok((wrote, shared)) => {
                self.sealed_to(id, before);
                if wrote {
                    self.counts.sealed.fetch_add(1, Ordering::Relaxed);
                }
                // Published only under the claim: a second hub of this hub's
                // name seals its own host but must not write over the owner's.
                if let (Some(share), Some(sealed)) = (publish, shared.filter(|s| !s.spans.is_empty())) {
                    if share.owns(id) {
                        share.publish(id, sealed, Arc::clone(&self.counts.published));
                    }
                }
            }
            Err(error) => self.failed(&error),
        }
    }

    /// Writes `sealed`, host `id`'s hour as its owner sealed it, in place of the
    /// rows held here; false when it lacks some of them (nothing is changed).
    fn adopt(&self, id: &str, sealed_to: i64, before: i64, sealed: &SealedHour) -> bool {
        let mut guard = self.lock_store();
        let Some(store) = guard.as_mut() else { return true };
        let mut unsealed = self.lock_unsealed();
        let mine = match unsealed.spans(id, sealed_to, before) {
            Some(Ok(spans)) => Some(spans),
            _ => None,
        };
        let result = store.adopt(id, before, sealed, mine.as_deref());
        if matches!(result, Ok(Adopted::Written { .. })) {
            unsealed.sealed(id, before);
        }
        drop(unsealed);
        drop(guard);
        match result {
            Ok(Adopted::Written { merged }) => {
                self.sealed_to(id, before);
                self.counts.adopted.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(host = %id, merged, "history store: adopted the hour its owner sealed");
                true
            }
            Ok(Adopted::Short) => false,
            Err(error) => {
                // Tried again next round.
                self.failed(&error);
                true
            }
        }
    }

    /// Notes that host `id` is sealed up to `before`.
    fn sealed_to(&self, id: &str, before: i64) {
        let mut state = self.lock_state();
        state.look_again.remove(id);
        if state.unsealed.get(id).is_some_and(|&t| t < before) {
            state.unsealed.insert(id.to_owned(), before);
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

/// A host's hour due for its seal, with `--redis`.
struct Hour {
    id: String,
    /// The time it is sealed to.
    sealed_to: i64,
    /// The edge it is sealed to next.
    before: i64,
    /// Whether this hub holds no row of it (sealed at once: nothing is written).
    empty: bool,
    /// Whether this hub owns its seal.
    owner: bool,
    /// The rows held here, when memory holds them.
    mine: Option<Vec<Span>>,
}
