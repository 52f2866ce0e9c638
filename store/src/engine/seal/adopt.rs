//! Adopting a host's hour another hub sealed ([`SealedHour`]): its raw chunks are
//! written as they are, and each rollup tier's merged chunk too when this store's
//! chunk is the one it was merged into (same digest); with none here, the hour's
//! own buckets; otherwise the hour's own buckets are merged into this store's
//! chunk here. All of it in one transaction with the deletion of the
//! host's segments before the edge, and only when the sealed hour holds every row
//! this store has there (a hub's rows are never dropped for fewer) and this store
//! has no raw chunk there yet (rows that came late to an hour sealed or adopted
//! here are sealed here, without the rows its chunk holds).

use rusqlite::{params, OptionalExtension, Transaction};

use super::super::{Store, StoreError};
use crate::codec::{decode_block, decode_rollup, encode_rollup, Select};
use crate::rollup;
use crate::share::{covers, digest, joined, SealedHour, Span, TierChunk};

/// What [`Store::adopt`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adopted {
    /// Written; how many rollup chunks had to be merged here (0: all written as
    /// they came).
    Written {
        /// Rollup chunks merged here because this store's differed.
        merged: usize,
    },
    /// Not written: this store holds rows the sealed hour lacks (or a segment
    /// that crosses the edge, or a raw chunk of that hour already); seal them
    /// here instead.
    Short,
}

impl Store {
    /// Writes `sealed`, host `host`'s rows before `before` as another hub sealed
    /// them, in place of this store's own (its segments before `before` are
    /// deleted), when it holds every one of them. `mine` are the rows this store
    /// holds there, when the caller knows them (from memory); otherwise they are
    /// read from the segments' headers.
    pub fn adopt(
        &mut self,
        host: &str,
        before: i64,
        sealed: &SealedHour,
        mine: Option<&[Span]>,
    ) -> Result<Adopted, StoreError> {
        let tiers = self.tiers;
        let tx = self.conn.transaction()?;
        let mine = match mine {
            Some(mine) => mine.to_vec(),
            None => match held(&tx, host, before)? {
                Some(spans) => spans,
                None => return Ok(Adopted::Short),
            },
        };
        if sealed.before != before || !covers(&sealed.spans, &mine) || sealed_here(&tx, host, sealed)? {
            return Ok(Adopted::Short);
        }
        tx.prepare_cached("DELETE FROM segments WHERE host = ?1 AND start < ?2 AND end < ?2")?
            .execute(params![host, before])?;
        let mut put = tx.prepare_cached(
            "INSERT INTO chunks VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(host, tier, start) DO UPDATE SET end = excluded.end, data = excluded.data",
        )?;
        for chunk in &sealed.raw {
            put.execute(params![host, 0, chunk.start, chunk.end, chunk.data])?;
        }
        let mut merged = 0;
        for chunk in &sealed.tiers {
            let Some(tier) = tiers.0.get(usize::from(chunk.tier)).filter(|t| t.step_ms > 0) else { continue };
            let (data, step_ms) = match own_chunk(&tx, host, chunk)? {
                Some(own) if Some(digest(&own)) != chunk.before => {
                    merged += 1;
                    let parts = [decode_rollup(&own, Select::All)?, decode_rollup(&chunk.fresh, Select::All)?];
                    (encode_rollup(&rollup::merge_all(&parts, tier.step_ms)), tier.step_ms)
                }
                // The same chunk: theirs holds all this store had.
                Some(_) => (chunk.after.clone(), tier.step_ms),
                // None here, and none there before: the hour's buckets are all.
                None if chunk.before.is_none() => (chunk.after.clone(), tier.step_ms),
                // None here, but theirs merged into older buckets this store
                // never had (or deleted): only the hour's own.
                None => (chunk.fresh.clone(), tier.step_ms),
            };
            let last = decode_rollup(&data, Select::Only(&[]))?.ts.last().copied();
            let end = last.map_or(chunk.start, |t| t + step_ms - 1);
            put.execute(params![host, i64::from(chunk.tier), chunk.start, end, data])?;
        }
        drop(put);
        tx.commit()?;
        Ok(Adopted::Written { merged })
    }
}

/// Whether this store already holds a raw chunk in the time `sealed`'s raw chunks
/// span (rows that came late, to an hour sealed or adopted here): adopting would
/// merge its rollups a second time; a seal here writes only the rows not held.
fn sealed_here(tx: &Transaction<'_>, host: &str, sealed: &SealedHour) -> Result<bool, StoreError> {
    let (Some(from), Some(to)) = (sealed.raw.iter().map(|c| c.start).min(), sealed.raw.iter().map(|c| c.end).max())
    else {
        return Ok(false);
    };
    Ok(tx
        .query_row(
            "SELECT 1 FROM chunks WHERE host = ?1 AND tier = 0 AND start <= ?3 AND end >= ?2 LIMIT 1",
            params![host, from, to],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// This store's chunk that `chunk` names, if any.
fn own_chunk(tx: &Transaction<'_>, host: &str, chunk: &TierChunk) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT data FROM chunks WHERE host = ?1 AND tier = ?2 AND start = ?3",
            params![host, i64::from(chunk.tier), chunk.start],
            |r| r.get(0),
        )
        .optional()?)
}

/// The rows `host`'s segments hold before `before`, from their headers; `None`
/// when one crosses `before` (an older hub's: it must be split by a seal).
fn held(tx: &Transaction<'_>, host: &str, before: i64) -> Result<Option<Vec<Span>>, StoreError> {
    let mut query = tx.prepare_cached("SELECT end, data FROM segments WHERE host = ?1 AND start < ?2")?;
    let rows = query.query_map(params![host, before], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    let mut spans = Vec::new();
    for row in rows {
        let (end, data) = row?;
        if end >= before {
            return Ok(None);
        }
        let block = decode_block(&data, Select::Only(&[]))?;
        if !block.is_empty() {
            spans.push(Span { epoch: block.epoch.clone(), first: block.first_seq, last: block.last_seq() });
        }
    }
    Ok(Some(joined(spans)))
}
