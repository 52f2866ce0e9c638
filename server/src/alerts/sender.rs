//! The sender task: delivers the outbox. It reads the head of each line (the oldest
//! pending notification of one webhook, rule and host: a line is delivered in
//! order, the next only once the one before is done or given up), sends those that
//! are due, each in a task of its own (at most 64 at once), and writes down what
//! each attempt gave before the line moves on. Every attempt signs afresh (a new
//! `webhook-timestamp`).
//! The retry schedule is `pulse_alerts::retry`: 2xx delivered, 410 disables the
//! webhook, other 4xx fail for good, the rest is retried over `--webhook-horizon`.
//! With `--redis` the outbox is also the fleet's ([`fleet`]): only the lease's
//! holder sends, and a new one continues the old one's retries.

pub mod fleet;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use pulse_alerts::presets::Body;
use pulse_alerts::retry::{Answer, Next, Schedule};
use pulse_alerts::rules::Webhook;
use pulse_alerts::ruleset::RuleSet;
use pulse_alerts::webhook::{headers, Envelope};
use ring::digest;
use tokio::sync::{mpsc, watch, Notify};

use super::db::{Db, Head};
use super::http::{Client, Post, Sent};
use crate::hub::now_ms;

/// The longest the sender sleeps without looking at the outbox again.
const IDLE: Duration = Duration::from_secs(1);

/// The most attempts in flight at once (a storm after a restart opens no more
/// connections than this; the rest wait their turn).
const MAX_IN_FLIGHT: usize = 64;

/// How long a notification to a webhook missing from the rules file waits before
/// it is looked at again.
const MISSING_WEBHOOK_WAIT: i64 = 60_000;

/// The sender's parts.
pub struct Sender {
    /// The alerts file.
    pub db: Arc<Db>,
    /// The rules in force (for each webhook's URL, secrets and preset).
    pub rules: watch::Receiver<Arc<RuleSet>>,
    /// Woken when the engine queued something.
    pub wake: Arc<Notify>,
    /// How to post.
    pub client: Client,
    /// The retry schedule.
    pub schedule: Schedule,
    /// With `--redis`: the fleet's outbox.
    pub fleet: Option<fleet::FleetOutbox>,
}

/// A line: webhook, rule, host.
type Line = (String, String, String);

impl Sender {
    /// Runs for as long as the hub does.
    pub async fn run(self) {
        let this = Arc::new(self);
        match this.db.due_now(now_ms()) {
            Ok(0) | Err(_) => {}
            Ok(count) => tracing::info!(count, "webhook notifications left from before are sent now"),
        }
        let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Line>();
        let mut busy: HashSet<Line> = HashSet::new();
        loop {
            if let Some(fleet) = &this.fleet {
                fleet.sync(&this.db).await;
            }
            let now = now_ms();
            let heads = match this.db.heads() {
                Ok(heads) => heads,
                Err(error) => {
                    tracing::error!("alerts: cannot read the outbox: {error}");
                    Vec::new()
                }
            };
            let mut next = now + IDLE.as_millis() as i64;
            for head in heads {
                let line = (head.webhook.clone(), head.rule.clone(), head.host.clone());
                if busy.contains(&line) || busy.len() >= MAX_IN_FLIGHT {
                    continue;
                }
                if head.next_attempt > now {
                    next = next.min(head.next_attempt);
                    continue;
                }
                busy.insert(line.clone());
                let this = Arc::clone(&this);
                let done = done_tx.clone();
                tokio::spawn(async move {
                    this.attempt(head).await;
                    let _ = done.send(line);
                });
            }
            let wait = Duration::from_millis((next - now).max(0) as u64);
            tokio::select! {
                () = this.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
                Some(line) = done_rx.recv() => { busy.remove(&line); }
            }
            while let Ok(line) = done_rx.try_recv() {
                busy.remove(&line);
            }
        }
    }

    /// One attempt of `head`, and what it gave, written down.
    async fn attempt(&self, head: Head) {
        let webhook = self.rules.borrow().webhook(&head.webhook).cloned();
        let Some(webhook) = webhook else {
            let why = format!("no [[webhook]] named {:?} in the rules file now", head.webhook);
            let _ = self.db.postpone(head.seq, now_ms() + MISSING_WEBHOOK_WAIT, &why);
            return;
        };
        let digest = url_digest(&webhook.url);
        if self.db.is_disabled(&webhook.name, &digest).unwrap_or(false) {
            // Settled in the fleet's outbox too, or the next owner would send it.
            if let Some(fleet) = &self.fleet {
                fleet.after(&head, None).await;
            }
            let _ = self.db.settle(head.seq, "disabled", "not sent: the receiver answered 410 Gone before");
            return;
        }
        if let Some(fleet) = &self.fleet {
            if !fleet.before(&self.db, &head).await {
                return;
            }
        }
        let started = now_ms();
        let sent = self.client.post(post(&webhook, &head, started)).await;
        let now = now_ms();
        let first = head.first_attempt.unwrap_or(started);
        let attempt = head.attempts + 1;
        let (answer, error) = match &sent {
            Sent::Answered { code, retry_after } => (
                Answer::Status { code: *code, retry_after: *retry_after },
                (!(200..300).contains(code)).then(|| format!("HTTP {code}")),
            ),
            Sent::Timeout => (Answer::Timeout, Some(format!("no answer within {} s", super::http::TIMEOUT.as_secs()))),
            Sent::Network(why) => (Answer::Network, Some(why.clone())),
            Sent::Refused(why) => {
                tracing::warn!(webhook = %webhook.name, id = %head.id, "webhook not sent: {why}");
                let _ = self.db.attempted(head.seq, "failed", first, 0, Some(why));
                if let Some(fleet) = &self.fleet {
                    fleet.after(&head, None).await;
                }
                return;
            }
        };
        let next = self.schedule.next(answer, attempt, first as u64, now as u64, &mut rand::rng());
        // The fleet's record first: once this hub's log says delivered, a new owner
        // knows it too (unless Redis did not answer).
        if let Some(fleet) = &self.fleet {
            let retry = match next {
                Next::RetryAt(at) => Some((attempt, first, at as i64)),
                _ => None,
            };
            fleet.after(&head, retry).await;
        }
        let written = match next {
            Next::Done => {
                tracing::info!(webhook = %webhook.name, id = %head.id, attempt, "webhook delivered");
                self.db.attempted(head.seq, "delivered", first, 0, None)
            }
            Next::Disable => {
                tracing::warn!(webhook = %webhook.name, "the receiver answered 410 Gone: webhook disabled");
                self.db
                    .attempted(head.seq, "disabled", first, 0, error.as_deref())
                    .and_then(|()| self.db.disable(&webhook.name, &digest, now))
            }
            Next::Failed => {
                tracing::warn!(webhook = %webhook.name, id = %head.id, "webhook failed for good: {}", error.as_deref().unwrap_or(""));
                self.db.attempted(head.seq, "failed", first, 0, error.as_deref())
            }
            Next::RetryAt(at) => {
                tracing::info!(webhook = %webhook.name, id = %head.id, attempt, in_ms = at as i64 - now, "webhook not delivered: {}; trying again", error.as_deref().unwrap_or(""));
                self.db.attempted(head.seq, "pending", first, at as i64, error.as_deref())
            }
            Next::GiveUp => {
                let why = format!("given up after {attempt} attempts: {}", error.as_deref().unwrap_or(""));
                tracing::warn!(webhook = %webhook.name, id = %head.id, "{why}");
                self.db.attempted(head.seq, "failed", first, 0, Some(&why))
            }
        };
        if let Err(error) = written {
            tracing::error!("alerts: cannot write a delivery's outcome: {error}");
        }
    }
}

/// The request of one attempt at `now_ms`: the envelope (or a preset's body),
/// signed with every secret.
fn post<'a>(webhook: &'a Webhook, head: &Head, now_ms: i64) -> Post<'a> {
    let body = match webhook.preset {
        Some(preset) => match serde_json::from_slice::<Envelope>(&head.body) {
            Ok(envelope) => preset.render(&envelope),
            Err(_) => json(head.body.clone()),
        },
        None => json(head.body.clone()),
    };
    let Body { content_type, headers: extra, body } = body;
    let body = body.into_bytes();
    let mut all: Vec<(String, String)> = extra.into_iter().map(|(name, value)| (name.to_owned(), value)).collect();
    if !webhook.secrets.is_empty() {
        let timestamp = (now_ms.max(0) / 1000) as u64;
        all.extend(headers(&webhook.secrets, &head.id, timestamp, &body).map(|(name, value)| (name.to_owned(), value)));
    } else {
        all.push((pulse_alerts::webhook::HEADER_ID.to_owned(), head.id.clone()));
    }
    Post { url: &webhook.url, content_type, headers: all, body }
}

fn json(body: Vec<u8>) -> Body {
    Body { content_type: "application/json", headers: Vec::new(), body: String::from_utf8_lossy(&body).into_owned() }
}

/// A digest of a webhook's URL: which endpoint a 410 disabled, without keeping a
/// URL that may carry a token.
fn url_digest(url: &str) -> String {
    digest::digest(&digest::SHA256, url.as_bytes()).as_ref().iter().map(|byte| format!("{byte:02x}")).collect()
}
