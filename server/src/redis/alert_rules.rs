//! The rules admins make in the UI and every rule's mute, shared by the fleet
//! (`--redis` with `--alerts`): the hash [`keys::ALERT_RULES`] (name →
//! `{"seq":N,"table":"…"}`, `seq` keeping the order they were made), the hash
//! [`keys::ALERT_MUTES`] (name → until, ms) and the revision
//! [`keys::ALERT_RULES_REV`], which every change `INCR`s in the same script. Each
//! hub polls the revision every [`POLL`] and reads both hashes when it moved, so
//! every hub's rule set is the same within about that (no keyspace notifications
//! to configure). A change is refused when Redis does not answer: the hub keeps the
//! last set it read (`alerts.db` keeps a copy, in force on a restart), and its API
//! answers 503 naming Redis. A Redis that holds no revision (new, or restarted
//! without its data) is given the set of the first hub to ask.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ::redis::aio::MultiplexedConnection;
use ::redis::{Script, Value};
use pulse_alerts::ruleset::UiRule;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::{keys, Shared};

/// How often a hub looks at the revision.
pub const POLL: Duration = Duration::from_millis(500);

/// How long a call waits for Redis.
const ANSWER: Duration = Duration::from_secs(1);

/// Every change is refused (-2) while Redis holds no revision (new, or restarted
/// without its data): a hub gives it the fleet's rules first (`SEED`), so a change
/// made meanwhile does not stand for all of them.
///
/// `KEYS` rules, revision; `ARGV` name, table, '1' to create ('0' to replace).
/// -1 when creating a name that is taken; else the new revision.
const PUT: &str = r"
if redis.call('EXISTS', KEYS[2]) == 0 then return -2 end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '1' and old then return -1 end
local rev = redis.call('INCR', KEYS[2])
local seq = rev
if old then seq = cjson.decode(old).seq or rev end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({seq = seq, table = ARGV[2]}))
return rev
";

/// `KEYS` rules, mutes, revision; `ARGV` name. Deletes the rule and its mute; the
/// new revision (-2 as above).
const DELETE: &str = r"
if redis.call('EXISTS', KEYS[3]) == 0 then return -2 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('INCR', KEYS[3])
";

/// `KEYS` mutes, revision; `ARGV` name, until ('' to unmute). The new revision (-2
/// as above).
const MUTE: &str = r"
if redis.call('EXISTS', KEYS[2]) == 0 then return -2 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1])
else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return redis.call('INCR', KEYS[2])
";

/// `KEYS` revision, rules, mutes; `ARGV` the last revision this hub read, how
/// many rules, then (name, table) pairs, then (name, until) pairs. Writes them only
/// if Redis holds no revision, and goes on from the revision the hub read (so
/// revisions keep growing across a Redis that lost its data); 1 if so.
const SEED: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local count = tonumber(ARGV[2])
for i = 1, count do
  local name, tbl = ARGV[2 * i + 1], ARGV[2 * i + 2]
  redis.call('HSET', KEYS[2], name, cjson.encode({seq = i, table = tbl}))
end
for i = 2 * count + 3, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
redis.call('SET', KEYS[1], math.max(count, tonumber(ARGV[1])) + 1)
return 1
";

/// `KEYS` revision, rules, mutes: `[rev, rules, mutes]` read at once.
const READ: &str = r"
return {redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
";

/// The rules and mutes as Redis held them at a revision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The revision (0: none read yet).
    pub rev: u64,
    /// The rules made in the UI, in the order they were made.
    pub ui: Vec<UiRule>,
    /// Every mute: rule → until (ms).
    pub mutes: BTreeMap<String, u64>,
}

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum SharedRulesError {
    /// Redis did not answer.
    #[error("redis is unavailable, and the fleet's alert rules and mutes are kept there: {0}")]
    Unreachable(String),
    /// Another hub made a rule of that name first.
    #[error("another hub made a rule called {0:?} first")]
    Taken(String),
}

/// This hub's side of the shared rules.
pub struct SharedRules {
    shared: Arc<Shared>,
    conn: Mutex<Option<MultiplexedConnection>>,
    /// The newest snapshot read.
    read: watch::Sender<Snapshot>,
    /// The rules and mutes in force on this hub (its own changes included), given
    /// to a Redis that holds none.
    kept: Mutex<Snapshot>,
}

/// A rule's value in the hash.
#[derive(Serialize, Deserialize)]
struct Stored {
    seq: f64,
    table: String,
}

impl SharedRules {
    /// Starts polling, with `local` (what `alerts.db` kept) to give a Redis that
    /// holds none.
    pub fn start(shared: Arc<Shared>, local: Snapshot) -> Arc<SharedRules> {
        let (read, _) = watch::channel(Snapshot::default());
        let rules = Arc::new(SharedRules { shared, conn: Mutex::new(None), read, kept: Mutex::new(local) });
        tokio::spawn(Arc::clone(&rules).run());
        rules
    }

    /// The rules and mutes now in force on this hub, at revision `rev` or later.
    pub fn keep(&self, ui: &[UiRule], mutes: &BTreeMap<String, u64>, rev: u64) {
        let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *kept = Snapshot { rev: kept.rev.max(rev), ui: ui.to_vec(), mutes: mutes.clone() };
    }

    /// Each snapshot read from now on (only those whose revision moved).
    pub fn subscribe(&self) -> watch::Receiver<Snapshot> {
        self.read.subscribe()
    }

    /// Puts UI rule `rule` (refused if `create` and the name is taken); the new revision.
    pub async fn put(&self, rule: &UiRule, create: bool) -> Result<u64, SharedRulesError> {
        let script = Script::new(PUT);
        let mut call = script.key(keys::ALERT_RULES);
        call.key(keys::ALERT_RULES_REV).arg(&rule.name).arg(&rule.table).arg(if create { "1" } else { "0" });
        match self.invoke(&call).await? {
            -1 => Err(SharedRulesError::Taken(rule.name.clone())),
            rev => revision(rev),
        }
    }

    /// Deletes UI rule `name` and its mute; the new revision.
    pub async fn delete(&self, name: &str) -> Result<u64, SharedRulesError> {
        let script = Script::new(DELETE);
        let mut call = script.key(keys::ALERT_RULES);
        call.key(keys::ALERT_MUTES).key(keys::ALERT_RULES_REV).arg(name);
        revision(self.invoke(&call).await?)
    }

    /// Mutes rule `name` until `until` (ms), or unmutes it; the new revision.
    pub async fn mute(&self, name: &str, until: Option<u64>) -> Result<u64, SharedRulesError> {
        let script = Script::new(MUTE);
        let mut call = script.key(keys::ALERT_MUTES);
        call.key(keys::ALERT_RULES_REV).arg(name).arg(until.map(|until| until.to_string()).unwrap_or_default());
        revision(self.invoke(&call).await?)
    }

    async fn invoke(&self, call: &::redis::ScriptInvocation<'_>) -> Result<i64, SharedRulesError> {
        let mut conn = self.connection().await.map_err(|error| SharedRulesError::Unreachable(error.to_string()))?;
        call.invoke_async(&mut conn).await.map_err(|error| {
            self.forget();
            SharedRulesError::Unreachable(error.to_string())
        })
    }

    /// Polls the revision until the hub shuts down; gives Redis the rules kept
    /// here when it holds no revision.
    async fn run(self: Arc<SharedRules>) {
        let mut seen: Option<u64> = None;
        let mut down = false;
        while !self.shared.stopping() {
            let local = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
            match self.poll(&mut seen, &local).await {
                Ok(()) if down => {
                    down = false;
                    tracing::info!("alerts: the fleet's rules and mutes are read from redis again");
                }
                Ok(()) => {}
                Err(error) if !down => {
                    down = true;
                    tracing::warn!("alerts: {error}; the last rules and mutes read stay in force");
                }
                Err(_) => {}
            }
            self.shared.pause(POLL).await;
        }
    }

    /// One look at the revision, and a read when it moved.
    async fn poll(&self, seen: &mut Option<u64>, local: &Snapshot) -> Result<(), SharedRulesError> {
        let unreachable = |error: ::redis::RedisError| SharedRulesError::Unreachable(error.to_string());
        let mut conn = self.connection().await.map_err(unreachable)?;
        let rev: Option<u64> =
            ::redis::cmd("GET").arg(keys::ALERT_RULES_REV).query_async(&mut conn).await.map_err(|error| {
                self.forget();
                unreachable(error)
            })?;
        if rev.is_none() {
            let script = Script::new(SEED);
            let mut call = script.key(keys::ALERT_RULES_REV);
            call.key(keys::ALERT_RULES).key(keys::ALERT_MUTES).arg(local.rev).arg(local.ui.len());
            for rule in &local.ui {
                call.arg(&rule.name).arg(&rule.table);
            }
            for (name, until) in &local.mutes {
                call.arg(name).arg(until);
            }
            if self.invoke(&call).await? == 1 {
                tracing::info!(
                    rules = local.ui.len(),
                    "alerts: redis held no rules made in the UI; it holds this hub's now"
                );
            }
        } else if rev == *seen {
            return Ok(());
        }
        let script = Script::new(READ);
        let mut call = script.key(keys::ALERT_RULES_REV);
        call.key(keys::ALERT_RULES).key(keys::ALERT_MUTES);
        let value: Value = call.invoke_async(&mut conn).await.map_err(|error| {
            self.forget();
            unreachable(error)
        })?;
        let snapshot = read_snapshot(value);
        *seen = Some(snapshot.rev);
        self.read.send_if_modified(|kept| {
            let moved = *kept != snapshot;
            *kept = snapshot;
            moved
        });
        Ok(())
    }

    async fn connection(&self) -> Result<MultiplexedConnection, ::redis::RedisError> {
        let held = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        if let Some(conn) = held {
            return Ok(conn);
        }
        let made = self.shared.connect(ANSWER).await?;
        *self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(made.clone());
        Ok(made)
    }

    fn forget(&self) {
        *self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
    }
}

/// A change's answer: the new revision, or (-2) Redis holds no rules yet.
fn revision(answer: i64) -> Result<u64, SharedRulesError> {
    if answer < 0 {
        return Err(SharedRulesError::Unreachable(
            "it holds no rules yet (it restarted); try again in a second".into(),
        ));
    }
    Ok(answer as u64)
}

/// The `READ` script's answer as a snapshot: rules in the order they were made,
/// anything unreadable left out.
pub fn read_snapshot(value: Value) -> Snapshot {
    let Value::Array(parts) = value else { return Snapshot::default() };
    let mut parts = parts.into_iter();
    let rev = parts.next().and_then(text).and_then(|rev| rev.parse().ok()).unwrap_or(0);
    let pairs = |value: Option<Value>| -> Vec<(String, String)> {
        let Some(Value::Array(items)) = value else { return Vec::new() };
        let mut items = items.into_iter();
        std::iter::from_fn(|| Some((items.next()?, items.next()?)))
            .filter_map(|(name, value)| Some((text(name)?, text(value)?)))
            .collect()
    };
    let mut ui: Vec<(f64, UiRule)> = pairs(parts.next())
        .into_iter()
        .filter_map(|(name, value)| {
            let stored: Stored = serde_json::from_str(&value).ok()?;
            Some((stored.seq, UiRule { name, table: stored.table }))
        })
        .collect();
    ui.sort_by(|(a, _), (b, _)| a.total_cmp(b));
    let mutes = pairs(parts.next()).into_iter().filter_map(|(name, until)| Some((name, until.parse().ok()?))).collect();
    Snapshot { rev, ui: ui.into_iter().map(|(_, rule)| rule).collect(), mutes }
}

fn text(value: Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => String::from_utf8(bytes).ok(),
        Value::SimpleString(text) => Some(text),
        Value::Int(number) => Some(number.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn a_snapshot_keeps_the_order_rules_were_made_and_skips_what_is_unreadable() {
        let reply = Value::Array(vec![
            bulk("7"),
            Value::Array(vec![
                bulk("late"),
                bulk(r#"{"seq":6,"table":"b"}"#),
                bulk("broken"),
                bulk("{"),
                bulk("early"),
                bulk(r#"{"seq":2,"table":"a"}"#),
            ]),
            Value::Array(vec![bulk("early"), bulk("99"), bulk("odd"), bulk("soon")]),
        ]);
        let rule = |name: &str, table: &str| UiRule { name: name.into(), table: table.into() };
        let expected = Snapshot {
            rev: 7,
            ui: vec![rule("early", "a"), rule("late", "b")],
            mutes: [("early".to_owned(), 99)].into(),
        };
        assert_eq!(read_snapshot(reply), expected);
        assert_eq!(read_snapshot(Value::Nil), Snapshot::default());
    }
}
