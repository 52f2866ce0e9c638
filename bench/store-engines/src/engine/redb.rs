//! redb, a copy-on-write B-tree: one table of the byte keys of `key.rs`, every write
//! transaction committed with redb's default durability (fsync before `commit` returns).

use std::ops::Range;
use std::path::Path;

use ::redb::{Database, ReadableDatabase, TableDefinition};

use super::{Batch, Engine};
use crate::error::Result;
use crate::key;

/// The redb version this file is written against (as in Cargo.toml).
pub const CRATE_VERSION: &str = "5.0";

const CHUNKS: TableDefinition<&[u8], &[u8]> = TableDefinition::new("chunks");

/// A store in `DIR/chunks.redb`.
pub struct Redb {
    db: Database,
}

impl Redb {
    /// Opens or creates the store, and its table.
    pub fn open(dir: &Path) -> Result<Redb> {
        Ok(open(dir)?)
    }
}

fn open(dir: &Path) -> std::result::Result<Redb, ::redb::Error> {
    let db = Database::create(dir.join("chunks.redb"))?;
    let tx = db.begin_write()?;
    tx.open_table(CHUNKS)?;
    tx.commit()?;
    Ok(Redb { db })
}

fn write(db: &Database, batch: &Batch<'_>) -> std::result::Result<(), ::redb::Error> {
    let tx = db.begin_write()?;
    {
        let mut table = tx.open_table(CHUNKS)?;
        for (chunk, data) in &batch.puts {
            table.insert(key::encode(chunk.host, chunk.tier, chunk.start).as_slice(), data.as_slice())?;
        }
        for chunk in &batch.deletes {
            table.remove(key::encode(chunk.host, chunk.tier, chunk.start).as_slice())?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn read_range(db: &Database, low: &[u8], high: &[u8]) -> std::result::Result<Vec<(u64, Vec<u8>)>, ::redb::Error> {
    use ::redb::ReadableTable;
    let tx = db.begin_read()?;
    let table = tx.open_table(CHUNKS)?;
    let mut out = Vec::new();
    for entry in table.range(low..high)? {
        let (key, value) = entry?;
        out.push((key::start_of(key.value()), value.value().to_vec()));
    }
    Ok(out)
}

impl Engine for Redb {
    fn write(&mut self, batch: &Batch<'_>) -> Result<()> {
        Ok(write(&self.db, batch)?)
    }

    fn read_range(&self, host: &str, tier: u8, starts: Range<u64>) -> Result<Vec<(u64, Vec<u8>)>> {
        let (low, high) = (key::encode(host, tier, starts.start), key::encode(host, tier, starts.end));
        Ok(read_range(&self.db, &low, &high)?)
    }

    fn checkpoint(&mut self) -> Result<()> {
        // Every commit is already in the file, durably: there is no log to fold in.
        Ok(())
    }

    fn close(self: Box<Self>) -> Result<()> {
        self.db.close().map_err(::redb::Error::from)?;
        Ok(())
    }
}
