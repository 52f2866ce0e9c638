//! A [`SealedHour`] as bytes, for one hub to hand to another (through Redis): the
//! chunks it holds are already encoded and are carried as they are.

use super::bytes::Reader;
use super::{header, open, CodecError, MAX_COUNT};
use crate::share::{RawChunk, SealedHour, Span, TierChunk};

const KIND_SEALED: u8 = 2;

/// A sealed hour as bytes.
pub fn encode_sealed(sealed: &SealedHour) -> Vec<u8> {
    let mut w = header(KIND_SEALED);
    w.signed(sealed.before);
    w.varint(sealed.spans.len() as u64);
    for span in &sealed.spans {
        w.text(&span.epoch);
        w.varint(span.first);
        w.varint(span.last);
    }
    w.varint(sealed.raw.len() as u64);
    for chunk in &sealed.raw {
        w.signed(chunk.start);
        w.signed(chunk.end);
        w.blob(&chunk.data);
    }
    w.varint(sealed.tiers.len() as u64);
    for chunk in &sealed.tiers {
        w.byte(chunk.tier);
        w.signed(chunk.start);
        match chunk.before {
            Some(digest) => {
                w.byte(1);
                w.varint(digest);
            }
            None => w.byte(0),
        }
        w.blob(&chunk.after);
        w.blob(&chunk.fresh);
    }
    w.bytes
}

/// A sealed hour back from bytes.
pub fn decode_sealed(bytes: &[u8]) -> Result<SealedHour, CodecError> {
    let mut r: Reader<'_> = open(bytes, KIND_SEALED)?;
    let before = r.signed()?;
    let mut spans = Vec::new();
    for _ in 0..r.count(MAX_COUNT)? {
        spans.push(Span { epoch: r.text()?, first: r.varint()?, last: r.varint()? });
    }
    let mut raw = Vec::new();
    for _ in 0..r.count(MAX_COUNT)? {
        raw.push(RawChunk { start: r.signed()?, end: r.signed()?, data: r.blob()?.to_vec() });
    }
    let mut tiers = Vec::new();
    for _ in 0..r.count(MAX_COUNT)? {
        let tier = r.byte()?;
        let start = r.signed()?;
        let before = match r.byte()? {
            0 => None,
            1 => Some(r.varint()?),
            _ => return Err(CodecError::Malformed("a digest flag that is neither 0 nor 1")),
        };
        tiers.push(TierChunk { tier, start, before, after: r.blob()?.to_vec(), fresh: r.blob()?.to_vec() });
    }
    Ok(SealedHour { before, spans, raw, tiers })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_hour_round_trips_and_a_short_one_is_refused() {
        let sealed = SealedHour {
            before: 3_600_000,
            spans: vec![Span { epoch: "e".into(), first: 1, last: 3_600 }],
            raw: vec![RawChunk { start: 1, end: 3_599_000, data: vec![1, 2, 3] }],
            tiers: vec![
                TierChunk { tier: 1, start: 0, before: None, after: vec![4], fresh: vec![5, 6] },
                TierChunk { tier: 2, start: -7, before: Some(u64::MAX), after: vec![], fresh: vec![7] },
            ],
        };
        let bytes = encode_sealed(&sealed);
        assert_eq!(decode_sealed(&bytes), Ok(sealed));
        assert_eq!(decode_sealed(&bytes[..bytes.len() - 1]), Err(CodecError::Truncated));
        assert_eq!(decode_sealed(b"nope"), Err(CodecError::Foreign));
        assert!(decode_sealed(&super::super::encode_block(&Default::default())).is_err(), "another kind of chunk");
    }
}
