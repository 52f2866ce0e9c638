//! A sealed hour as one hub hands it to the others (with `--redis`): what a seal
//! wrote for one host (its raw chunks, and for each rollup tier the chunk before
//! and after the merge and the hour's own buckets), so a hub that holds the same
//! samples writes those bytes instead of encoding and rolling up the hour again.
//!
//! Pure: the data, which rows it covers ([`covers`]), whether the rows it has
//! and a hub lacks can still arrive there ([`settled`]), a block's rows a chunk
//! does not hold yet ([`unheld`]) and a digest of chunk bytes.
//! The codec writes it as bytes (`codec::encode_sealed`); `engine` adopts it.

use crate::block::{Block, Column};

/// What one seal of a host wrote, as another hub can adopt it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SealedHour {
    /// The block edge sealed to: every row before it that the sealing hub held.
    pub before: i64,
    /// The rows sealed, as runs of consecutive seqs.
    pub spans: Vec<Span>,
    /// The raw chunks written.
    pub raw: Vec<RawChunk>,
    /// The rollup tiers' chunks written.
    pub tiers: Vec<TierChunk>,
}

/// A run of consecutive seqs of one epoch, `first..=last`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// The epoch the seqs count in.
    pub epoch: String,
    /// The first seq.
    pub first: u64,
    /// The last seq.
    pub last: u64,
}

/// A raw chunk as written: `(host, 0, start)`'s row.
#[derive(Debug, Clone, PartialEq)]
pub struct RawChunk {
    /// Its first sample's time.
    pub start: i64,
    /// Its last sample's time.
    pub end: i64,
    /// Its bytes (`codec::encode_block`).
    pub data: Vec<u8>,
}

/// One rollup tier's chunk as a seal merged it.
#[derive(Debug, Clone, PartialEq)]
pub struct TierChunk {
    /// The tier (`tier::MINUTES` or `tier::HOURS`).
    pub tier: u8,
    /// The chunk's start (its key with host and tier).
    pub start: i64,
    /// [`digest`] of the chunk's bytes before the merge (`None`: there was none).
    pub before: Option<u64>,
    /// The chunk's bytes after the merge: written as they are by a hub whose own
    /// chunk has the `before` digest.
    pub after: Vec<u8>,
    /// The seal's own buckets of this chunk (`codec::encode_rollup`), merged into
    /// a hub's own chunk when that differs.
    pub fresh: Vec<u8>,
}

/// The runs of consecutive seqs `blocks` hold, joined and sorted.
pub fn spans_of(blocks: &[Block]) -> Vec<Span> {
    joined(
        blocks
            .iter()
            .filter(|b| !b.is_empty())
            .map(|b| Span { epoch: b.epoch.clone(), first: b.first_seq, last: b.last_seq() })
            .collect(),
    )
}

/// `spans` sorted, with overlapping or adjacent runs of one epoch joined.
pub fn joined(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if last.epoch == span.epoch && span.first <= last.last.saturating_add(1) => {
                last.last = last.last.max(span.last);
            }
            _ => out.push(span),
        }
    }
    out
}

/// Whether every row of `mine` is in `theirs` (same epoch, seq inside a run): a
/// hub may then replace its rows by theirs and lose nothing.
pub fn covers(theirs: &[Span], mine: &[Span]) -> bool {
    let theirs = joined(theirs.to_vec());
    mine.iter().all(|m| theirs.iter().any(|t| t.epoch == m.epoch && t.first <= m.first && m.last <= t.last))
}

/// Whether every row of `theirs` that `mine` lacks can no longer arrive here: it
/// is at or below `newest` (this hub's newest stored epoch and seq), a hole
/// here rather than a row still on its way, or of an epoch this hub holds rows
/// of and has moved past. A hub that adopted rows still on their way would seal
/// them again when they arrive.
pub fn settled(theirs: &[Span], mine: &[Span], newest: Option<(&str, u64)>) -> bool {
    joined(theirs.to_vec()).into_iter().all(|t| {
        let tail = match newest {
            Some((epoch, seq)) if epoch == t.epoch => Span { first: t.first.max(seq.saturating_add(1)), ..t },
            Some(_) if mine.iter().any(|m| m.epoch == t.epoch) => return true,
            _ => t,
        };
        tail.first > tail.last || covers(mine, std::slice::from_ref(&tail))
    })
}

/// The rows of `block` whose seqs `held` lacks, as blocks of consecutive rows.
pub fn unheld(block: &Block, held: &[Span]) -> Vec<Block> {
    let kept: Vec<bool> = (0..block.len())
        .map(|row| {
            let seq = block.first_seq + row as u64;
            !held.iter().any(|h| h.epoch == block.epoch && h.first <= seq && seq <= h.last)
        })
        .collect();
    let mut out = Vec::new();
    let mut row = 0;
    while row < kept.len() {
        if !kept[row] {
            row += 1;
            continue;
        }
        let end = kept[row..].iter().position(|k| !k).map_or(kept.len(), |n| row + n);
        out.push(Block {
            epoch: block.epoch.clone(),
            first_seq: block.first_seq + row as u64,
            ts: block.ts[row..end].to_vec(),
            columns: block
                .columns
                .iter()
                .map(|c| Column { id: c.id.clone(), decimals: c.decimals, values: c.values[row..end].to_vec() })
                .collect(),
        });
        row = end;
    }
    out
}

/// A 64-bit FNV-1a digest of chunk bytes: whether two hubs' chunks are the same.
pub fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests;
