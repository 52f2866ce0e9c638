//! Blocks and rollups to bytes and back: each numeric column is quantised to its
//! stated decimals and compressed with `pco` (which finds deltas, common factors
//! and the distribution itself), timestamps too. A chunk starts with a magic and
//! a version, so a foreign or newer chunk is refused, never misread.
//!
//! Pure: no I/O, table-tested below.

mod bytes;
mod numbers;
mod sealed;

use crate::block::{Block, Column, Rollup, RollupColumn};
use bytes::{Reader, Writer};
use numbers::{decode_ints, decode_values, encode_ints, encode_values};
pub use sealed::{decode_sealed, encode_sealed};

/// The first bytes of every chunk.
const MAGIC: &[u8; 3] = b"PSC";
/// The chunk format this code writes and reads.
pub const FORMAT: u8 = 1;
/// The most rows or columns a chunk may claim (a corrupt length cannot make a
/// reader allocate beyond this).
const MAX_COUNT: usize = 1 << 24;

const KIND_BLOCK: u8 = 0;
const KIND_ROLLUP: u8 = 1;

/// Why bytes could not be read back as a chunk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The bytes end before the chunk does.
    #[error("the chunk is truncated")]
    Truncated,
    /// The bytes do not start like a Pulse chunk.
    #[error("not a Pulse chunk")]
    Foreign,
    /// A newer Pulse wrote it.
    #[error("the chunk has format {0}, newer than this Pulse reads ({FORMAT})")]
    Newer(u8),
    /// A field holds something impossible.
    #[error("the chunk is malformed: {0}")]
    Malformed(&'static str),
    /// The numeric codec refused a column.
    #[error("a column did not decompress: {0}")]
    Numbers(String),
}

/// Which columns a reader wants decoded (the others are skipped unread).
#[derive(Debug, Clone, Copy)]
pub enum Select<'a> {
    /// Every column.
    All,
    /// Only these series.
    Only(&'a [String]),
}

impl Select<'_> {
    fn wants(&self, id: &str) -> bool {
        match self {
            Select::All => true,
            Select::Only(ids) => ids.iter().any(|want| want == id),
        }
    }
}

/// A block as bytes.
pub fn encode_block(block: &Block) -> Vec<u8> {
    let mut w = header(KIND_BLOCK);
    w.text(&block.epoch);
    w.varint(block.first_seq);
    w.varint(block.ts.len() as u64);
    w.blob(&encode_ints(&block.ts));
    w.varint(block.columns.len() as u64);
    for column in &block.columns {
        w.text(&column.id);
        encode_values(&mut w, &column.values, column.decimals);
    }
    w.bytes
}

/// A block back from bytes, with the selected columns.
pub fn decode_block(bytes: &[u8], select: Select<'_>) -> Result<Block, CodecError> {
    let mut r = open(bytes, KIND_BLOCK)?;
    let epoch = r.text()?;
    let first_seq = r.varint()?;
    let rows = r.count(MAX_COUNT)?;
    let ts = decode_ints(r.blob()?, rows)?;
    let count = r.count(MAX_COUNT)?;
    let mut columns = Vec::new();
    for _ in 0..count {
        let id = r.text()?;
        let wanted = select.wants(&id);
        let (values, decimals) = decode_values(&mut r, rows, wanted)?;
        if wanted {
            columns.push(Column { id, decimals, values });
        }
    }
    Ok(Block { epoch, first_seq, ts, columns })
}

/// A rollup as bytes.
pub fn encode_rollup(rollup: &Rollup) -> Vec<u8> {
    let mut w = header(KIND_ROLLUP);
    w.signed(rollup.step_ms);
    w.varint(rollup.ts.len() as u64);
    w.blob(&encode_ints(&rollup.ts));
    w.varint(rollup.columns.len() as u64);
    for column in &rollup.columns {
        w.text(&column.id);
        let counts: Vec<i64> = column.count.iter().map(|&c| i64::from(c)).collect();
        w.blob(&encode_ints(&counts));
        for stat in [&column.min, &column.max, &column.avg] {
            encode_values(&mut w, stat, column.decimals);
        }
    }
    w.bytes
}

/// A rollup back from bytes, with the selected columns.
pub fn decode_rollup(bytes: &[u8], select: Select<'_>) -> Result<Rollup, CodecError> {
    let mut r = open(bytes, KIND_ROLLUP)?;
    let step_ms = r.signed()?;
    let rows = r.count(MAX_COUNT)?;
    let ts = decode_ints(r.blob()?, rows)?;
    let count = r.count(MAX_COUNT)?;
    let mut columns = Vec::new();
    for _ in 0..count {
        let id = r.text()?;
        let wanted = select.wants(&id);
        let counts = r.blob()?;
        let (min, decimals) = decode_values(&mut r, rows, wanted)?;
        let (max, _) = decode_values(&mut r, rows, wanted)?;
        let (avg, _) = decode_values(&mut r, rows, wanted)?;
        if wanted {
            let count =
                decode_ints(counts, rows)?.into_iter().map(|c| c.clamp(0, i64::from(u32::MAX)) as u32).collect();
            columns.push(RollupColumn { id, decimals, min, max, avg, count });
        }
    }
    Ok(Rollup { step_ms, ts, columns })
}

fn header(kind: u8) -> Writer {
    let mut w = Writer::default();
    w.bytes.extend_from_slice(MAGIC);
    w.byte(FORMAT);
    w.byte(kind);
    w
}

fn open(bytes: &[u8], kind: u8) -> Result<Reader<'_>, CodecError> {
    if bytes.len() < MAGIC.len() + 2 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(CodecError::Foreign);
    }
    let mut r = Reader::new(&bytes[MAGIC.len()..]);
    let format = r.byte()?;
    if format > FORMAT {
        return Err(CodecError::Newer(format));
    }
    if r.byte()? != kind {
        return Err(CodecError::Malformed("a chunk of another kind"));
    }
    Ok(r)
}

#[cfg(test)]
mod tests;
