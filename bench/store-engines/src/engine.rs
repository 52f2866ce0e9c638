//! The one interface the workload sees: an engine that stores blobs keyed by
//! (host, tier, start ms), writes a batch of puts and deletes in one transaction, and
//! reads one host's chunks of one tier by start. One file per engine under `engine/`;
//! each is a cargo feature so the build cost of each can be measured alone (a build with
//! none is the baseline of that measurement, and refuses to run).

#[cfg(feature = "fjall")]
mod fjall;
#[cfg(feature = "redb")]
mod redb;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::ops::Range;
use std::path::Path;

use crate::error::Result;
#[cfg(feature = "sqlite")]
use sqlite::Layout;

/// One chunk's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkKey<'a> {
    /// The host's id.
    pub host: &'a str,
    /// The store tier: 0 for 5 s segments, 1 for one-minute blocks.
    pub tier: u8,
    /// The chunk's first sample time, in ms.
    pub start: u64,
}

/// Puts and deletes committed together, in one transaction.
#[derive(Debug, Default)]
pub struct Batch<'a> {
    /// Chunks written (a put replaces a chunk with the same key).
    pub puts: Vec<(ChunkKey<'a>, Vec<u8>)>,
    /// Chunks deleted.
    pub deletes: Vec<ChunkKey<'a>>,
}

/// An embedded store of blobs.
///
/// One `write` takes puts and deletes at once, rather than a `put_batch` and a
/// `delete_batch`, because a compaction must write its block and delete its segments
/// atomically: a crash between the two would leave a minute stored twice.
pub trait Engine {
    /// Commits every put and delete of `batch` in one transaction, as durable as
    /// [`Kind::durability`] says once this returns.
    fn write(&mut self, batch: &Batch<'_>) -> Result<()>;

    /// Every chunk of `host` in `tier` whose start is in `starts`, oldest first.
    fn read_range(&self, host: &str, tier: u8, starts: Range<u64>) -> Result<Vec<(u64, Vec<u8>)>>;

    /// Brings the files to rest (SQLite's WAL checkpoint, fjall's memtable flush) so that
    /// their size is the store's size, not a log's.
    fn checkpoint(&mut self) -> Result<()>;

    /// Closes the store, waiting for its background work.
    fn close(self: Box<Self>) -> Result<()>;
}

/// The engines compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// SQLite through rusqlite (bundled), WAL, `synchronous=NORMAL`, a `WITHOUT ROWID` table.
    #[cfg(feature = "sqlite")]
    Sqlite,
    /// The same with 8 KiB pages, so a one-minute block fits in its B-tree cell.
    #[cfg(feature = "sqlite")]
    Sqlite8k,
    /// 8 KiB pages, and the segments in a table of their own in arrival order.
    #[cfg(feature = "sqlite")]
    SqliteSplit,
    /// fjall, an LSM tree, one keyspace, batches persisted to the OS's buffers.
    #[cfg(feature = "fjall")]
    Fjall,
    /// redb, a copy-on-write B-tree, default durability.
    #[cfg(feature = "redb")]
    Redb,
}

// With no engine built in (the build-cost baseline) every match below is empty.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "fjall", feature = "redb")),
    allow(unreachable_code, unused_variables)
)]
impl Kind {
    /// Every engine built into this binary, in report order.
    pub const ALL: &'static [Kind] = &[
        #[cfg(feature = "sqlite")]
        Kind::Sqlite,
        #[cfg(feature = "sqlite")]
        Kind::Sqlite8k,
        #[cfg(feature = "sqlite")]
        Kind::SqliteSplit,
        #[cfg(feature = "fjall")]
        Kind::Fjall,
        #[cfg(feature = "redb")]
        Kind::Redb,
    ];

    /// The engine's name on the command line and in the report.
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Kind::Sqlite => "sqlite",
            #[cfg(feature = "sqlite")]
            Kind::Sqlite8k => "sqlite-8k",
            #[cfg(feature = "sqlite")]
            Kind::SqliteSplit => "sqlite-split",
            #[cfg(feature = "fjall")]
            Kind::Fjall => "fjall",
            #[cfg(feature = "redb")]
            Kind::Redb => "redb",
        }
    }

    /// The engine named `name`, if it is built in.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|kind| kind.name() == name)
    }

    /// The crate and its version (and SQLite's own).
    pub fn version(self) -> String {
        match self {
            #[cfg(feature = "sqlite")]
            Kind::Sqlite | Kind::Sqlite8k | Kind::SqliteSplit => {
                format!("rusqlite {} (SQLite {})", sqlite::CRATE_VERSION, rusqlite::version())
            }
            #[cfg(feature = "fjall")]
            Kind::Fjall => format!("fjall {}", fjall::CRATE_VERSION),
            #[cfg(feature = "redb")]
            Kind::Redb => format!("redb {}", redb::CRATE_VERSION),
        }
    }

    /// What a committed write survives.
    pub fn durability(self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Kind::Sqlite | Kind::Sqlite8k | Kind::SqliteSplit => "process kill (WAL, `synchronous=NORMAL`: no fsync per commit; a power loss may drop the last commits, never corrupts)",
            #[cfg(feature = "fjall")]
            Kind::Fjall => "process kill (`PersistMode::Buffer`: journal written to the OS per batch, no fsync; a power loss may drop the last batches)",
            #[cfg(feature = "redb")]
            Kind::Redb => "power loss (`Durability::Immediate`, the default: fsync per commit)",
        }
    }

    /// Opens (creating if needed) this engine's store in `dir`.
    pub fn open(self, dir: &Path) -> Result<Box<dyn Engine>> {
        Ok(match self {
            #[cfg(feature = "sqlite")]
            Kind::Sqlite => Box::new(sqlite::Sqlite::open(dir, Layout { page_size: None, split_segments: false })?),
            #[cfg(feature = "sqlite")]
            Kind::Sqlite8k => {
                Box::new(sqlite::Sqlite::open(dir, Layout { page_size: Some(8_192), split_segments: false })?)
            }
            #[cfg(feature = "sqlite")]
            Kind::SqliteSplit => {
                Box::new(sqlite::Sqlite::open(dir, Layout { page_size: Some(8_192), split_segments: true })?)
            }
            #[cfg(feature = "fjall")]
            Kind::Fjall => Box::new(fjall::Fjall::open(dir)?),
            #[cfg(feature = "redb")]
            Kind::Redb => Box::new(redb::Redb::open(dir)?),
        })
    }
}
