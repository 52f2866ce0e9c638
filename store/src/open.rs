//! A host's rows not yet sealed, held in memory about as compactly as a sealed
//! chunk, so a seal encodes its chunk from memory instead of reading the host's
//! segments back from disk. The segments stay on disk until the seal commits:
//! this is a copy for sealing, never the only one.
//!
//! Rows arrive as blocks (what a flush wrote); every [`PIECE_ROWS`] rows the
//! newest are joined into runs that never cross a block edge and encoded as one
//! piece each. Pure: no I/O, table-tested below.

use crate::block::{runs, split_at, Block, Column};
use crate::codec::{decode_block, encode_block, CodecError, Select};
use crate::share::{spans_of, Span};

/// Rows held as plain blocks before they are encoded into a piece: five minutes
/// of a host at 1 Hz (about 60 KB of 25 series as `f64`, a few KB encoded).
pub const PIECE_ROWS: usize = 300;

/// One host's rows not yet sealed, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Open {
    /// Encoded runs, oldest first, each within one block of time.
    pieces: Vec<Piece>,
    /// The newest rows, not encoded yet.
    recent: Vec<Block>,
    /// Rows in `recent`.
    recent_rows: usize,
}

/// An encoded run and the times of its first and last rows.
#[derive(Debug, Clone)]
struct Piece {
    first: i64,
    last: i64,
    bytes: Vec<u8>,
}

impl Open {
    /// Adds rows newer than those held; once [`PIECE_ROWS`] wait, encodes them
    /// into pieces that never cross an edge of `block_ms`.
    /// A block that continues the newest one held (same epoch and series, the
    /// next seq, the same `block_ms` span) is appended to it: a flush brings a
    /// few rows, and a block of its own per flush cost more than its values (25
    /// series' ids and columns, about 1.8 KB of `Column`s, for 5 rows).
    pub fn push(&mut self, block: Block, block_ms: i64) {
        if block.is_empty() {
            return;
        }
        self.recent_rows += block.len();
        match self.recent.last_mut() {
            Some(last) if continues(last, &block, block_ms) => append(last, block),
            _ => self.recent.push(block),
        }
        if self.recent_rows >= PIECE_ROWS {
            self.pack(block_ms);
        }
    }

    /// Every row taken before `before`, decoded, oldest first (the pieces and
    /// blocks as held: join them with [`runs`]).
    pub fn before(&self, before: i64) -> Result<Vec<Block>, CodecError> {
        let mut out = Vec::new();
        for piece in self.pieces.iter().filter(|p| p.first < before) {
            let block = decode_block(&piece.bytes, Select::All)?;
            out.push(if piece.last < before { block } else { split_at(&block, before).0 });
        }
        for block in &self.recent {
            let (old, _) = split_at(block, before);
            if !old.is_empty() {
                out.push(old);
            }
        }
        Ok(out)
    }

    /// The runs of seqs held before `before` (a block edge, which no piece
    /// crosses), read from the pieces' headers without decoding their values.
    pub fn spans_before(&self, before: i64) -> Result<Vec<Span>, CodecError> {
        let mut spans = Vec::new();
        for piece in self.pieces.iter().filter(|p| p.first < before) {
            let block = decode_block(&piece.bytes, Select::Only(&[]))?;
            let (old, _) = split_at(&block, before);
            spans.push(old);
        }
        for block in &self.recent {
            let bare = Block {
                epoch: block.epoch.clone(),
                first_seq: block.first_seq,
                ts: block.ts.clone(),
                columns: Vec::new(),
            };
            let (old, _) = split_at(&bare, before);
            spans.push(old);
        }
        Ok(spans_of(&spans))
    }

    /// Forgets every row taken before `before` (once they are sealed).
    pub fn drop_before(&mut self, before: i64) -> Result<(), CodecError> {
        let mut kept = Vec::with_capacity(self.pieces.len());
        for piece in self.pieces.drain(..) {
            if piece.last < before {
                continue;
            }
            if piece.first >= before {
                kept.push(piece);
                continue;
            }
            let (_, new) = split_at(&decode_block(&piece.bytes, Select::All)?, before);
            kept.push(Piece::of(&new));
        }
        self.pieces = kept;
        self.recent = self.recent.iter().map(|b| split_at(b, before).1).filter(|b| !b.is_empty()).collect();
        self.recent_rows = self.recent.iter().map(Block::len).sum();
        Ok(())
    }

    /// Whether no rows are held.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty() && self.recent.is_empty()
    }

    /// Bytes held on the heap, before the allocator's rounding: the pieces'
    /// encoded bytes and the plain blocks as allocated (their vectors' capacity,
    /// series ids and columns, not only their values), so a cap on it bounds
    /// what the process holds.
    pub fn bytes(&self) -> usize {
        let pieces =
            self.pieces.capacity() * size_of::<Piece>() + self.pieces.iter().map(|p| p.bytes.capacity()).sum::<usize>();
        let recent = self.recent.capacity() * size_of::<Block>() + self.recent.iter().map(heap_bytes).sum::<usize>();
        pieces + recent
    }

    fn pack(&mut self, block_ms: i64) {
        for run in runs(&std::mem::take(&mut self.recent), block_ms) {
            if !run.is_empty() {
                self.pieces.push(Piece::of(&run));
            }
        }
        self.recent_rows = 0;
    }
}

/// Whether `next` continues `last`: the same epoch and series in the same
/// order, the seq after its last, in the same `block_ms` span.
fn continues(last: &Block, next: &Block, block_ms: i64) -> bool {
    let span = |ts: i64| ts.div_euclid(block_ms.max(1));
    let (Some(&first), Some(&newest), Some(&start)) = (next.ts.first(), next.ts.last(), last.ts.first()) else {
        return false;
    };
    last.epoch == next.epoch
        && next.first_seq == last.last_seq() + 1
        && last.ts.last().is_some_and(|&previous| previous < first)
        && span(start) == span(first)
        && span(start) == span(newest)
        && last.columns.len() == next.columns.len()
        && last.columns.iter().zip(&next.columns).all(|(a, b)| a.id == b.id && a.decimals == b.decimals)
}

/// Appends `next`'s rows to `last` (see [`continues`]).
fn append(last: &mut Block, next: Block) {
    last.ts.extend_from_slice(&next.ts);
    for (column, more) in last.columns.iter_mut().zip(next.columns) {
        column.values.extend_from_slice(&more.values);
    }
}

/// What a plain block holds on the heap, beside its own struct.
fn heap_bytes(block: &Block) -> usize {
    let columns: usize = block.columns.iter().map(|c| c.id.capacity() + c.values.capacity() * 8).sum();
    block.epoch.capacity() + block.ts.capacity() * 8 + block.columns.capacity() * size_of::<Column>() + columns
}

impl Piece {
    fn of(block: &Block) -> Piece {
        Piece {
            first: block.ts.first().copied().unwrap_or(i64::MAX),
            last: block.ts.last().copied().unwrap_or(i64::MIN),
            bytes: encode_block(block),
        }
    }
}

#[cfg(test)]
mod tests;
