//! A host's rows not yet sealed, held in memory about as compactly as a sealed
//! chunk, so a seal encodes its chunk from memory instead of reading the host's
//! segments back from disk. The segments stay on disk until the seal commits:
//! this is a copy for sealing, never the only one.
//!
//! Rows arrive as blocks (what a flush wrote); every [`PIECE_ROWS`] rows the
//! newest are joined into runs that never cross a block edge and encoded as one
//! piece each. Pure: no I/O, table-tested below.

use crate::block::{runs, split_at, Block};
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
    pub fn push(&mut self, block: Block, block_ms: i64) {
        if block.is_empty() {
            return;
        }
        self.recent_rows += block.len();
        self.recent.push(block);
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

    /// Bytes held, roughly: the pieces' encoded bytes and the plain rows' values.
    pub fn bytes(&self) -> usize {
        let recent: usize = self.recent.iter().map(|b| b.len() * (1 + b.columns.len()) * 8).sum();
        self.pieces.iter().map(|p| p.bytes.len()).sum::<usize>() + recent
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
