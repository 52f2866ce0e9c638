//! The fleet's outbox (`--redis` with `--alerts`): every pending notification the
//! lease's holder queued, in the hash [`keys::ALERT_OUTBOX`] with its attempts and
//! schedule, so a new owner continues the dead one's retries; and every settled
//! one in [`keys::ALERT_DONE`] (an hour), so none is sent again. Each hub still
//! keeps its own `alerts.db` outbox (its working queue and delivery log); this is
//! the copy the fleet shares (each row's JSON is `alerts.db`'s, written and read by
//! `alerts/sender/fleet`; this side only stores it). Every write by the owner and every check before an
//! attempt carries its fencing number (`lease`), and a script refuses it when
//! another hub took the lease since: a paused owner neither sends nor writes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{Script, Value};

use super::lease::fence::Check;
use super::{keys, Shared};
use crate::hub::now_ms;

/// How long a settled notification is remembered: far longer than a takeover's
/// replay (`lease::gate::REPLAY`).
pub const DONE_KEPT: Duration = Duration::from_secs(3_600);

/// How long a call waits for Redis.
const ANSWER: Duration = Duration::from_secs(1);

/// `KEYS` fencing number, settled set; `ARGV` this hub's fencing number, member.
/// 2: settled already (by any hub); 0: stale; 1: send.
const CHECK: &str = r"
if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return 2 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return 1
";

/// `KEYS` fencing number, outbox, settled set; `ARGV` this hub's fencing number
/// ('' to skip the check: a hub handing a notification over), then (member, JSON)
/// pairs. Adds each one that is neither there nor settled; -1 when stale, else how
/// many were added.
const PUT: &str = r"
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local added = 0
for i = 2, #ARGV, 2 do
  if not redis.call('ZSCORE', KEYS[3], ARGV[i]) then
    added = added + redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
return added
";

/// `KEYS` fencing number, outbox, settled set; `ARGV` this hub's fencing number,
/// member, the row's JSON ('' when settled), now (ms), how long settled ones are
/// kept (ms). 0 when stale, else 1.
const SETTLE: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[4]) - tonumber(ARGV[5]))
elseif not redis.call('ZSCORE', KEYS[3], ARGV[2]) then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
end
return 1
";

/// This hub's side of the fleet's outbox.
pub struct Deliveries {
    shared: Arc<Shared>,
    /// The fencing number this hub holds (0: none), set by the lease's task.
    epoch: Arc<AtomicU64>,
    conn: Mutex<Option<MultiplexedConnection>>,
}

impl Deliveries {
    /// The outbox over `shared`, fenced by `epoch`.
    pub fn new(shared: Arc<Shared>, epoch: Arc<AtomicU64>) -> Deliveries {
        Deliveries { shared, epoch, conn: Mutex::new(None) }
    }

    /// The fencing number this hub holds now (0: it does not hold the lease).
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Relaxed)
    }

    /// Asks whether this hub may attempt notification `member` now.
    pub async fn check(&self, member: &str) -> Check {
        let epoch = self.epoch();
        let asked: Result<i64, _> = match self.connection().await {
            Some(mut conn) => {
                let script = Script::new(CHECK);
                let mut call = script.key(keys::ALERTS_EPOCH);
                call.key(keys::ALERT_DONE).arg(epoch.to_string()).arg(member);
                call.invoke_async(&mut conn).await
            }
            None => return Check::Unreachable,
        };
        match asked {
            Ok(1) => Check::Current,
            Ok(2) => Check::Settled,
            Ok(_) => Check::Stale,
            Err(_) => self.lost(),
        }
    }

    /// Adds `rows` (member, the row's JSON) to the fleet's outbox (those neither
    /// there nor settled), fenced by this hub's number, or unfenced when `hand_over`
    /// (a hub that is not the owner gives the owner what it holds). How many were
    /// added; `None` when stale or Redis did not answer.
    pub async fn put(&self, rows: &[(String, String)], hand_over: bool) -> Option<usize> {
        if rows.is_empty() {
            return Some(0);
        }
        let fencing = if hand_over { String::new() } else { self.epoch().to_string() };
        let mut conn = self.connection().await?;
        let script = Script::new(PUT);
        let mut call = script.key(keys::ALERTS_EPOCH);
        call.key(keys::ALERT_OUTBOX).key(keys::ALERT_DONE).arg(fencing);
        for (member, json) in rows {
            call.arg(member).arg(json);
        }
        match call.invoke_async::<i64>(&mut conn).await {
            Ok(added) if added >= 0 => Some(added as usize),
            Ok(_) => None,
            Err(_) => {
                self.lost();
                None
            }
        }
    }

    /// Writes an attempt's outcome: the row's JSON as it stands (retrying), or
    /// settled (`None`: delivered, failed for good, disabled). Whether it was
    /// written (false: stale, or Redis did not answer).
    pub async fn settle(&self, member: &str, row: Option<String>) -> bool {
        let Some(mut conn) = self.connection().await else { return false };
        let json = row.unwrap_or_default();
        let script = Script::new(SETTLE);
        let mut call = script.key(keys::ALERTS_EPOCH);
        call.key(keys::ALERT_OUTBOX).key(keys::ALERT_DONE);
        call.arg(self.epoch().to_string()).arg(member).arg(json);
        call.arg(now_ms()).arg(DONE_KEPT.as_millis() as u64);
        match call.invoke_async::<i64>(&mut conn).await {
            Ok(written) => written == 1,
            Err(_) => {
                self.lost();
                false
            }
        }
    }

    /// Every pending notification of the fleet's outbox (each row's JSON); `None`
    /// when Redis did not answer.
    pub async fn pending(&self) -> Option<Vec<String>> {
        let mut conn = self.connection().await?;
        match ::redis::cmd("HGETALL").arg(keys::ALERT_OUTBOX).query_async::<Value>(&mut conn).await {
            Ok(value) => Some(read_outbox(value)),
            Err(_) => {
                self.lost();
                None
            }
        }
    }

    async fn connection(&self) -> Option<MultiplexedConnection> {
        let held = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        if held.is_some() {
            return held;
        }
        let made = self.shared.connect(ANSWER).await.ok()?;
        *self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(made.clone());
        Some(made)
    }

    /// Forgets the connection after an error (the next call makes another).
    fn lost(&self) -> Check {
        *self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        Check::Unreachable
    }
}

/// An `HGETALL` of the outbox as its rows' JSON; what is not text is left out.
pub fn read_outbox(value: Value) -> Vec<String> {
    let Value::Array(items) = value else { return Vec::new() };
    items
        .chunks(2)
        .filter_map(|pair| match pair {
            [_, Value::BulkString(json)] => String::from_utf8(json.clone()).ok(),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outbox_reads_back_each_rows_json() {
        let bulk = |text: &str| Value::BulkString(text.as_bytes().to_vec());
        let reply =
            Value::Array(vec![bulk("m1|ops"), bulk("{\"a\":1}"), bulk("m2|ops"), Value::Int(3), bulk("m3|ops")]);
        assert_eq!(read_outbox(reply), ["{\"a\":1}"]);
        assert!(read_outbox(Value::Nil).is_empty());
    }
}
