//! Pulse's history store: every host's samples on the hub's own disk, kept as
//! compressed column chunks in tiers (every sample, per-minute and per-hour
//! rollups), each with a retention by age and a cap by size.
//!
//! The pure core decides what is kept and how: [`block`] (the data), [`codec`]
//! (bytes), [`rollup`] (min/max/avg/count buckets), [`picture`] (a window at a
//! chart's resolution), [`tier`] (what each tier keeps), [`open`] (a host's rows
//! not sealed yet, held compactly in memory for the seal), [`share`] (a sealed
//! hour as one hub hands it to another). [`engine`] is the one
//! edge that does I/O: SQLite, one file in the data directory.

pub mod block;
pub mod codec;
pub mod engine;
pub mod open;
pub mod picture;
pub mod rollup;
pub mod share;
pub mod tier;

pub use block::{Block, Column, Rollup, RollupColumn};
pub use codec::{CodecError, Select};
pub use engine::{Adopted, Deleted, HostRecord, Store, StoreError};
pub use open::Open;
pub use picture::{Drawn, Picture};
pub use share::SealedHour;
pub use tier::{Tier, Tiers};
