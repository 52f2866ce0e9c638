//! Users, sessions, API tokens and share links shared by the fleet (`--redis`):
//! the hash [`keys::ACCESS_RECORDS`] (`user:NAME`, `session:ID`, `token:ID`,
//! `share:ID` → a [`Record`] as JSON: digests and argon2id hashes, never a secret)
//! and its revision [`keys::ACCESS_REV`], raised by every write. Each hub keeps its
//! own `access.db` as its working copy (it keeps checking credentials while Redis
//! is down) and runs one task that, every [`POLL`] or at once when the access
//! state asks (`access::mirror`), reads the hash when the revision moved and
//! compares it with the file record by record (`access::ledger::merge`): what is
//! newer here is written there by a script that keeps the newer of the two
//! (`PUT`), what is newer there is written to the file, and the streams of what
//! that ended are cut. Every change is made locally first and reaches Redis then,
//! or when it answers again (a sign-in, a revocation or a `pulse-server user`
//! command never waits on Redis): a removal is a tombstone, newer than the record,
//! so no hub's older copy brings a revoked credential back. A Redis that holds no
//! revision (new, or restarted without its data) is given every hub's records.
//!
//! A round compares the file only when either side changed since the last
//! comparison; "the file changed" is read before the file is (a change made while
//! the round runs is compared by the next). Every write sets a random tag
//! ([`keys::ACCESS_TAG`]) with the revision, and a hub reads when either moved
//! (`version`): a revision that comes back after a rollback or an empty restart
//! with other records behind it is read. After a write the next round reads
//! again, whatever they say, and every [`version::FULL_READ`] too. Each
//! round that reaches Redis also tells the access state whether the fleet has
//! users (`access::open`): known only while the revision exists (a Redis restarted
//! empty says nothing until a hub with an access file gives it its records; one
//! that finds no revision writes it, even with no records). A copy seeded from a
//! file without records proves no fleet empty until it has stood unchanged for
//! [`version::GRACE`]: every hub holding users may be away. A hub without an
//! access file only reads, for that. Records that
//! parse but that no hub writes so are skipped (`access::ledger::sound`), counted
//! in `/healthz` and logged once per key, never by content.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ::redis::aio::MultiplexedConnection;
use ::redis::{Script, Value};

use self::version::{must_read, proves_no_users, Version};
use super::keys::{self, text};
use super::Shared;
use crate::access::ledger::{has_admins, has_users, is_live_user, merge, sound, Record, Records};
use crate::access::mirror::{Found, Mirror};
use crate::access::{now, Access};

mod version;

/// How often a hub looks at the revision when nothing asked sooner.
pub const POLL: Duration = Duration::from_millis(500);

/// How long a call waits for Redis.
const ANSWER: Duration = Duration::from_secs(1);

/// Most records written by one script call.
const BATCH: usize = 256;

/// Most malformed keys remembered as logged (past these, no more are logged).
const LOGGED_KEYS: usize = 1024;

/// How often a hub drops ended records from Redis.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// `KEYS` records, revision, tag; `ARGV` '1' to seed a Redis without a revision
/// (else -2 is answered then), the last revision this hub read, the tag to set
/// with a raise, then (key, at, gone, json) quadruples. Keeps for each key the
/// newer record (the later `at`; at the same `at`, the tombstone); the revision
/// after the writes (raised, and the tag set, if any).
const PUT: &str = r"
if redis.call('EXISTS', KEYS[2]) == 0 then
  if ARGV[1] ~= '1' then return -2 end
  redis.call('SET', KEYS[2], ARGV[2])
end
local wrote = 0
for i = 4, #ARGV, 4 do
  local at, gone = tonumber(ARGV[i + 1]), ARGV[i + 2] == '1'
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  local newer = true
  if old then
    local ok, o = pcall(cjson.decode, old)
    if ok and type(o) == 'table' then
      local oat = tonumber(o.at) or 0
      if oat > at or (oat == at and (o.gone == true or not gone)) then newer = false end
    end
  end
  if newer then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 3])
    wrote = wrote + 1
  end
end
if wrote > 0 or ARGV[1] == '1' then
  redis.call('SET', KEYS[3], ARGV[3])
  return redis.call('INCR', KEYS[2])
end
return tonumber(redis.call('GET', KEYS[2]))
";

/// `KEYS` revision, records, tag: `[rev, records, tag]` read at once.
const READ: &str = r"
return {redis.call('GET', KEYS[1]) or '0', redis.call('HGETALL', KEYS[2]), redis.call('GET', KEYS[3]) or ''}
";

/// `KEYS` records; `ARGV` now (ms). Drops records that ended by themselves
/// (expired sessions and share links, and their tombstones); how many.
const PRUNE: &str = r"
local all = redis.call('HGETALL', KEYS[1])
local dropped = 0
for i = 1, #all, 2 do
  local ok, r = pcall(cjson.decode, all[i + 1])
  if ok and type(r) == 'table' and type(r['until']) == 'number' and r['until'] <= tonumber(ARGV[1]) then
    redis.call('HDEL', KEYS[1], all[i])
    dropped = dropped + 1
  end
end
return dropped
";

/// Starts keeping `access`'s records and the fleet's in step; the link whose
/// [`Mirror::first_read`] says when the fleet's copy was first read.
pub fn start(shared: Arc<Shared>, access: Arc<Access>) -> Arc<Mirror> {
    if !access.keeps_file() {
        tracing::warn!(
            "access: this hub keeps no access file (--no-store without --data), so it shares no users; it reads \
             the fleet's only to know whether there are any"
        );
    }
    let mirror = access.share_with_fleet();
    tokio::spawn(run(shared, access, Arc::clone(&mirror)));
    mirror
}

/// What the task remembers between rounds.
struct Task {
    shared: Arc<Shared>,
    access: Arc<Access>,
    conn: Option<MultiplexedConnection>,
    /// The revision and tag last read (none: not yet, or a write since).
    seen: Option<Version>,
    /// When every record was last read.
    read_at: Instant,
    /// The copy's version as last looked at, and since when it has been that.
    current: Option<(Version, Instant)>,
    /// The records as last read from Redis (and written there since).
    there: Records,
    /// [`Access::changes`] when the file was last compared.
    compared: Option<u64>,
    pruned: Instant,
    /// Keys already logged as malformed (each is logged once; at most
    /// [`LOGGED_KEYS`], the count in `/healthz` goes on).
    logged: HashSet<String>,
    mirror: Arc<Mirror>,
}

/// Why a round did not finish.
#[derive(Debug, thiserror::Error)]
enum RoundError {
    #[error("redis: {0}")]
    Redis(#[from] ::redis::RedisError),
    #[error(transparent)]
    Access(#[from] crate::access::AccessError),
}

async fn run(shared: Arc<Shared>, access: Arc<Access>, mirror: Arc<Mirror>) {
    let mut task = Task {
        shared,
        access,
        conn: None,
        seen: None,
        read_at: Instant::now(),
        current: None,
        there: Records::new(),
        compared: None,
        pruned: Instant::now(),
        logged: HashSet::new(),
        mirror: Arc::clone(&mirror),
    };
    let mut down = false;
    let mut headless = false;
    while !task.shared.stopping() {
        let covered = mirror.next_round(POLL).await;
        let result = task.round().await;
        mirror.finished(covered, result.as_ref().ok().copied());
        if let Ok(Found::Users { users, admins }) = result {
            let now_headless = users && !admins;
            if now_headless && !headless {
                tracing::warn!(
                    "access: the fleet has users but no admin (two hubs may have removed different admins at once);                      nobody can manage users until one is made with `pulse-server user add NAME --role admin`"
                );
            }
            headless = now_headless;
        }
        match result {
            Ok(_) if down => {
                down = false;
                tracing::info!("access: users, sessions, tokens and share links are shared through redis again");
            }
            Ok(_) => {}
            Err(error) if !down => {
                down = true;
                task.conn = None;
                tracing::warn!(
                    "access: {error}; this hub checks credentials against its own copy, and its changes reach the \
                     fleet when redis answers"
                );
            }
            Err(_) => task.conn = None,
        }
    }
}

impl Task {
    /// One look at the revision; a read when it moved, a comparison when either
    /// side changed. What it learnt of the fleet's users.
    async fn round(&mut self) -> Result<Found, RoundError> {
        let mut conn = match self.conn.clone() {
            Some(conn) => conn,
            None => {
                let conn = self.shared.connect(ANSWER).await?;
                self.conn = Some(conn.clone());
                conn
            }
        };
        let (rev, tag): (Option<u64>, Option<String>) =
            ::redis::cmd("MGET").arg(keys::ACCESS_REV).arg(keys::ACCESS_TAG).query_async(&mut conn).await?;
        let copy = rev.map(|rev| Version { rev, tag: tag.unwrap_or_default() });
        if let Some(copy) = &copy {
            self.look(copy);
        }
        let stale = copy.as_ref().is_none_or(|copy| must_read(self.seen.as_ref(), copy, self.read_at.elapsed()));
        if !self.access.keeps_file() {
            if copy.is_none() {
                // Restarted empty: no user seen says nothing until a hub with a
                // file gives it the fleet's records.
                self.seen = None;
                self.current = None;
                return Ok(Found::Unknown);
            }
            if stale {
                self.read(&mut conn).await?;
            }
            return Ok(self.found(&Records::new()));
        }
        // Read before the file is: a change made from here on is compared next round.
        let changes = self.access.changes();
        let mut moved = false;
        if rev.is_none() {
            let here = self.access.ledger()?;
            let all: Vec<(String, Record)> = here.into_iter().collect();
            self.put(&mut conn, &all, true).await?;
            self.compared = Some(changes);
            tracing::info!(records = all.len(), "access: redis held no access records; it holds this hub's now");
        }
        if stale {
            self.read(&mut conn).await?;
            moved = true;
        }
        if !moved && self.compared == Some(changes) {
            self.prune(&mut conn).await?;
            return Ok(self.found(&Records::new()));
        }
        let here = self.access.ledger()?;
        let plan = merge(&here, &self.there, now());
        if !plan.push.is_empty() {
            self.put(&mut conn, &plan.push, false).await?;
        }
        if !plan.apply.is_empty() && self.access.apply_from_fleet(&plan.apply)? {
            tracing::debug!(records = plan.apply.len(), "access: applied what other hubs changed");
            self.mirror.applied();
        }
        // Not the count after the apply: a change made here since `changes` was
        // read is not in `here`, and taking it as compared would keep it from the
        // fleet until another hub changed something.
        self.compared = Some(changes);
        self.prune(&mut conn).await?;
        Ok(self.found(&here))
    }

    /// Notes the copy's version as looked at now (since when it has been that).
    fn look(&mut self, now: &Version) {
        if self.current.as_ref().is_none_or(|(current, _)| current != now) {
            self.current = Some((now.clone(), Instant::now()));
        }
    }

    /// What the fleet's records (`there`, and the file's `here` that a round is
    /// about to give it) say of its users: nothing when they hold none and the
    /// copy is a seed from a file without records that has not stood for
    /// [`version::GRACE`] (every hub holding users may be away).
    fn found(&self, here: &Records) -> Found {
        let users = has_users(&self.there) || has_users(here);
        let proven = self.current.as_ref().is_some_and(|(now, since)| proves_no_users(now, since.elapsed()));
        if !users && !proven {
            return Found::Unknown;
        }
        Found::Users { users, admins: has_admins(&self.there) || has_admins(here) }
    }

    /// Writes `records` (`seed`: also into a Redis without a revision, with no
    /// records too, so that the fleet is known to have none), users first (a hub
    /// reading between two batches sees no session without its user). The next
    /// round reads again (unless nothing was written and the revision did not
    /// move: a push Redis refuses, holding a newer copy, must not make every round
    /// read): another hub may have written meanwhile, and a Redis that fails over
    /// to a replica behind may go back to the revision last read.
    async fn put(
        &mut self,
        conn: &mut MultiplexedConnection,
        records: &[(String, Record)],
        seed: bool,
    ) -> Result<(), RoundError> {
        let mut records = records.to_vec();
        records.sort_by_key(|(key, _)| !key.starts_with("user:"));
        let empty: [(String, Record); 0] = [];
        let chunks: Vec<&[(String, Record)]> =
            if records.is_empty() && seed { vec![&empty[..]] } else { records.chunks(BATCH).collect() };
        // The revision a seed starts from: past the last one read, so a hub that
        // read it before Redis restarted sees the revision move.
        let seen = self.seen.take();
        let last = seen.as_ref().map_or(0, |seen| seen.rev);
        let seen_tag = seen.as_ref().map(|seen| seen.tag.as_str());
        let brings_a_user = records.iter().any(|(_, record)| is_live_user(record));
        let mut raised = false;
        for chunk in chunks {
            let script = Script::new(PUT);
            let mut call = script.key(keys::ACCESS_RECORDS);
            let tag = version::tag(version::marks_empty(seed, seen_tag, brings_a_user), rand::random());
            call.key(keys::ACCESS_REV).key(keys::ACCESS_TAG).arg(if seed { "1" } else { "0" }).arg(last).arg(tag);
            for (key, record) in chunk {
                let json = serde_json::to_string(record).unwrap_or_default();
                call.arg(key).arg(record.at).arg(if record.gone { "1" } else { "0" }).arg(json);
            }
            let rev: i64 = call.invoke_async(conn).await?;
            if rev == -2 {
                // Redis lost its data between two calls: the next round seeds it.
                self.seen = None;
                return Ok(());
            }
            if !seed && u64::try_from(rev).ok() == Some(last) {
                // Redis kept a newer copy of each, and nobody else wrote meanwhile:
                // nothing moved, so nothing asks for another read.
                continue;
            }
            raised = true;
            for (key, record) in chunk {
                let keep = self.there.get(key).is_none_or(|theirs| record.newer_than(theirs));
                if keep {
                    self.there.insert(key.clone(), record.clone());
                }
            }
        }
        if !raised {
            self.seen = seen;
        }
        Ok(())
    }

    /// Reads the revision and every record at once.
    async fn read(&mut self, conn: &mut MultiplexedConnection) -> Result<(), RoundError> {
        let script = Script::new(READ);
        let mut call = script.key(keys::ACCESS_REV);
        call.key(keys::ACCESS_RECORDS).key(keys::ACCESS_TAG);
        let value: Value = call.invoke_async(conn).await?;
        let (version, there) = read_records(value);
        let (there, malformed) = sound(there);
        self.mirror.skipped(malformed.len());
        for (key, why) in malformed {
            if self.logged.len() < LOGGED_KEYS && self.logged.insert(key.clone()) {
                tracing::warn!(key = %key, why = why.name(), "access: skipping a record of redis that no hub writes so");
            }
        }
        self.look(&version);
        self.seen = Some(version);
        self.read_at = Instant::now();
        self.there = there;
        Ok(())
    }

    /// Now and then, drops ended records from Redis.
    async fn prune(&mut self, conn: &mut MultiplexedConnection) -> Result<(), RoundError> {
        if self.pruned.elapsed() < PRUNE_EVERY {
            return Ok(());
        }
        self.pruned = Instant::now();
        let _: i64 = Script::new(PRUNE).key(keys::ACCESS_RECORDS).arg(now()).invoke_async(conn).await?;
        Ok(())
    }
}

/// The `READ` script's answer: the revision and tag, and every readable record.
fn read_records(value: Value) -> (Version, Records) {
    let none = || Version { rev: 0, tag: String::new() };
    let Value::Array(parts) = value else { return (none(), Records::new()) };
    let mut parts = parts.into_iter();
    let rev = parts.next().and_then(text).and_then(|rev| rev.parse().ok()).unwrap_or(0);
    let items = parts.next();
    let tag = parts.next().and_then(text).unwrap_or_default();
    let version = Version { rev, tag };
    let Some(Value::Array(items)) = items else { return (version, Records::new()) };
    let mut items = items.into_iter();
    let records = std::iter::from_fn(|| Some((items.next()?, items.next()?)))
        .filter_map(|(key, value)| Some((text(key)?, serde_json::from_str::<Record>(&text(value)?).ok()?)))
        .collect();
    (version, records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redis::keys::tests::bulk;

    #[test]
    fn records_are_read_and_unreadable_ones_skipped() {
        let reply = Value::Array(vec![
            bulk("12"),
            Value::Array(vec![bulk("token:a"), bulk(r#"{"at":5,"gone":true}"#), bulk("token:b"), bulk("{")]),
            bulk("empty-01"),
        ]);
        let (version, records) = read_records(reply);
        assert_eq!(version, Version { rev: 12, tag: "empty-01".into() });
        assert_eq!(records.len(), 1);
        assert!(records["token:a"].gone);
        assert_eq!(read_records(Value::Nil), (Version { rev: 0, tag: String::new() }, Records::new()));
    }
}
