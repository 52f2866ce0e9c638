//! Work done once per fleet: alert evaluation and webhook delivery go to the hub
//! holding `pulse:lease:alerts` ([`keys::ALERTS_LEASE`]). It is taken when free and
//! renewed by its holder with one compare-and-set script ([`TAKE`], the hub id and
//! a random token as value, [`TTL`]), every [`RENEW`], and deleted by
//! compare-and-delete when the hub shuts down. Each take `INCR`s the fencing number
//! ([`keys::ALERTS_EPOCH`]), which the holder's writes to the shared outbox carry
//! (`deliveries`, checked by [`fence`]). Who judges is decided by the pure
//! [`Decider`] from Redis's answers and the clock; the [`gate`] is what the alert
//! engine asks before it queues a notification.

pub mod fence;
pub mod gate;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{keys, scripts, Shared};
use crate::hub::now_ms;
use gate::Gate;

/// How long the lease outlives a holder that stopped renewing it.
pub const TTL: Duration = Duration::from_secs(5);
/// How often the lease is renewed (or, by the others, tried).
pub const RENEW: Duration = Duration::from_secs(1);
/// The longest a hub shutting down waits for its lease to be released.
pub const RELEASE_WAIT: Duration = Duration::from_secs(2);
/// How long an attempt waits for Redis's answer (well inside the TTL).
const ANSWER: Duration = Duration::from_secs(1);

/// `KEYS[1]` the lease, `KEYS[2]` its fencing number; `ARGV` the holder's token,
/// TTL (ms). Renews the lease if the token holds it, takes it if nobody does (and
/// `INCR`s the fencing number); the fencing number when held, 0 when another has it.
const TAKE: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  local epoch = redis.call('GET', KEYS[2])
  if not epoch then epoch = redis.call('INCR', KEYS[2]) end
  return tonumber(epoch)
elseif not holder then
  local epoch = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return epoch
end
return 0
";

/// What Redis said to one attempt at taking or renewing the lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// This hub holds it (taken or renewed).
    Held,
    /// Another hub holds it.
    Other,
    /// No answer (no connection, an error, a timeout).
    Unreachable,
}

/// What this hub does with alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Holds the lease: judges and queues notifications.
    Owner,
    /// Another hub holds it, or might still: judges in the shadow (states and past
    /// alerts kept, so `/api/v1/alerts` is right here too) but queues nothing.
    Follower,
    /// Redis has not answered for a whole [`TTL`]: nobody can know who owns the
    /// lease, so this hub judges and sends on its own (a notification twice, with
    /// one `webhook-id`, rather than none).
    Alone,
}

impl Role {
    /// Whether a hub in this role queues notifications.
    pub fn judges(self) -> bool {
        matches!(self, Role::Owner | Role::Alone)
    }

    /// `/healthz`'s name for it.
    pub fn name(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Follower => "follower",
            Role::Alone => "alone",
        }
    }
}

/// Decides the role from each answer and the time (ms), pure.
#[derive(Debug, Clone)]
pub struct Decider {
    role: Role,
    /// When this hub last held the lease.
    held_ms: Option<u64>,
    /// When Redis last answered (or the hub started).
    answered_ms: u64,
}

impl Decider {
    /// A hub starting at `now_ms`: a follower until Redis says otherwise.
    pub fn new(now_ms: u64) -> Decider {
        Decider { role: Role::Follower, held_ms: None, answered_ms: now_ms }
    }

    /// The role after `answer` at `now_ms`. Without an answer an owner stays one
    /// while its lease can still be in Redis (nobody else can hold it before it
    /// runs out), and any hub goes alone once Redis has been silent for a [`TTL`].
    pub fn step(&mut self, answer: Answer, now_ms: u64) -> Role {
        let ttl = TTL.as_millis() as u64;
        self.role = match answer {
            Answer::Held => {
                self.held_ms = Some(now_ms);
                self.answered_ms = now_ms;
                Role::Owner
            }
            Answer::Other => {
                self.answered_ms = now_ms;
                Role::Follower
            }
            Answer::Unreachable if self.held_ms.is_some_and(|held| now_ms < held + ttl) => Role::Owner,
            Answer::Unreachable if now_ms >= self.answered_ms + ttl => Role::Alone,
            Answer::Unreachable if self.role == Role::Alone => Role::Alone,
            Answer::Unreachable => Role::Follower,
        };
        self.role
    }
}

/// Takes and renews the lease until the hub shuts down, telling `gate` the role
/// after each attempt and `epoch` the fencing number it holds (0 when it holds
/// none), on a connection of its own (the lease does not wait behind the frames
/// the appender writes); then releases it.
pub async fn run<T: Send + 'static>(shared: Arc<Shared>, gate: Arc<Gate<T>>, epoch: Arc<AtomicU64>) {
    let token = format!("{}:{:016x}", shared.hub_id, rand::random::<u64>());
    let take = ::redis::Script::new(TAKE);
    let mut decider = Decider::new(now_ms().max(0) as u64);
    let mut conn = None;
    while !shared.stopping() {
        let asked = now_ms().max(0) as u64;
        if conn.is_none() {
            conn = shared.connect(ANSWER).await.ok();
        }
        let answer = match conn.as_mut() {
            None => Answer::Unreachable,
            Some(link) => {
                let held: Result<i64, _> = take
                    .key(keys::ALERTS_LEASE)
                    .key(keys::ALERTS_EPOCH)
                    .arg(&token)
                    .arg(TTL.as_millis() as u64)
                    .invoke_async(link)
                    .await;
                match held {
                    Ok(fencing) if fencing > 0 => {
                        epoch.store(fencing as u64, Ordering::Relaxed);
                        Answer::Held
                    }
                    Ok(_) => Answer::Other,
                    Err(_) => {
                        conn = None;
                        Answer::Unreachable
                    }
                }
            }
        };
        let role = decider.step(answer, asked);
        if role != Role::Owner {
            epoch.store(0, Ordering::Relaxed);
        }
        if gate.set_role(role, asked) {
            let fencing = epoch.load(Ordering::Relaxed);
            tracing::info!(role = role.name(), fencing, "alerts: {}", said(role));
        }
        shared.pause(RENEW).await;
    }
    if let Some(mut conn) = conn {
        let released: Result<i64, _> =
            scripts::release().key(keys::ALERTS_LEASE).arg(&token).invoke_async(&mut conn).await;
        if released == Ok(1) {
            tracing::info!("alerts: released the alerts lease for another hub to take");
        }
    }
}

/// The log line for a new role.
fn said(role: Role) -> &'static str {
    match role {
        Role::Owner => "this hub holds the alerts lease: it evaluates alerts and sends notifications",
        Role::Follower => {
            "another hub holds the alerts lease (or redis has not answered yet): this one follows and sends nothing"
        }
        Role::Alone => "redis is silent: this hub evaluates alerts and sends notifications on its own",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use Answer::{Held, Other, Unreachable};
    use Role::{Alone, Follower, Owner};

    /// Steps of (answer, at ms), and the role after each.
    type Case = (&'static [(Answer, u64)], &'static [Role]);

    #[test]
    fn the_role_follows_the_answers_and_the_clock() {
        let cases: &[Case] = &[
            (&[(Held, 0), (Held, 1_000)], &[Owner, Owner]),
            (&[(Other, 0), (Held, 6_000)], &[Follower, Owner]),
            // An owner without answers stays one while its lease may live, no longer.
            (&[(Held, 0), (Unreachable, 4_999), (Unreachable, 5_000)], &[Owner, Owner, Alone]),
            // A follower waits a whole TTL of silence before going alone, then stays so.
            (
                &[(Other, 0), (Unreachable, 4_000), (Unreachable, 5_000), (Unreachable, 5_100)],
                &[Follower, Follower, Alone, Alone],
            ),
            // Redis answers again: the lease decides once more.
            (&[(Unreachable, 6_000), (Other, 7_000)], &[Alone, Follower]),
            (&[(Unreachable, 6_000), (Held, 7_000)], &[Alone, Owner]),
            // Lost to another hub (a pause longer than the TTL): follows.
            (&[(Held, 0), (Other, 8_000), (Unreachable, 9_000)], &[Owner, Follower, Follower]),
        ];
        for (steps, roles) in cases {
            let mut decider = Decider::new(0);
            let got: Vec<Role> = steps.iter().map(|(answer, at)| decider.step(*answer, *at)).collect();
            assert_eq!(&got, roles, "{steps:?}");
        }
    }

    #[test]
    fn owners_and_lone_hubs_judge() {
        assert!(Owner.judges() && Alone.judges() && !Follower.judges());
    }
}
