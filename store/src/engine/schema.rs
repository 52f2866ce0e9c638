//! The SQLite schema, and the checks that refuse a file Pulse did not write or a
//! newer Pulse did.

use rusqlite::Connection;

use super::StoreError;

/// `PRAGMA application_id` of a Pulse store ("PULS").
pub const APPLICATION_ID: i64 = 0x5055_4C53;
/// `PRAGMA user_version`: the schema this code writes and reads. 2: catalogues
/// in a table of their own (1 kept them in `hosts`; a 1 is moved over on open).
pub const SCHEMA: i64 = 2;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- Every host's newest stored sample, rewritten by every flush: its rows stay
-- small (its `catalog` is '' since schema 2), so a flush of a hundred hosts
-- dirties a page per some eighty hosts rather than one a host (a catalogue is 2-3 KB).
CREATE TABLE IF NOT EXISTS hosts(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, tags TEXT NOT NULL, local INTEGER NOT NULL,
    epoch TEXT NOT NULL, newest_seq INTEGER NOT NULL, newest_ts INTEGER NOT NULL,
    catalog TEXT NOT NULL) WITHOUT ROWID;
-- Each host's series catalogue, written only when it changes.
CREATE TABLE IF NOT EXISTS catalogs(host TEXT PRIMARY KEY, catalog TEXT NOT NULL) WITHOUT ROWID;
-- Sealed chunks of every tier: each a compressed run of one host's samples (one
-- block of time at most) or a rollup, in host order.
CREATE TABLE IF NOT EXISTS chunks(
    host TEXT NOT NULL, tier INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    data BLOB NOT NULL, PRIMARY KEY(host, tier, start)) WITHOUT ROWID;
-- The raw tier's newest samples, a few seconds per segment, in arrival order: a
-- flush appends to the table's end instead of touching a page per host
-- (bench/store-engines measured 79x the bytes ingested written the other way).
CREATE TABLE IF NOT EXISTS segments(
    host TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS segments_by_host ON segments(host, start);
CREATE INDEX IF NOT EXISTS chunks_by_age ON chunks(tier, end);
-- Bytes per tier, kept by triggers so that caps never need a scan.
CREATE TABLE IF NOT EXISTS tier_bytes(tier INTEGER PRIMARY KEY, bytes INTEGER NOT NULL);
INSERT OR IGNORE INTO tier_bytes VALUES (0, 0), (1, 0), (2, 0);
CREATE TRIGGER IF NOT EXISTS chunk_in AFTER INSERT ON chunks BEGIN
    UPDATE tier_bytes SET bytes = bytes + length(NEW.data) WHERE tier = NEW.tier; END;
CREATE TRIGGER IF NOT EXISTS chunk_out AFTER DELETE ON chunks BEGIN
    UPDATE tier_bytes SET bytes = bytes - length(OLD.data) WHERE tier = OLD.tier; END;
CREATE TRIGGER IF NOT EXISTS chunk_change AFTER UPDATE OF data ON chunks BEGIN
    UPDATE tier_bytes SET bytes = bytes - length(OLD.data) + length(NEW.data) WHERE tier = NEW.tier; END;
CREATE TRIGGER IF NOT EXISTS segment_in AFTER INSERT ON segments BEGIN
    UPDATE tier_bytes SET bytes = bytes + length(NEW.data) WHERE tier = 0; END;
CREATE TRIGGER IF NOT EXISTS segment_out AFTER DELETE ON segments BEGIN
    UPDATE tier_bytes SET bytes = bytes - length(OLD.data) WHERE tier = 0; END;
";

/// Makes a new file a Pulse store, or checks that an existing one is one this
/// code reads.
pub fn prepare(conn: &Connection) -> Result<(), StoreError> {
    let id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    if id == 0 && version == 0 && tables == 0 {
        conn.execute_batch(&format!(
            "BEGIN; {CREATE} PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA}; COMMIT;"
        ))?;
        return Ok(());
    }
    if id != APPLICATION_ID {
        return Err(StoreError::Foreign);
    }
    if version > SCHEMA {
        return Err(StoreError::Newer { found: version, supported: SCHEMA });
    }
    conn.execute_batch(CREATE)?;
    if version < SCHEMA {
        // Schema 1 kept each catalogue in its host's row: moved to `catalogs`,
        // in one transaction with the version, so a crash leaves either schema.
        conn.execute_batch(&format!(
            "BEGIN;
             INSERT OR REPLACE INTO catalogs SELECT id, catalog FROM hosts WHERE catalog != '';
             UPDATE hosts SET catalog = '' WHERE catalog != '';
             PRAGMA user_version = {SCHEMA};
             COMMIT;"
        ))?;
    }
    Ok(())
}
