//! SQLite through rusqlite (SQLite bundled): WAL journal, `synchronous=NORMAL`, and one
//! `WITHOUT ROWID` table keyed by (host, tier, start), so one host's chunks of one tier
//! sit together in the primary key's B-tree.
//!
//! In a `WITHOUT ROWID` table a row lives in an index B-tree, whose cells keep at most
//! about a quarter of a page inline (1,002 bytes of a 4 KiB page): a one-minute block of
//! about 1 KB spills into an overflow page of its own. The variants set 8 KiB pages,
//! where it fits; `sqlite-split` also keeps the 5 s segments in a table of their own in
//! arrival order (rowid) with a small (host, start) index, so that a flush appends
//! instead of touching one page per host.

use std::ops::Range;
use std::path::Path;

use rusqlite::{params, Connection};

use super::{Batch, ChunkKey, Engine};
use crate::error::{Error, Result};

/// The rusqlite version this file is written against (as in Cargo.toml).
pub const CRATE_VERSION: &str = "0.37";

const CHUNKS: &str = "CREATE TABLE IF NOT EXISTS chunks(
    host TEXT NOT NULL, tier INTEGER NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY(host, tier, start)
) WITHOUT ROWID";

const SEGMENTS: &str = "CREATE TABLE IF NOT EXISTS segments(
    id INTEGER PRIMARY KEY, host TEXT NOT NULL, start INTEGER NOT NULL, data BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS segments_by_host ON segments(host, start)";

/// How the store is laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The page size of a new file (SQLite's default is 4 KiB).
    pub page_size: Option<u32>,
    /// Tier 0 (segments) in its own table, in arrival order; the other tiers in `chunks`.
    pub split_segments: bool,
}

/// A store in `DIR/chunks.sqlite3`.
pub struct Sqlite {
    conn: Connection,
    layout: Layout,
}

impl Sqlite {
    /// Opens or creates the store, in WAL mode.
    pub fn open(dir: &Path, layout: Layout) -> Result<Sqlite> {
        let conn = Connection::open(dir.join("chunks.sqlite3"))?;
        if let Some(bytes) = layout.page_size {
            // Before the journal mode: a WAL database's page size is fixed once set.
            conn.pragma_update(None, "page_size", bytes)?;
        }
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Check(format!("sqlite: journal_mode is {mode}, not wal")));
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(CHUNKS)?;
        if layout.split_segments {
            conn.execute_batch(SEGMENTS)?;
        }
        Ok(Sqlite { conn, layout })
    }

    /// True when `key` lives in the `segments` table.
    fn in_segments(&self, tier: u8) -> bool {
        self.layout.split_segments && tier == 0
    }
}

impl Engine for Sqlite {
    fn write(&mut self, batch: &Batch<'_>) -> Result<()> {
        let in_segments = |key: &ChunkKey<'_>| self.layout.split_segments && key.tier == 0;
        let tx = self.conn.transaction()?;
        {
            let mut put =
                tx.prepare_cached("INSERT OR REPLACE INTO chunks(host, tier, start, data) VALUES (?1, ?2, ?3, ?4)")?;
            let mut delete = tx.prepare_cached("DELETE FROM chunks WHERE host = ?1 AND tier = ?2 AND start = ?3")?;
            for (key, data) in batch.puts.iter().filter(|(key, _)| !in_segments(key)) {
                put.execute(params![key.host, key.tier, key.start as i64, data])?;
            }
            for key in batch.deletes.iter().filter(|key| !in_segments(key)) {
                delete.execute(params![key.host, key.tier, key.start as i64])?;
            }
        }
        if self.layout.split_segments {
            let mut put =
                tx.prepare_cached("INSERT OR REPLACE INTO segments(host, start, data) VALUES (?1, ?2, ?3)")?;
            let mut delete = tx.prepare_cached("DELETE FROM segments WHERE host = ?1 AND start = ?2")?;
            for (key, data) in batch.puts.iter().filter(|(key, _)| in_segments(key)) {
                put.execute(params![key.host, key.start as i64, data])?;
            }
            for key in batch.deletes.iter().filter(|key| in_segments(key)) {
                delete.execute(params![key.host, key.start as i64])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn read_range(&self, host: &str, tier: u8, starts: Range<u64>) -> Result<Vec<(u64, Vec<u8>)>> {
        // Starts are ms since the epoch: far below i64::MAX, so the clamp only bounds an open range.
        let (low, high) = (starts.start.min(i64::MAX as u64) as i64, starts.end.min(i64::MAX as u64) as i64);
        let row = |row: &rusqlite::Row<'_>| Ok((row.get::<_, i64>(0)? as u64, row.get(1)?));
        if self.in_segments(tier) {
            let mut select = self.conn.prepare_cached(
                "SELECT start, data FROM segments WHERE host = ?1 AND start >= ?2 AND start < ?3 ORDER BY start",
            )?;
            let rows = select.query_map(params![host, low, high], row)?;
            return Ok(rows.collect::<rusqlite::Result<_>>()?);
        }
        let mut select = self.conn.prepare_cached(
            "SELECT start, data FROM chunks WHERE host = ?1 AND tier = ?2 AND start >= ?3 AND start < ?4 ORDER BY start",
        )?;
        let rows = select.query_map(params![host, tier, low, high], row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn checkpoint(&mut self) -> Result<()> {
        // TRUNCATE copies the WAL into the database file and empties it.
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        Ok(())
    }

    fn close(self: Box<Self>) -> Result<()> {
        self.conn.close().map_err(|(_, error)| Error::from(error))
    }
}
