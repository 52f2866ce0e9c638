//! The benchmark's errors: bad arguments, files and processes, each engine's own errors,
//! and a stored chunk that is not what was written.

use std::io;

/// Anything that stops the benchmark.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line argument is missing, unknown or malformed.
    #[error("bad argument: {0}")]
    Args(String),
    /// A file, directory or child-process operation failed.
    #[error("i/o: {0}")]
    Io(#[from] io::Error),
    /// SQLite refused an operation.
    #[cfg(feature = "sqlite")]
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// fjall refused an operation.
    #[cfg(feature = "fjall")]
    #[error("fjall: {0}")]
    Fjall(#[from] fjall::Error),
    /// redb refused an operation.
    #[cfg(feature = "redb")]
    #[error("redb: {0}")]
    Redb(#[from] redb::Error),
    /// A read returned something other than what the workload wrote.
    #[error("check failed: {0}")]
    Check(String),
}

/// Shorthand for results in this crate.
pub type Result<T> = std::result::Result<T, Error>;
