//! The store on disk: one SQLite file, `pulse.db`, in the data directory (WAL
//! journal, `synchronous=NORMAL`: a committed write survives the hub being killed;
//! a power cut may lose the last commits). Chunks are written here and nowhere
//! else; every decision about what they hold is made by the pure modules.
//!
//! Raw samples arrive as small *segments* (a few seconds each, so a `kill -9`
//! loses at most one flush); [`Store::seal`] joins a host's segments into sealed
//! chunks of [`Tier::block_ms`] and writes their minute and hour rollups in the
//! same transaction, so rollups are written as time passes, never at query time.

mod schema;
mod seal;

pub use seal::Adopted;

use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::block::{Block, Rollup};
use crate::codec::{decode_block, decode_rollup, encode_block, CodecError, Select};
use crate::tier::{Tiers, RAW};

/// Chunks deleted at a time while a tier is over its cap: one, so no more goes
/// than the cap asks.
const CAP_BATCH: usize = 1;

/// The store's file in the data directory.
pub const FILE: &str = "pulse.db";

/// Why the store could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory could not be made or opened.
    #[error("cannot use the data directory {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is not a Pulse store (another program's database, or damaged).
    #[error("{FILE} is not a Pulse store (another program's file, or damaged); move it away or use another --data")]
    Foreign,
    /// A newer Pulse made the store.
    #[error("{FILE} was written by a newer Pulse (schema {found}; this one reads up to {supported}); upgrade Pulse")]
    Newer {
        /// The file's schema.
        found: i64,
        /// The newest this code reads.
        supported: i64,
    },
    /// The disk is full.
    #[error("the disk holding the store is full; history is kept in memory until there is room")]
    Full,
    /// Anything else SQLite reported.
    #[error("the store failed: {0}")]
    Sqlite(rusqlite::Error),
    /// A chunk could not be read back.
    #[error("a chunk could not be read: {0}")]
    Codec(#[from] CodecError),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::Full,
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::Foreign,
            _ => StoreError::Sqlite(error),
        }
    }
}

/// A host as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRecord {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Tags, `key=value` pairs joined by `,` (as the agent sends them).
    pub tags: String,
    /// Whether it is the hub's own host.
    pub local: bool,
    /// The epoch of its newest stored sample.
    pub epoch: String,
    /// The seq of its newest stored sample (0: none).
    pub newest_seq: u64,
    /// When its newest stored sample was taken.
    pub newest_ts: i64,
    /// Its series catalogue, as the hub serialises it (so a down host's history
    /// can be asked for by series after a restart); written as `""`, the stored
    /// one is kept.
    pub catalog: String,
}

/// What [`Store::enforce`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    /// Chunks past their tier's retention.
    pub by_age: usize,
    /// Chunks deleted to bring a tier under its cap.
    pub by_size: usize,
}

/// The open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    tiers: Tiers,
    path: PathBuf,
}

impl Store {
    /// Opens (making it on first use) the store in `dir`.
    pub fn open(dir: &Path, tiers: Tiers) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Directory { path: dir.to_owned(), source })?;
        let path = dir.join(FILE);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags)?;
        // Readable and writable by its owner only, as `access.db` is: the history
        // names every host and its tags. Before the WAL is made, which SQLite gives
        // the file's own mode (so do its `-wal` and `-shm`).
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .map_err(|source| StoreError::Directory { path: path.clone(), source })?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // 8 KiB pages hold a rollup chunk in its row rather than in overflow pages
        // (a new file only: an existing one keeps its page size).
        conn.execute_batch("PRAGMA page_size = 8192;")?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;")?;
        schema::prepare(&conn)?;
        Ok(Store { conn, tiers, path })
    }

    /// The file the store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The tiers it keeps.
    pub fn tiers(&self) -> &Tiers {
        &self.tiers
    }

    /// A value kept under `key` (the hub's own epoch, for one).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Keeps `value` under `key`.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?1, ?2)", [key, value])?;
        Ok(())
    }

    /// Every host the store has samples of.
    pub fn hosts(&self) -> Result<Vec<HostRecord>, StoreError> {
        let mut statement = self.conn.prepare_cached(
            // A catalogue in the host's own row is one an older Pulse wrote after
            // the move (nothing locks the file against two processes).
            "SELECT id, name, tags, local, epoch, newest_seq, newest_ts,
                    coalesce(c.catalog, nullif(hosts.catalog, ''), '')
               FROM hosts LEFT JOIN catalogs c ON c.host = id ORDER BY id",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(HostRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                tags: r.get(2)?,
                local: r.get(3)?,
                epoch: r.get(4)?,
                newest_seq: r.get::<_, i64>(5)? as u64,
                newest_ts: r.get(6)?,
                catalog: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes segments of raw samples and the hosts they belong to, in one
    /// transaction: all of it is stored, or none.
    pub fn write(&mut self, hosts: &[HostRecord], segments: &[(String, Block)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut host = tx.prepare_cached(
                "INSERT INTO hosts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '') ON CONFLICT(id) DO UPDATE SET
                   name = excluded.name, tags = excluded.tags, local = excluded.local, epoch = excluded.epoch,
                   newest_seq = excluded.newest_seq, newest_ts = excluded.newest_ts",
            )?;
            let mut catalog = tx.prepare_cached(
                "INSERT INTO catalogs VALUES (?1, ?2) ON CONFLICT(host) DO UPDATE SET catalog = excluded.catalog",
            )?;
            for h in hosts {
                host.execute(params![h.id, h.name, h.tags, h.local, h.epoch, h.newest_seq as i64, h.newest_ts])?;
                if !h.catalog.is_empty() {
                    catalog.execute(params![h.id, h.catalog])?;
                }
            }
            let mut chunk = tx.prepare_cached("INSERT INTO segments VALUES (?1, ?2, ?3, ?4)")?;
            for (id, block) in segments {
                if let (Some(&start), Some(&end)) = (block.ts.first(), block.ts.last()) {
                    chunk.execute(params![id, start, end, encode_block(block)])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The raw samples of `host` overlapping `[from, to)`, oldest first, with the
    /// selected series (sealed chunks and segments alike).
    pub fn blocks(&self, host: &str, from: i64, to: i64, select: Select<'_>) -> Result<Vec<Block>, StoreError> {
        let mut query = self.conn.prepare_cached(
            "SELECT data FROM segments WHERE host = ?1 AND start >= ?2 AND start < ?3 AND end >= ?4 ORDER BY start",
        )?;
        let span = self.tiers.0[RAW].block_ms;
        let rows = query.query_map(params![host, from.saturating_sub(span), to, from], |r| r.get::<_, Vec<u8>>(0))?;
        let segments: Vec<Vec<u8>> = rows.collect::<Result<_, _>>()?;
        self.chunks(host, RAW, from, to)?.iter().chain(&segments).map(|data| Ok(decode_block(data, select)?)).collect()
    }

    /// The rollups of tier `tier` (minutes or hours) of `host` overlapping
    /// `[from, to)`, oldest first.
    pub fn rollups(
        &self,
        host: &str,
        tier: usize,
        from: i64,
        to: i64,
        select: Select<'_>,
    ) -> Result<Vec<Rollup>, StoreError> {
        self.chunks(host, tier, from, to)?.iter().map(|data| Ok(decode_rollup(data, select)?)).collect()
    }

    /// The newest raw samples of `host`: whole chunks, newest first until they
    /// hold at least `rows` rows, returned oldest first.
    pub fn latest(&self, host: &str, rows: usize) -> Result<Vec<Block>, StoreError> {
        let mut out = Vec::new();
        let mut held = 0;
        for sql in [
            "SELECT data FROM segments WHERE host = ?1 ORDER BY start DESC",
            "SELECT data FROM chunks WHERE host = ?1 AND tier = 0 ORDER BY start DESC",
        ] {
            let mut query = self.conn.prepare_cached(sql)?;
            let mut cursor = query.query([host])?;
            while held < rows {
                let Some(row) = cursor.next()? else { break };
                let block = decode_block(&row.get::<_, Vec<u8>>(0)?, Select::All)?;
                held += block.len();
                out.push(block);
            }
        }
        out.reverse();
        Ok(out)
    }

    fn chunks(&self, host: &str, tier: usize, from: i64, to: i64) -> Result<Vec<Vec<u8>>, StoreError> {
        let span = self.tiers.0.get(tier).map_or(0, |t| t.block_ms);
        let mut query = self.conn.prepare_cached(
            "SELECT data FROM chunks WHERE host = ?1 AND tier = ?2 AND start >= ?3 AND start < ?4 AND end >= ?5 ORDER BY start",
        )?;
        let rows = query.query_map(params![host, tier as i64, from.saturating_sub(span), to, from], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Bytes the file's pages in use take (after writing the journal back): what
    /// the store costs on disk, free pages left by deleted chunks aside (they are
    /// reused by the next writes).
    pub fn used_bytes(&self) -> Result<u64, StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let pragma = |name: &str| self.conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
        let used = (pragma("page_count")? - pragma("freelist_count")?) * pragma("page_size")?;
        Ok(used.max(0) as u64)
    }

    /// Bytes each tier holds.
    pub fn bytes(&self) -> Result<[u64; 3], StoreError> {
        let mut out = [0u64; 3];
        let mut query = self.conn.prepare_cached("SELECT tier, bytes FROM tier_bytes")?;
        let rows = query.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (tier, bytes) = row?;
            if let Some(slot) = usize::try_from(tier).ok().and_then(|t| out.get_mut(t)) {
                *slot = bytes.max(0) as u64;
            }
        }
        Ok(out)
    }

    /// Deletes chunks past their tier's retention at `now`, then the oldest chunks
    /// of a tier over its cap (at most `budget` of those per call, so a call is
    /// short; the next one goes on).
    pub fn enforce(&mut self, now: i64, budget: usize) -> Result<Deleted, StoreError> {
        let mut deleted = Deleted::default();
        for (index, tier) in self.tiers.0.iter().enumerate() {
            deleted.by_age += self.conn.execute(
                "DELETE FROM chunks WHERE tier = ?1 AND end < ?2",
                params![index as i64, now.saturating_sub(tier.retention_ms)],
            )?;
        }
        let raw_retention = self.tiers.0[RAW].retention_ms;
        deleted.by_age +=
            self.conn.execute("DELETE FROM segments WHERE end < ?1", [now.saturating_sub(raw_retention)])?;
        for (index, tier) in self.tiers.0.iter().enumerate() {
            // A few chunks at a time, so no more than needed goes.
            while deleted.by_size < budget && self.bytes()?[index] > tier.cap_bytes {
                let gone = self.conn.execute(
                    "DELETE FROM chunks WHERE (host, tier, start) IN
                       (SELECT host, tier, start FROM chunks WHERE tier = ?1 ORDER BY end LIMIT ?2)",
                    params![index as i64, CAP_BATCH.min(budget - deleted.by_size) as i64],
                )?;
                if gone == 0 {
                    break;
                }
                deleted.by_size += gone;
            }
        }
        Ok(deleted)
    }

    /// Forgets a host and all its history.
    pub fn forget(&mut self, host: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM chunks WHERE host = ?1", [host])?;
        tx.execute("DELETE FROM segments WHERE host = ?1", [host])?;
        tx.execute("DELETE FROM hosts WHERE id = ?1", [host])?;
        tx.execute("DELETE FROM catalogs WHERE host = ?1", [host])?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod test_dir;
#[cfg(test)]
mod tests;
