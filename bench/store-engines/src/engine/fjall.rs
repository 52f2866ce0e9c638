//! fjall, an LSM tree: one keyspace with the byte keys of `key.rs`. Every batch is
//! written to the journal and handed to the OS (`PersistMode::Buffer`) before `commit`
//! returns, so a killed process loses nothing it was told was committed.

use std::ops::Range;
use std::path::Path;

use ::fjall::{Database, Keyspace, KeyspaceCreateOptions, PersistMode};

use super::{Batch, Engine};
use crate::error::Result;
use crate::key;

/// The fjall version this file is written against (as in Cargo.toml).
pub const CRATE_VERSION: &str = "3.1";

/// A store in `DIR/` (fjall owns the whole directory).
pub struct Fjall {
    db: Database,
    chunks: Keyspace,
}

impl Fjall {
    /// Opens or creates the store.
    pub fn open(dir: &Path) -> Result<Fjall> {
        let db = Database::builder(dir.join("fjall")).open()?;
        let chunks = db.keyspace("chunks", KeyspaceCreateOptions::default)?;
        Ok(Fjall { db, chunks })
    }
}

impl Engine for Fjall {
    fn write(&mut self, batch: &Batch<'_>) -> Result<()> {
        // Buffer is also fjall's default for a batch; said here because the crash check
        // depends on it.
        let mut write = self.db.batch().durability(Some(PersistMode::Buffer));
        for (chunk, data) in &batch.puts {
            write.insert(&self.chunks, key::encode(chunk.host, chunk.tier, chunk.start), data.as_slice());
        }
        for chunk in &batch.deletes {
            write.remove(&self.chunks, key::encode(chunk.host, chunk.tier, chunk.start));
        }
        write.commit()?;
        Ok(())
    }

    fn read_range(&self, host: &str, tier: u8, starts: Range<u64>) -> Result<Vec<(u64, Vec<u8>)>> {
        let (low, high) = (key::encode(host, tier, starts.start), key::encode(host, tier, starts.end));
        let mut out = Vec::new();
        for guard in self.chunks.range(low..high) {
            let (key, value) = guard.into_inner()?;
            out.push((key::start_of(&key), value.to_vec()));
        }
        Ok(out)
    }

    fn checkpoint(&mut self) -> Result<()> {
        self.db.persist(PersistMode::SyncAll)?;
        // Write the memtable out as a table, so that the journal can be dropped.
        self.chunks.rotate_memtable_and_wait()?;
        Ok(())
    }

    fn close(self: Box<Self>) -> Result<()> {
        self.db.persist(PersistMode::SyncAll)?;
        // Dropping the last handle stops fjall's workers and waits for them.
        let Fjall { db, chunks } = *self;
        drop(chunks);
        drop(db);
        Ok(())
    }
}
