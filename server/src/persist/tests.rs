use std::collections::BTreeMap;

use pulse_protocol::{Catalog, Epoch, Frame};
use pulse_store::tier::{MINUTES, RAW};
use pulse_store::{Select, Store, Tiers};

use super::*;
use crate::hub::Keeper;

const MIN: i64 = 60_000;

fn frame(seq: u64) -> Frame {
    let values: BTreeMap<String, f64> = [("cpu".to_owned(), (seq % 50) as f64)].into();
    Frame { seq, ts: seq as i64 * 1_000, host: String::new(), values, top: Vec::new(), columns: None }
}

/// Keeps frames `seqs` of host `h` as an agent's are: flushed every 5, a seal
/// round every second.
fn keep(persist: &Arc<Persist>, seqs: std::ops::Range<u64>) {
    let keeper = persist.keeper("h");
    let catalog = Arc::new(Catalog::default());
    for seq in seqs {
        keeper.keep(&Epoch("ep".into()), &frame(seq), &catalog, false);
        if seq % 5 == 0 {
            persist.flush();
        }
        persist.seal(seq as i64 * 1_000);
    }
    persist.flush();
}

#[test]
fn rows_sealed_from_memory_and_after_a_restart_from_disk_are_all_kept_once() {
    let dir = std::env::temp_dir().join(format!("pulse-persist-seal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut tiers = Tiers::default();
    tiers.0[RAW].block_ms = MIN;
    keep(&Persist::open(&dir, tiers), 1..150);
    // A restart: the store has segments memory never saw, sealed from disk first.
    keep(&Persist::open(&dir, tiers), 150..400);
    let persist = Persist::open(&dir, tiers);
    persist.seal(10 * MIN);
    drop(persist);
    let store = Store::open(&dir, tiers).unwrap();
    let blocks = pulse_store::block::runs(&store.blocks("h", 0, 10 * MIN, Select::All).unwrap(), i64::MAX);
    let seqs: Vec<u64> = blocks.iter().flat_map(|b| (0..b.len() as u64).map(move |r| b.first_seq + r)).collect();
    assert_eq!(seqs, (1..400).collect::<Vec<_>>(), "every row once, in order");
    let rollups = store.rollups("h", MINUTES, 0, 10 * MIN, Select::All).unwrap();
    let counted: u32 = rollups.iter().flat_map(|r| r.columns[0].count.iter()).sum();
    assert_eq!(counted, 399, "every row counted once in the minute tier");
    let segments = store.blocks("h", 0, 10 * MIN, Select::All).unwrap().len();
    assert_eq!(segments, 7, "sealed into one chunk a minute (rows 1 to 399 span minutes 0 to 6)");
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

fn catalog(ids: &[&str]) -> Arc<Catalog> {
    let series = ids
        .iter()
        .map(|&id| pulse_protocol::SeriesInfo {
            id: id.to_owned(),
            host: "h".into(),
            group: "g".into(),
            label: id.to_owned(),
            unit: pulse_protocol::Unit::Percent,
            kind: pulse_protocol::SeriesKind::Gauge,
        })
        .collect();
    Arc::new(Catalog { series })
}

#[test]
fn the_catalogue_stored_is_the_one_of_the_newest_frames_whichever_came_before() {
    // A host's keeper remembers the catalogue it noted last; one that changes
    // (or comes back) between flushes must still reach the store.
    let (a, b) = (catalog(&["cpu"]), catalog(&["cpu", "mem"]));
    // What, the catalogue of each flush's frame, the one stored.
    type Case<'a> = (&'a str, Vec<&'a Arc<Catalog>>, &'a Arc<Catalog>);
    let cases: [Case; 3] = [
        ("the same catalogue", vec![&a, &a], &a),
        ("another one", vec![&a, &b], &b),
        ("the first one again", vec![&a, &b, &a], &a),
    ];
    for (what, flushes, want) in cases {
        let dir = std::env::temp_dir().join(format!("pulse-persist-catalog-{}-{}", std::process::id(), flushes.len()));
        let _ = std::fs::remove_dir_all(&dir);
        let persist = Persist::open(&dir, Tiers::default());
        let keeper = persist.keeper("h");
        for (seq, catalog) in (1..).zip(&flushes) {
            keeper.keep(&Epoch("ep".into()), &frame(seq), catalog, false);
            persist.flush();
        }
        drop((keeper, persist));
        let hosts = Persist::open(&dir, Tiers::default()).hosts().unwrap();
        let stored = hosts.iter().find(|h| h.id == "h").and_then(Persist::parse_catalog);
        assert_eq!(stored.as_ref(), Some(&**want), "{what}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
