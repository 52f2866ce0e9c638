//! The SQLite schema, and the checks that refuse a file Pulse did not write or a
//! newer Pulse did.

use rusqlite::Connection;

use super::StoreError;

/// `PRAGMA application_id` of a Pulse store ("PULS").
pub const APPLICATION_ID: i64 = 0x5055_4C53;
/// `PRAGMA user_version`: the schema this code writes and reads.
pub const SCHEMA: i64 = 1;

const CREATE: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hosts(
    id TEXT PRIMARY KEY, name TEXT NOT NULL, tags TEXT NOT NULL, local INTEGER NOT NULL,
    epoch TEXT NOT NULL, newest_seq INTEGER NOT NULL, newest_ts INTEGER NOT NULL,
    catalog TEXT NOT NULL) WITHOUT ROWID;
-- Sealed chunks of every tier, and the raw tier's segments (sealed = 0): each a
-- compressed run of one host's samples or a rollup.
CREATE TABLE IF NOT EXISTS chunks(
    host TEXT NOT NULL, tier INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    sealed INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(host, tier, start)) WITHOUT ROWID;
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
    Ok(())
}
