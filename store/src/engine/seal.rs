//! Sealing: a host's rows before a block edge become sealed raw chunks (one
//! block of time each), and their minute and hour rollups are merged into those
//! tiers' chunks, all in one transaction with the segments' deletion. The rows
//! come from memory ([`Store::seal_rows`], what the hub wrote since its last
//! seal) or, when memory does not hold them all (after a restart), from the
//! segments themselves ([`Store::seal`]). A seal can also say what it wrote
//! ([`Store::seal_rows_shared`], [`Store::seal_shared`]), for another hub to adopt
//! ([`Store::adopt`], `adopt`).

mod adopt;

pub use adopt::Adopted;

use rusqlite::{params, OptionalExtension, Transaction};

use super::{Store, StoreError};
use crate::block::{runs, split_at, Block, Rollup, RollupColumn};
use crate::codec::{decode_block, decode_rollup, encode_block, encode_rollup, Select};
use crate::rollup;
use crate::share::{digest, spans_of, unheld, RawChunk, SealedHour, Span, TierChunk};
use crate::tier::{Tier, Tiers, HOURS, MINUTES, RAW};

impl Store {
    /// Seals `host`'s segments before `before`: sealed raw chunks of one block
    /// each, and their rollups merged into the minute and hour tiers. Returns how
    /// many samples were sealed.
    pub fn seal(&mut self, host: &str, before: i64) -> Result<usize, StoreError> {
        Ok(self.seal_segments(host, before, false)?.0)
    }

    /// As [`Store::seal`], saying what was written, for other hubs to adopt.
    pub fn seal_shared(&mut self, host: &str, before: i64) -> Result<SealedHour, StoreError> {
        Ok(self.seal_segments(host, before, true)?.1.unwrap_or_else(|| SealedHour { before, ..SealedHour::default() }))
    }

    fn seal_segments(
        &mut self,
        host: &str,
        before: i64,
        share: bool,
    ) -> Result<(usize, Option<SealedHour>), StoreError> {
        let tiers = self.tiers;
        let tx = self.conn.transaction()?;
        let segments: Vec<(i64, Vec<u8>)> = {
            let mut query =
                tx.prepare_cached("SELECT rowid, data FROM segments WHERE host = ?1 AND start < ?2 ORDER BY start")?;
            let rows = query.query_map(params![host, before], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        if segments.is_empty() {
            return Ok((0, None));
        }
        let mut sealed = Vec::new();
        let mut rest = Vec::new();
        for (_, data) in &segments {
            let (old, new) = split_at(&decode_block(data, Select::All)?, before);
            sealed.push(old);
            if !new.is_empty() {
                rest.push(new);
            }
        }
        let sealed = not_held(&tx, host, runs(&sealed, tiers.0[RAW].block_ms))?;
        let count = sealed.iter().map(Block::len).sum();
        {
            let mut drop = tx.prepare_cached("DELETE FROM segments WHERE rowid = ?1")?;
            for (rowid, _) in &segments {
                drop.execute([rowid])?;
            }
            let mut keep = tx.prepare_cached("INSERT INTO segments VALUES (?1, ?2, ?3, ?4)")?;
            for block in rest.iter().filter(|b| !b.is_empty()) {
                keep.execute(params![host, block.ts[0], block.ts[block.len() - 1], encode_block(block)])?;
            }
        }
        let shared = put_sealed(&tx, &tiers, host, &sealed, share)?;
        tx.commit()?;
        Ok((count, shared.map(|(raw, parts)| SealedHour { before, spans: spans_of(&sealed), raw, tiers: parts })))
    }

    /// Seals `rows`, every row of `host` taken before `before` that is not sealed
    /// yet, as memory holds them (oldest first; replays are dropped), and deletes
    /// the host's segments that end before `before`, without reading them back.
    /// A segment that straddles `before` (only an older hub wrote those) is kept
    /// and read as it is until [`Store::seal`] takes it. Returns how many
    /// samples were sealed.
    pub fn seal_rows(&mut self, host: &str, before: i64, rows: &[Block]) -> Result<usize, StoreError> {
        Ok(self.seal_held(host, before, rows, false)?.0)
    }

    /// As [`Store::seal_rows`], saying what was written, for other hubs to adopt.
    pub fn seal_rows_shared(&mut self, host: &str, before: i64, rows: &[Block]) -> Result<SealedHour, StoreError> {
        Ok(self
            .seal_held(host, before, rows, true)?
            .1
            .unwrap_or_else(|| SealedHour { before, ..SealedHour::default() }))
    }

    fn seal_held(
        &mut self,
        host: &str,
        before: i64,
        rows: &[Block],
        share: bool,
    ) -> Result<(usize, Option<SealedHour>), StoreError> {
        let tiers = self.tiers;
        let tx = self.conn.transaction()?;
        let sealed = not_held(&tx, host, runs(rows, tiers.0[RAW].block_ms))?;
        let count = sealed.iter().map(Block::len).sum();
        tx.prepare_cached("DELETE FROM segments WHERE host = ?1 AND start < ?2 AND end < ?2")?
            .execute(params![host, before])?;
        let shared = put_sealed(&tx, &tiers, host, &sealed, share)?;
        tx.commit()?;
        Ok((count, shared.map(|(raw, parts)| SealedHour { before, spans: spans_of(&sealed), raw, tiers: parts })))
    }
}

/// The rows of `sealed` (runs) that no raw chunk of `host` holds yet: a row that
/// arrives late, for an hour already sealed or adopted here that holds it (the
/// owner's seal had it first), is not sealed, nor counted in a rollup, twice.
fn not_held(tx: &Transaction<'_>, host: &str, sealed: Vec<Block>) -> Result<Vec<Block>, StoreError> {
    let (Some(from), Some(to)) = (
        sealed.iter().filter_map(|b| b.ts.first()).min().copied(),
        sealed.iter().filter_map(|b| b.ts.last()).max().copied(),
    ) else {
        return Ok(sealed);
    };
    let held: Vec<Span> = {
        let mut query =
            tx.prepare_cached("SELECT data FROM chunks WHERE host = ?1 AND tier = 0 AND start <= ?3 AND end >= ?2")?;
        let rows = query.query_map(params![host, from, to], |r| r.get::<_, Vec<u8>>(0))?;
        let mut held = Vec::new();
        for data in rows {
            held.push(spans_of(&[decode_block(&data?, Select::Only(&[]))?]));
        }
        held.concat()
    };
    if held.is_empty() {
        return Ok(sealed);
    }
    Ok(sealed.iter().flat_map(|b| unheld(b, &held)).collect())
}

/// What a seal wrote, when asked: the raw chunks, and each rollup tier's chunk.
type Written = Option<(Vec<RawChunk>, Vec<TierChunk>)>;

/// Writes `sealed` (runs of one block each) as raw chunks, and merges their
/// rollups into the minute and hour tiers' chunks; with `share`, returns what it
/// wrote.
fn put_sealed(
    tx: &Transaction<'_>,
    tiers: &Tiers,
    host: &str,
    sealed: &[Block],
    share: bool,
) -> Result<Written, StoreError> {
    let mut raw = Vec::new();
    let mut parts = Vec::new();
    // An upsert, not INSERT OR REPLACE: a replace deletes without firing the
    // delete trigger, and the tier's byte count would only ever grow.
    let mut put = tx.prepare_cached(
        "INSERT INTO chunks VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(host, tier, start) DO UPDATE SET end = excluded.end, data = excluded.data",
    )?;
    for block in sealed.iter().filter(|b| !b.is_empty()) {
        let (start, end, data) = (block.ts[0], block.ts[block.len() - 1], encode_block(block));
        put.execute(params![host, 0, start, end, data])?;
        if share {
            raw.push(RawChunk { start, end, data });
        }
    }
    for (tier, of) in [(MINUTES, &tiers.0[MINUTES]), (HOURS, &tiers.0[HOURS])] {
        let fresh =
            rollup::merge_all(&sealed.iter().map(|b| rollup::of_block(b, of.step_ms)).collect::<Vec<_>>(), of.step_ms);
        for (start, part) in by_block(&fresh, of) {
            let old: Option<Vec<u8>> = tx
                .query_row(
                    "SELECT data FROM chunks WHERE host = ?1 AND tier = ?2 AND start = ?3",
                    params![host, tier as i64, start],
                    |r| r.get(0),
                )
                .optional()?;
            let fresh = share.then(|| encode_rollup(&part));
            let before = old.as_deref().map(digest);
            let merged = match old {
                Some(bytes) => rollup::merge_all(&[decode_rollup(&bytes, Select::All)?, part], of.step_ms),
                None => part,
            };
            let end = merged.ts.last().map_or(start, |&t| t + of.step_ms - 1);
            let after = encode_rollup(&merged);
            put.execute(params![host, tier as i64, start, end, after])?;
            if let Some(fresh) = fresh {
                parts.push(TierChunk { tier: tier as u8, start, before, after, fresh });
            }
        }
    }
    Ok(share.then_some((raw, parts)))
}

/// A rollup cut into the chunks of `tier` its buckets fall in.
fn by_block(rollup: &Rollup, tier: &Tier) -> Vec<(i64, Rollup)> {
    let mut out: Vec<(i64, Rollup)> = Vec::new();
    for (row, &ts) in rollup.ts.iter().enumerate() {
        let start = ts.div_euclid(tier.block_ms) * tier.block_ms;
        if out.last().is_none_or(|(s, _)| *s != start) {
            let columns = rollup
                .columns
                .iter()
                .map(|c| RollupColumn {
                    id: c.id.clone(),
                    decimals: c.decimals,
                    min: Vec::new(),
                    max: Vec::new(),
                    avg: Vec::new(),
                    count: Vec::new(),
                })
                .collect();
            out.push((start, Rollup { step_ms: rollup.step_ms, ts: Vec::new(), columns }));
        }
        if let Some((_, part)) = out.last_mut() {
            part.ts.push(ts);
            for (to, from) in part.columns.iter_mut().zip(&rollup.columns) {
                to.min.push(from.min[row]);
                to.max.push(from.max[row]);
                to.avg.push(from.avg[row]);
                to.count.push(from.count[row]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
