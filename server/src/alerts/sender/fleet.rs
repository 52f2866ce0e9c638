//! The sender's side of the fleet's outbox (`--redis`, `redis/deliveries`): the
//! lease's holder copies what it queues there and writes each attempt's outcome,
//! both fenced; on taking the lease it takes over every pending notification there
//! (due at once), and it picks up what other hubs hand it. Before each attempt it
//! asks whether it still holds the lease and whether the notification was settled
//! already (`lease::fence::verdict`): a hub that is not the owner hands what it
//! holds over and keeps it pending, a settled one is marked done without a send.
//! The copy goes a page at a time from where the last page ended, so every pending
//! row gets there however many there are; what the fleet's outbox still lists but
//! this hub settled is settled there too; and what is too old for the fleet to
//! remember as settled is not handed over.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::super::db::{Db, DbError, Head, Queued, NOT_HANDED_OVER};
use crate::hub::now_ms;
use crate::redis::deliveries::{Deliveries, DONE_KEPT};
use crate::redis::lease::fence::{self, Verdict};
use crate::redis::lease::gate::Gate;

/// How often the owner looks in the fleet's outbox for what other hubs handed it.
const PICK_UP: Duration = Duration::from_secs(2);

/// How long a notification this hub may not send waits before it is looked at again.
const HOLD: i64 = 5_000;

/// The most pending notifications copied to the fleet's outbox in one round (a
/// page; the next round copies the next one).
const COPY_LIMIT: usize = 512;

/// How much younger than the fleet's memory of settled notifications
/// ([`DONE_KEPT`]) a notification must be to be handed over: an older one may have
/// been settled by a hub whose record has expired since, so it is given up here.
const HAND_OVER_MARGIN: Duration = Duration::from_secs(600);

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
    /// The last row (`seq`) copied under it: the next page starts after it.
    copied_to: i64,
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
            let heads = taken(&rows, now, takeover);
            self.settle_settled(db, &heads).await;
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
                synced.copied_to = 0;
            }
            synced.read_ms = now;
        }
        let page = match next_page(db, &self.lock()) {
            Ok(page) => page,
            Err(error) => {
                tracing::error!("alerts: cannot read the outbox: {error}");
                return;
            }
        };
        let fresh: Vec<(String, String)> = page.iter().map(row).collect();
        if !fresh.is_empty() && self.outbox.put(&fresh, false).await.is_some() {
            copied(&mut self.lock(), &page);
        }
    }

    /// Settles in the fleet's outbox what it lists as pending but this hub's file
    /// holds as settled (an outcome whose fleet write failed, a disabled webhook's).
    async fn settle_settled(&self, db: &Db, heads: &[Head]) {
        let settled = match db.settled(heads) {
            Ok(settled) => settled,
            Err(error) => {
                tracing::error!("alerts: cannot read the outbox: {error}");
                return;
            }
        };
        for head in settled {
            if !self.outbox.settle(&member(head), None).await {
                return;
            }
        }
    }

    /// Whether `head` may be attempted now; when not, it is handed over (kept
    /// pending here) or marked done.
    pub async fn before(&self, db: &Db, head: &Head) -> bool {
        let check = self.outbox.check(&member(head)).await;
        let now = now_ms();
        match fence::verdict(check, self.gate.judges_now(now.max(0) as u64)) {
            Verdict::Send => true,
            Verdict::Hold if too_old(head.created, now) => {
                tracing::warn!(id = %head.id, "alerts: {NOT_HANDED_OVER}");
                if let Err(error) = db.settle(head.seq, "failed", NOT_HANDED_OVER) {
                    tracing::error!("alerts: cannot write a delivery's outcome: {error}");
                }
                false
            }
            Verdict::Hold => {
                let handed = self.outbox.put(&[row(head)], true).await.is_some();
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
        let row = retry.map(|(attempts, first, next)| {
            let retrying = Head { attempts, first_attempt: Some(first), next_attempt: next, ..head.clone() };
            row(&retrying).1
        });
        if !self.outbox.settle(&member(head), row).await {
            tracing::warn!(id = %head.id, "alerts: this attempt's outcome is not in the fleet's outbox (the lease moved, or redis did not answer)");
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Synced> {
        self.synced.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The next page of this hub's pending notifications to copy to the fleet's outbox:
/// those after the last one copied.
fn next_page(db: &Db, synced: &Synced) -> Result<Vec<Head>, DbError> {
    db.pending(synced.copied_to, COPY_LIMIT)
}

/// Notes `page` as copied: the next page starts after its last row.
fn copied(synced: &mut Synced, page: &[Head]) {
    if let Some(last) = page.last() {
        synced.copied_to = synced.copied_to.max(last.seq);
    }
}

/// Whether a notification queued at `created` is too old to hand over at `now`.
fn too_old(created: i64, now: i64) -> bool {
    let kept = DONE_KEPT.saturating_sub(HAND_OVER_MARGIN).as_millis() as i64;
    now - created > kept
}

fn member(head: &Head) -> String {
    crate::redis::keys::delivery(&head.id, &head.webhook)
}

/// A row of `alerts.db` as the fleet's outbox holds it: (member, JSON).
fn row(head: &Head) -> (String, String) {
    (member(head), serde_json::to_string(head).unwrap_or_default())
}

/// The fleet's outbox's rows as `alerts.db` takes them in at `now`, oldest first;
/// what is unreadable is left out.
fn taken(rows: &[String], now: i64, takeover: bool) -> Vec<Head> {
    let mut heads: Vec<Head> = rows.iter().filter_map(|json| serde_json::from_str::<Head>(json).ok()).collect();
    heads.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    for head in &mut heads {
        head.next_attempt = fence::due(head.next_attempt, now, takeover);
    }
    heads
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(id: &str, created: i64) -> Head {
        Head {
            seq: 7,
            id: id.into(),
            webhook: "ops".into(),
            rule: "cpu".into(),
            host: "h".into(),
            kind: "alert.firing".into(),
            body: br#"{"type":"alert.firing"}"#.to_vec(),
            attempts: 3,
            first_attempt: Some(1),
            next_attempt: 90_000,
            created,
        }
    }

    #[test]
    fn rows_go_round_through_the_fleets_outbox_oldest_first_and_due_at_once_on_a_takeover() {
        let (late, early) = (head("msg_b", 20), head("msg_a", 10));
        let rows = vec![row(&late).1, "{".to_owned(), row(&early).1];
        assert_eq!(row(&late).0, "msg_b|ops");
        assert!(row(&late).1.contains(r#""body":"{\"type\":\"alert.firing\"}""#), "the body as text");
        let taken_over = taken(&rows, 10_000, true);
        let got: Vec<(&str, i64, u32, i64)> =
            taken_over.iter().map(|h| (h.id.as_str(), h.next_attempt, h.attempts, h.seq)).collect();
        assert_eq!(got, [("msg_a", 10_000, 3, 0), ("msg_b", 10_000, 3, 0)]);
        assert_eq!(taken_over[0].body, early.body);
        assert_eq!(taken(&rows, 10_000, false)[0].next_attempt, 90_000, "handed over: its own schedule");
    }

    #[test]
    fn every_pending_row_is_copied_a_page_a_round_however_many_there_are() {
        let db = Db::open(None).expect("open");
        let queued: Vec<Queued> = (0..1_200)
            .map(|n| Queued {
                id: format!("msg_{n:04}"),
                webhook: "ops".into(),
                rule: "cpu".into(),
                host: format!("h{n}"),
                kind: "alert.firing",
                body: b"{}".to_vec(),
            })
            .collect();
        db.write(&[], &[], &queued, 10).expect("write");
        let mut synced = Synced::default();
        let mut seen = std::collections::BTreeSet::new();
        for _round in 0..4 {
            let page = next_page(&db, &synced).expect("page");
            assert!(page.len() <= COPY_LIMIT);
            seen.extend(page.iter().map(|head| head.id.clone()));
            copied(&mut synced, &page);
        }
        assert_eq!(seen.len(), 1_200, "rows past the first page reach the fleet's outbox too");
        assert!(next_page(&db, &synced).expect("page").is_empty(), "nothing copied twice");
        db.write(&[], &[], &queued[..1], 11).expect("queued again: left as it is");
        synced.copied_to = 0;
        assert_eq!(next_page(&db, &synced).expect("page").len(), COPY_LIMIT, "a new fencing number starts again");
    }

    #[test]
    fn a_notification_older_than_the_fleets_memory_less_a_margin_is_not_handed_over() {
        let kept = (DONE_KEPT - HAND_OVER_MARGIN).as_millis() as i64;
        let now = 10 * kept;
        for (created, old) in [(now, false), (now - kept, false), (now - kept - 1, true), (0, true)] {
            assert_eq!(too_old(created, now), old, "created {created}");
        }
    }
}
