//! The sender's side of the fleet's outbox (`--redis`, `redis/deliveries`): the
//! lease's holder copies what it queues there and writes each attempt's outcome,
//! both fenced; on taking the lease it takes over every pending notification there
//! (due at once), and it picks up what other hubs hand it. Before each attempt it
//! asks whether it still holds the lease and whether the notification was settled
//! already (`lease::fence::verdict`): a hub that is not the owner hands what it
//! holds over and keeps it pending, a settled one is marked done without a send.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::super::db::{Db, Head, Queued};
use crate::hub::now_ms;
use crate::redis::deliveries::{Deliveries, Delivery};
use crate::redis::lease::fence::{self, Verdict};
use crate::redis::lease::gate::Gate;

/// How often the owner looks in the fleet's outbox for what other hubs handed it.
const PICK_UP: Duration = Duration::from_secs(2);

/// How long a notification this hub may not send waits before it is looked at again.
const HOLD: i64 = 5_000;

/// The most pending notifications copied to the fleet's outbox in one round.
const COPY_LIMIT: usize = 512;

/// The fleet's outbox as the sender uses it.
pub struct FleetOutbox {
    outbox: Arc<Deliveries>,
    gate: Arc<Gate<Queued>>,
    synced: Mutex<Synced>,
}

/// What the last sync did.
#[derive(Default)]
struct Synced {
    /// The fencing number of the last takeover (0: none).
    epoch: u64,
    /// The notifications copied under it.
    copied: HashSet<String>,
    /// When the fleet's outbox was last read (ms).
    read_ms: i64,
}

impl FleetOutbox {
    /// Over `outbox`, with `gate` for the role when Redis does not answer.
    pub fn new(outbox: Arc<Deliveries>, gate: Arc<Gate<Queued>>) -> FleetOutbox {
        FleetOutbox { outbox, gate, synced: Mutex::new(Synced::default()) }
    }

    /// One round, as the owner: takes over the fleet's pending notifications on a
    /// new fencing number (and picks up handed-over ones every [`PICK_UP`]), then
    /// copies this hub's pending ones there. Nothing when it does not hold the lease.
    pub async fn sync(&self, db: &Db) {
        let epoch = self.outbox.epoch();
        let now = now_ms();
        let (takeover, read) = {
            let synced = self.lock();
            (epoch != synced.epoch, now - synced.read_ms >= PICK_UP.as_millis() as i64)
        };
        if epoch == 0 {
            return;
        }
        if takeover || read {
            let Some(rows) = self.outbox.pending().await else { return };
            let heads: Vec<Head> = rows.into_iter().map(|row| head(row, now, takeover)).collect();
            match db.import(&heads) {
                Ok(added) if takeover => {
                    tracing::info!(
                        fencing = epoch,
                        pending = heads.len(),
                        added,
                        "alerts: took over the fleet's outbox"
                    );
                }
                Ok(added) if added > 0 => {
                    tracing::info!(added, "alerts: picked up notifications other hubs handed over")
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!("alerts: cannot take over the fleet's outbox: {error}");
                    return;
                }
            }
            let mut synced = self.lock();
            if takeover {
                synced.epoch = epoch;
                synced.copied.clear();
            }
            synced.read_ms = now;
        }
        let pending = match db.pending(COPY_LIMIT) {
            Ok(pending) => pending,
            Err(error) => {
                tracing::error!("alerts: cannot read the outbox: {error}");
                return;
            }
        };
        let fresh: Vec<Delivery> = {
            let mut synced = self.lock();
            let here: HashSet<String> = pending.iter().map(member).collect();
            synced.copied.retain(|copied| here.contains(copied));
            pending.iter().filter(|head| !synced.copied.contains(&member(head))).map(delivery).collect()
        };
        if !fresh.is_empty() && self.outbox.put(&fresh, false).await.is_some() {
            self.lock().copied.extend(fresh.iter().map(Delivery::member));
        }
    }

    /// Whether `head` may be attempted now; when not, it is handed over (kept
    /// pending here) or marked done.
    pub async fn before(&self, db: &Db, head: &Head) -> bool {
        let check = self.outbox.check(&member(head)).await;
        let now = now_ms();
        match fence::verdict(check, self.gate.judges_now(now.max(0) as u64)) {
            Verdict::Send => true,
            Verdict::Hold => {
                let handed = self.outbox.put(&[delivery(head)], true).await.is_some();
                let why = if handed {
                    "held: another hub holds the alerts lease, and sends it from the fleet's outbox"
                } else {
                    "held: this hub does not hold the alerts lease, and redis did not answer"
                };
                if let Err(error) = db.postpone(head.seq, now + HOLD, why) {
                    tracing::error!("alerts: cannot write a delivery's outcome: {error}");
                }
                false
            }
            Verdict::Done => {
                if let Err(error) = db.settle(head.seq, "delivered", "settled by the hub that held the alerts lease") {
                    tracing::error!("alerts: cannot write a delivery's outcome: {error}");
                }
                false
            }
        }
    }

    /// Writes an attempt's outcome to the fleet's outbox: `retry` (attempts, first
    /// attempt, next attempt) while pending, `None` when settled. Refused (and
    /// logged) when another hub took the lease meanwhile.
    pub async fn after(&self, head: &Head, retry: Option<(u32, i64, i64)>) {
        let row = retry.map(|(attempts, first, next)| Delivery {
            attempts,
            first_attempt: Some(first),
            next_attempt: next,
            ..delivery(head)
        });
        if !self.outbox.settle(&member(head), row.as_ref()).await {
            tracing::warn!(id = %head.id, "alerts: this attempt's outcome is not in the fleet's outbox (the lease moved, or redis did not answer)");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Synced> {
        self.synced.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn member(head: &Head) -> String {
    crate::redis::keys::delivery(&head.id, &head.webhook)
}

/// A row of `alerts.db` as the fleet's outbox holds it.
fn delivery(head: &Head) -> Delivery {
    Delivery {
        id: head.id.clone(),
        webhook: head.webhook.clone(),
        rule: head.rule.clone(),
        host: head.host.clone(),
        kind: head.kind.clone(),
        body: String::from_utf8_lossy(&head.body).into_owned(),
        attempts: head.attempts,
        first_attempt: head.first_attempt,
        next_attempt: head.next_attempt,
        created: head.created,
    }
}

/// A row of the fleet's outbox as `alerts.db` takes it in at `now`.
fn head(row: Delivery, now: i64, takeover: bool) -> Head {
    Head {
        seq: 0,
        next_attempt: fence::due(row.next_attempt, now, takeover),
        id: row.id,
        webhook: row.webhook,
        rule: row.rule,
        host: row.host,
        kind: row.kind,
        body: row.body.into_bytes(),
        attempts: row.attempts,
        first_attempt: row.first_attempt,
        created: row.created,
    }
}
