//! Frames waiting for the next flush, kept as blocks that grow a row at a time,
//! and the decimals each unit keeps. Pure and table-tested.

use std::sync::Arc;

use pulse_protocol::{Catalog, Frame, Unit};
use pulse_store::{Block, Column};

/// Decimals a value of `unit` is stored with: hundredths of a percent, a load
/// or a second's fraction; whole bytes, bytes per second and counts.
pub fn decimals(unit: Unit) -> u8 {
    match unit {
        Unit::Percent | Unit::Load => 2,
        Unit::Bytes | Unit::BytesPerSecond | Unit::Count | Unit::Seconds => 0,
    }
}

/// Rows a new block has room for before it grows: an agent host's frames wait
/// 5 seconds (`FLUSH_EVERY`), 5 rows at 1 Hz, so its columns never reallocate.
const ROOM: usize = 8;

/// What the last block's columns are: a digest of their ids in order, when they
/// are exactly the ids of the frames appended to it, in the same order. A frame
/// whose ids have that digest fills the columns by index, without comparing ids:
/// on a hub of thousands of hosts each column's id is a cold string, and those
/// comparisons were most of a frame's cost here.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Shape(Option<u64>);

/// A host's last full list of series as a block's columns had it: the digest of
/// their ids in order, the catalogue their units were looked up in, and each
/// one's decimals. Every flush leaves a host's next frame a new block; one of
/// these series takes its columns' decimals from here instead of searching the
/// catalogue for each of its ids (a tenth of a frame's time in the queue). Kept
/// by the caller for the host, across flushes.
#[derive(Debug, Default, Clone)]
pub struct Known(Option<(u64, Arc<Catalog>, Box<[u8]>)>);

/// Adds a frame of `epoch` to `blocks`: a row of the last block when it follows
/// that block's last seq in the same epoch, else a new block. `shape` is the last
/// block's, kept by the caller with `blocks` (a default one when they change);
/// `known` is the host's (see [`Known`]).
pub fn append(
    blocks: &mut Vec<Block>,
    shape: &mut Shape,
    known: &mut Known,
    epoch: &str,
    frame: &Frame,
    catalog: &Arc<Catalog>,
) {
    let follows = blocks.last().is_some_and(|b| b.epoch == epoch && b.last_seq() + 1 == frame.seq && !b.is_empty());
    let digest = digest(frame);
    if !follows {
        let (ts, columns) = (Vec::with_capacity(ROOM), Vec::with_capacity(frame.values.len()));
        blocks.push(Block { epoch: epoch.to_owned(), first_seq: frame.seq, ts, columns });
        *shape = Shape::default();
    }
    let Some(block) = blocks.last_mut() else { return };
    block.ts.push(frame.ts);
    if !follows {
        if let Some((_, _, decimals)) = known.0.as_ref().filter(|(known_digest, known_catalog, decimals)| {
            *known_digest == digest && Arc::ptr_eq(known_catalog, catalog) && decimals.len() == frame.values.len()
        }) {
            block.columns.extend(frame.values.iter().zip(decimals.iter()).map(|((id, &value), &decimals)| {
                let mut values = Vec::with_capacity(ROOM);
                values.push(value);
                Column { id: id.clone(), decimals, values }
            }));
            *shape = Shape(Some(digest));
            return;
        }
    }
    if shape.0 == Some(digest) && block.columns.len() == frame.values.len() {
        for (column, &value) in block.columns.iter_mut().zip(frame.values.values()) {
            column.values.push(value);
        }
        return;
    }
    let rows = block.ts.len() - 1;
    let mut in_order = true;
    for (index, (id, &value)) in frame.values.iter().enumerate() {
        // A host's series come in the same order frame after frame, so the column
        // is nearly always at the value's own index: no search through the others.
        let at = match block.columns.get(index) {
            Some(column) if &column.id == id => Some(index),
            _ => block.columns.iter().position(|c| &c.id == id),
        };
        in_order &= at.is_none_or(|at| at == index);
        match at.and_then(|at| block.columns.get_mut(at)) {
            Some(column) => column.values.push(value),
            None => {
                in_order &= block.columns.len() == index;
                let decimals = catalog.get(id).map_or(2, |info| decimals(info.unit));
                let mut values = Vec::with_capacity(ROOM.max(rows + 1));
                values.resize(rows, f64::NAN);
                values.push(value);
                block.columns.push(Column { id: id.clone(), decimals, values });
            }
        }
    }
    block.columns.iter_mut().filter(|c| c.values.len() == rows).for_each(|c| c.values.push(f64::NAN));
    let exact = in_order && block.columns.len() == frame.values.len();
    *shape = Shape(exact.then_some(digest));
    // A new block's columns were all looked up in `catalog` just now.
    if exact && !follows {
        let decimals = block.columns.iter().map(|c| c.decimals).collect();
        *known = Known(Some((digest, Arc::clone(catalog), decimals)));
    }
}

/// A digest of a frame's series ids in order (each ended by a byte UTF-8 never
/// holds, so ids cannot run into each other), eight bytes at a step: SipHash
/// fed an id and a byte at a time cost more than the rest of a frame's append.
/// Not keyed: it tells a host's series list from its previous one, and an agent
/// that forged a collision would only mislabel its own values.
fn digest(frame: &Frame) -> u64 {
    let mut hash = Digest::default();
    for id in frame.values.keys() {
        hash.write(id.as_bytes());
    }
    hash.0
}

/// A folded-multiply hash of byte strings, each ended by `0xff`: each word is
/// mixed in by a full 64×64→128-bit product whose halves are folded together, so
/// a change in any bit of a word reaches every bit of the state (FxHash's
/// rotate-and-multiply step let a change in a word's top byte be cancelled by one
/// in the next word's low byte: `net.rx:aa0` and `net.rx:yt0` collided).
#[derive(Default)]
struct Digest(u64);

impl Digest {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn word(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word) * u128::from(Self::K ^ self.0.rotate_left(32));
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        last[rest.len()] = 0xff;
        self.word(u64::from_le_bytes(last));
    }
}

/// Rows held in `blocks`.
pub fn rows(blocks: &[Block]) -> usize {
    blocks.iter().map(Block::len).sum()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn frame(seq: u64, values: &[(&str, f64)]) -> Frame {
        let values: BTreeMap<String, f64> = values.iter().map(|&(k, v)| (k.to_owned(), v)).collect();
        Frame { seq, ts: seq as i64 * 1_000, host: "h".into(), values, top: Vec::new(), columns: None }
    }

    #[test]
    fn frames_grow_blocks_and_holes_or_epochs_start_new_ones() {
        let catalog = Arc::new(Catalog::default());
        let mut blocks = Vec::new();
        let (shape, known) = (&mut Shape::default(), &mut Known::default());
        append(&mut blocks, shape, known, "a", &frame(1, &[("cpu", 1.0)]), &catalog);
        append(&mut blocks, shape, known, "a", &frame(2, &[("cpu", 2.0), ("eth0", 5.0)]), &catalog);
        append(&mut blocks, shape, known, "a", &frame(3, &[("eth0", 6.0)]), &catalog);
        assert_eq!(blocks.len(), 1);
        let cpu = blocks[0].column("cpu").unwrap();
        assert_eq!((cpu.values[0], cpu.values[1], cpu.values[2].is_nan()), (1.0, 2.0, true));
        let eth0 = blocks[0].column("eth0").unwrap();
        assert!(eth0.values[0].is_nan() && eth0.values[1] == 5.0 && eth0.values[2] == 6.0);
        append(&mut blocks, shape, known, "a", &frame(5, &[("cpu", 1.0)]), &catalog);
        append(&mut blocks, shape, known, "b", &frame(6, &[("cpu", 1.0)]), &catalog);
        assert_eq!(blocks.iter().map(|b| (b.first_seq, b.len())).collect::<Vec<_>>(), vec![(1, 3), (5, 1), (6, 1)]);
        assert_eq!(rows(&blocks), 5);
    }

    /// What, the frames' values, and each column's values after them.
    type Run = (&'static str, &'static [&'static [(&'static str, f64)]], &'static [(&'static str, &'static [f64])]);

    #[test]
    fn frames_of_the_same_series_fill_columns_by_index_and_others_by_id() {
        let catalog = Arc::new(Catalog::default());
        let runs: [Run; 4] = [
            (
                "the same series",
                &[&[("a", 1.0), ("b", 2.0)], &[("a", 3.0), ("b", 4.0)]],
                &[("a", &[1.0, 3.0]), ("b", &[2.0, 4.0])],
            ),
            (
                "one more",
                &[&[("a", 1.0)], &[("a", 2.0), ("b", 3.0)], &[("a", 4.0), ("b", 5.0)]],
                &[("a", &[1.0, 2.0, 4.0]), ("b", &[f64::NAN, 3.0, 5.0])],
            ),
            (
                "one fewer",
                &[&[("a", 1.0), ("b", 2.0)], &[("b", 3.0)], &[("a", 4.0), ("b", 5.0)]],
                &[("a", &[1.0, f64::NAN, 4.0]), ("b", &[2.0, 3.0, 5.0])],
            ),
            (
                "another in its place",
                &[&[("a", 1.0), ("b", 2.0)], &[("a", 3.0), ("c", 4.0)], &[("a", 5.0), ("c", 6.0)]],
                &[("a", &[1.0, 3.0, 5.0]), ("b", &[2.0, f64::NAN, f64::NAN]), ("c", &[f64::NAN, 4.0, 6.0])],
            ),
        ];
        for (what, frames, want) in runs {
            let (mut blocks, shape, known) = (Vec::new(), &mut Shape::default(), &mut Known::default());
            for (seq, values) in (1..).zip(frames) {
                append(&mut blocks, shape, known, "e", &frame(seq, values), &catalog);
            }
            assert_eq!(blocks.len(), 1, "{what}");
            let got: Vec<(&str, Vec<String>)> = blocks[0]
                .columns
                .iter()
                .map(|c| (c.id.as_str(), c.values.iter().map(|v| format!("{v}")).collect()))
                .collect();
            let want: Vec<(&str, Vec<String>)> =
                want.iter().map(|(id, vs)| (*id, vs.iter().map(|v| format!("{v}")).collect())).collect();
            assert_eq!(got, want, "{what}");
        }
    }

    fn catalog(series: &[(&str, Unit)]) -> Arc<Catalog> {
        let series = series
            .iter()
            .map(|&(id, unit)| pulse_protocol::SeriesInfo {
                id: id.to_owned(),
                host: "h".into(),
                group: "g".into(),
                label: id.to_owned(),
                unit,
                kind: pulse_protocol::SeriesKind::Gauge,
            })
            .collect();
        Arc::new(Catalog { series })
    }

    /// What, the second block's frame and catalogue (the first block's are
    /// `cpu`, `eth0` in `percent_and_bytes`), the second block's columns.
    type After = (&'static str, &'static [(&'static str, f64)], bool, &'static [(&'static str, u8)]);

    #[test]
    fn a_new_block_of_the_same_series_and_catalogue_takes_the_known_decimals() {
        let percent_and_bytes = catalog(&[("cpu", Unit::Percent), ("eth0", Unit::Bytes)]);
        let all_percent = catalog(&[("cpu", Unit::Percent), ("eth0", Unit::Percent)]);
        let cases: [After; 4] = [
            ("the same series and catalogue", &[("cpu", 3.0), ("eth0", 4.0)], true, &[("cpu", 2), ("eth0", 0)]),
            ("a new catalogue", &[("cpu", 3.0), ("eth0", 4.0)], false, &[("cpu", 2), ("eth0", 2)]),
            ("one series fewer", &[("cpu", 3.0)], true, &[("cpu", 2)]),
            ("another series", &[("cpu", 3.0), ("mem", 4.0)], true, &[("cpu", 2), ("mem", 2)]),
        ];
        for (what, second, same_catalog, want) in cases {
            let (mut blocks, shape, known) = (Vec::new(), &mut Shape::default(), &mut Known::default());
            append(&mut blocks, shape, known, "e", &frame(1, &[("cpu", 1.0), ("eth0", 2.0)]), &percent_and_bytes);
            // A flush takes the blocks; the host's `Known` stays.
            let (mut blocks, shape) = (Vec::new(), &mut Shape::default());
            let catalog = if same_catalog { &percent_and_bytes } else { &all_percent };
            append(&mut blocks, shape, known, "e", &frame(2, second), catalog);
            append(&mut blocks, shape, known, "e", &frame(3, second), catalog);
            let got: Vec<(&str, u8, usize)> =
                blocks[0].columns.iter().map(|c| (c.id.as_str(), c.decimals, c.values.len())).collect();
            let want: Vec<(&str, u8, usize)> = want.iter().map(|&(id, decimals)| (id, decimals, 2)).collect();
            assert_eq!((blocks.len(), got), (1, want), "{what}");
            let values: Vec<f64> = blocks[0].columns.iter().flat_map(|c| c.values.iter().copied()).collect();
            let sent: Vec<f64> = second.iter().flat_map(|&(_, v)| [v, v]).collect();
            assert_eq!(values, sent, "{what}");
        }
    }

    #[test]
    fn the_digest_tells_id_lists_apart() {
        let ids = |list: &[&str]| digest(&frame(1, &list.iter().map(|&id| (id, 0.0)).collect::<Vec<_>>()));
        let differ: [(&str, &[&str], &[&str]); 6] = [
            ("one more", &["cpu"], &["cpu", "mem"]),
            ("a word's top byte and the next one's low byte", &["cpu", "net.rx:aa0"], &["cpu", "net.rx:yt0"]),
            ("another name", &["cpu"], &["cpv"]),
            ("a byte moved between ids", &["ab", "c"], &["a", "bc"]),
            ("an id of eight bytes and its neighbour", &["12345678", "x"], &["12345678x"]),
            ("none and an empty id", &[], &[""]),
        ];
        for (what, a, b) in differ {
            assert_ne!(ids(a), ids(b), "{what}");
        }
        assert_eq!(ids(&["cpu", "net.rx:eth0"]), ids(&["cpu", "net.rx:eth0"]), "the same list");
    }

    #[test]
    fn each_unit_keeps_its_stated_decimals() {
        assert_eq!(decimals(Unit::Percent), 2);
        assert_eq!(decimals(Unit::Load), 2);
        assert_eq!(decimals(Unit::BytesPerSecond), 0);
        assert_eq!(decimals(Unit::Bytes), 0);
    }
}
