//! Numeric columns: integers through `pco`, and values quantised to their
//! decimals with a presence mask for the rows that have none.

use super::bytes::{Reader, Writer};
use super::CodecError;

/// Presence: every row has a value.
const ALL: u8 = 0;
/// Presence: a bitmap follows (bit set: the row has a value).
const SOME: u8 = 1;
/// Presence: no row has a value.
const NONE: u8 = 2;

/// The largest magnitude a quantised value may have: beyond 2^53 an f64 no longer
/// holds every integer, so fewer decimals are kept for such a column.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Columns shorter than this are written as varint deltas: `pco`'s header
/// (tens of bytes) would outweigh a rollup chunk's few buckets.
const SHORT: usize = 64;

/// Integers, compressed (nothing for an empty column).
pub fn encode_ints(ints: &[i64]) -> Vec<u8> {
    if ints.is_empty() {
        return Vec::new();
    }
    if ints.len() < SHORT {
        return deltas(ints);
    }
    if ints.iter().all(|&i| i == ints[0]) {
        let mut w = Writer::default();
        w.byte(SAME);
        w.signed(ints[0]);
        return w.bytes;
    }
    // `pco` refuses only invalid configurations; the default one is valid, so an
    // error here would be a bug in it: keep the numbers uncompressed rather than lose them.
    pco::standalone::simple_compress(ints, &pco::ChunkConfig::default()).unwrap_or_else(|_| raw(ints))
}

/// Integers back, exactly `rows` of them.
pub fn decode_ints(bytes: &[u8], rows: usize) -> Result<Vec<i64>, CodecError> {
    if bytes.is_empty() {
        return if rows == 0 { Ok(Vec::new()) } else { Err(CodecError::Truncated) };
    }
    let ints = if bytes[0] == RAW {
        unraw(&bytes[1..])?
    } else if bytes[0] == DELTAS {
        undeltas(&bytes[1..], rows)?
    } else if bytes[0] == SAME {
        vec![Reader::new(&bytes[1..]).signed()?; rows]
    } else {
        pco::standalone::simple_decompress::<i64>(bytes).map_err(|e| CodecError::Numbers(e.to_string()))?
    };
    if ints.len() == rows {
        Ok(ints)
    } else {
        Err(CodecError::Malformed("a column of another length"))
    }
}

/// Values (NaN: none) kept to `decimals`, with their presence.
pub fn encode_values(w: &mut Writer, values: &[f64], decimals: u8) {
    let present = values.iter().filter(|v| v.is_finite()).count();
    let decimals = fit(values, decimals);
    w.byte(decimals);
    let scale = 10f64.powi(i32::from(decimals));
    if present == 0 && !values.is_empty() {
        w.byte(NONE);
        return;
    }
    if present == values.len() {
        w.byte(ALL);
    } else {
        w.byte(SOME);
        let mut bitmap = vec![0u8; values.len().div_ceil(8)];
        for (i, _) in values.iter().enumerate().filter(|(_, v)| v.is_finite()) {
            bitmap[i / 8] |= 1 << (i % 8);
        }
        w.blob(&bitmap);
    }
    // Sized at once: collected from the filter, it was allocated twice for a
    // flush's five rows (every column of every segment a hub writes).
    let mut ints: Vec<i64> = Vec::with_capacity(present);
    ints.extend(values.iter().filter(|v| v.is_finite()).map(|v| (v * scale).round() as i64));
    w.blob(&encode_ints(&ints));
}

/// Values back (`rows` of them, NaN where absent) and their decimals; when not
/// `wanted`, the bytes are skipped and nothing is decompressed.
pub fn decode_values(r: &mut Reader<'_>, rows: usize, wanted: bool) -> Result<(Vec<f64>, u8), CodecError> {
    let decimals = r.byte()?;
    if decimals > 18 {
        return Err(CodecError::Malformed("more than 18 decimals"));
    }
    let presence = r.byte()?;
    if presence == NONE {
        return Ok((if wanted { vec![f64::NAN; rows] } else { Vec::new() }, decimals));
    }
    let bitmap = match presence {
        ALL => None,
        SOME => Some(r.blob()?),
        _ => return Err(CodecError::Malformed("an unknown presence mark")),
    };
    let ints = r.blob()?;
    if !wanted {
        return Ok((Vec::new(), decimals));
    }
    let present = match bitmap {
        None => rows,
        Some(bits) if bits.len() == rows.div_ceil(8) => bits.iter().map(|b| b.count_ones() as usize).sum(),
        Some(_) => return Err(CodecError::Malformed("a presence bitmap of another length")),
    };
    let scale = 10f64.powi(i32::from(decimals));
    let mut ints = decode_ints(ints, present)?.into_iter();
    let values = (0..rows)
        .map(|i| match bitmap {
            Some(bits) if bits[i / 8] & (1 << (i % 8)) == 0 => f64::NAN,
            _ => ints.next().map_or(f64::NAN, |q| q as f64 / scale),
        })
        .collect();
    Ok((values, decimals))
}

/// The decimals a column can keep: `wanted`, or fewer where its values are so
/// large that they would not stay exact.
fn fit(values: &[f64], wanted: u8) -> u8 {
    let largest = values.iter().filter(|v| v.is_finite()).fold(0f64, |m, v| m.max(v.abs()));
    let mut decimals = wanted.min(18);
    while decimals > 0 && largest * 10f64.powi(i32::from(decimals)) >= EXACT {
        decimals -= 1;
    }
    decimals
}

/// Marks an uncompressed column (never the first byte of a `pco` chunk, whose
/// magic starts with `p`).
const RAW: u8 = 0;

/// Marks a short column of zigzag varint deltas.
const DELTAS: u8 = 1;
/// Marks a column of one value repeated (a total, an idle interface).
const SAME: u8 = 2;

fn deltas(ints: &[i64]) -> Vec<u8> {
    let mut w = Writer::default();
    w.byte(DELTAS);
    let mut previous = 0i64;
    for &i in ints {
        w.signed(i.wrapping_sub(previous));
        previous = i;
    }
    w.bytes
}

fn undeltas(bytes: &[u8], rows: usize) -> Result<Vec<i64>, CodecError> {
    let mut r = Reader::new(bytes);
    let mut previous = 0i64;
    let mut out = Vec::with_capacity(rows.min(SHORT));
    for _ in 0..rows {
        previous = previous.wrapping_add(r.signed()?);
        out.push(previous);
    }
    Ok(out)
}

fn raw(ints: &[i64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + ints.len() * 8);
    out.push(RAW);
    ints.iter().for_each(|i| out.extend_from_slice(&i.to_le_bytes()));
    out
}

fn unraw(bytes: &[u8]) -> Result<Vec<i64>, CodecError> {
    if !bytes.len().is_multiple_of(8) {
        return Err(CodecError::Truncated);
    }
    Ok(bytes.chunks_exact(8).map(|c| i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])).collect())
}
