use super::test_dir::Dir;
use super::*;
use crate::block::Column;
use crate::tier::{HOURS, MINUTES, RAW};

const MIN: i64 = 60_000;

fn segment(first_seq: u64, start_ms: i64, rows: usize) -> Block {
    let ts: Vec<i64> = (0..rows as i64).map(|i| start_ms + i * 1_000).collect();
    let cpu = ts.iter().map(|&t| ((t / 1_000) % 97) as f64 / 4.0).collect();
    Block { epoch: "ep".into(), first_seq, ts, columns: vec![Column { id: "cpu".into(), decimals: 2, values: cpu }] }
}

fn host(newest_seq: u64) -> HostRecord {
    HostRecord {
        id: "web-1".into(),
        name: "web 1".into(),
        tags: "role=web".into(),
        local: false,
        epoch: "ep".into(),
        newest_seq,
        newest_ts: 0,
        catalog: "{}".into(),
    }
}

fn all_rows(store: &Store, from: i64, to: i64) -> Vec<(u64, i64, f64)> {
    let blocks = store.blocks("web-1", from, to, Select::All).unwrap();
    blocks
        .iter()
        .flat_map(|b| (0..b.len()).map(move |i| (b.first_seq + i as u64, b.ts[i], b.columns[0].values[i])))
        .collect()
}

#[test]
fn the_store_and_its_wal_are_its_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = Dir::new("mode");
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    store.write(&[host(5)], &[("web-1".to_owned(), segment(1, 0, 5))]).unwrap();
    for file in [FILE.to_owned(), format!("{FILE}-wal")] {
        let mode = std::fs::metadata(dir.0.join(&file)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{file}");
    }
}

#[test]
fn segments_sealed_read_back_the_same_with_rollups_written() {
    let dir = Dir::new("seal");
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    // 25 minutes of 5-second segments.
    let segments: Vec<(String, Block)> =
        (0..300u64).map(|i| ("web-1".to_owned(), segment(1 + i * 5, i as i64 * 5_000, 5))).collect();
    store.write(&[host(1_500)], &segments).unwrap();
    let before = all_rows(&store, 0, 30 * MIN);
    assert_eq!(before.len(), 1_500);
    let sealed = store.seal("web-1", 20 * MIN).unwrap();
    assert_eq!(sealed, 1_200, "everything before minute 20");
    assert_eq!(all_rows(&store, 0, 30 * MIN), before, "sealing changes nothing a reader sees");
    let minutes = store.rollups("web-1", MINUTES, 0, 30 * MIN, Select::All).unwrap();
    let total: u32 = minutes.iter().flat_map(|r| r.columns[0].count.iter()).sum();
    assert_eq!(total, 1_200, "every sealed sample counted once in the minute tier");
    let hours = store.rollups("web-1", HOURS, 0, 30 * MIN, Select::All).unwrap();
    assert_eq!(hours[0].columns[0].count, vec![1_200]);
    let direct_max = before[..1_200].iter().map(|r| r.2).fold(f64::MIN, f64::max);
    assert_eq!(hours[0].columns[0].max[0], direct_max);
    // Sealing the rest later adds to the same hour bucket, and each tier's byte
    // count is what its chunks hold (a rewritten chunk counted once).
    store.seal("web-1", 30 * MIN).unwrap();
    for tier in [RAW, MINUTES, HOURS] {
        let held: i64 = store
            .conn
            .query_row("SELECT coalesce(sum(length(data)), 0) FROM chunks WHERE tier = ?1", [tier as i64], |r| r.get(0))
            .unwrap();
        let segments: i64 = if tier == RAW {
            store.conn.query_row("SELECT coalesce(sum(length(data)), 0) FROM segments", [], |r| r.get(0)).unwrap()
        } else {
            0
        };
        assert_eq!(store.bytes().unwrap()[tier] as i64, held + segments, "tier {tier}");
    }
    let hours = store.rollups("web-1", HOURS, 0, 30 * MIN, Select::All).unwrap();
    assert_eq!(hours[0].columns[0].count, vec![1_500]);
    assert_eq!(store.hosts().unwrap(), vec![host(1_500)]);
}

#[test]
fn a_host_written_without_a_catalogue_keeps_the_stored_one() {
    let dir = Dir::new("catalog");
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    let mut record = host(10);
    record.catalog = r#"{"series":[1]}"#.into();
    store.write(&[record.clone()], &[]).unwrap();
    record.catalog = String::new();
    record.newest_seq = 20;
    store.write(&[record], &[]).unwrap();
    let stored = store.hosts().unwrap();
    assert_eq!((stored[0].newest_seq, stored[0].catalog.as_str()), (20, r#"{"series":[1]}"#));
}

#[test]
fn a_reopened_store_has_everything_committed() {
    let dir = Dir::new("reopen");
    {
        let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
        store.write(&[host(10)], &[("web-1".into(), segment(1, 0, 10))]).unwrap();
        store.set_meta("epoch", "abc").unwrap();
    }
    let store = Store::open(&dir.0, Tiers::default()).unwrap();
    assert_eq!(all_rows(&store, 0, MIN).len(), 10);
    assert_eq!(store.meta("epoch").unwrap().as_deref(), Some("abc"));
}

#[test]
fn retention_and_caps_delete_oldest_first_and_keep_the_rest() {
    let dir = Dir::new("retention");
    let mut tiers = Tiers::default();
    tiers.0[RAW].retention_ms = 10 * MIN;
    let mut store = Store::open(&dir.0, tiers).unwrap();
    let segments: Vec<(String, Block)> =
        (0..20u64).map(|i| ("web-1".to_owned(), segment(1 + i * 60, i as i64 * MIN, 60))).collect();
    store.write(&[host(1_200)], &segments).unwrap();
    let deleted = store.enforce(20 * MIN, 100).unwrap();
    assert_eq!(deleted.by_age, 10, "segments ending before minute 10");
    assert_eq!(all_rows(&store, 0, 20 * MIN).first().map(|r| r.1), Some(10 * MIN));
}

#[test]
fn a_tier_over_its_cap_loses_its_oldest_chunks_only() {
    let dir = Dir::new("cap");
    let mut tiers = Tiers::default();
    tiers.0[RAW].block_ms = 10 * MIN;
    let mut store = Store::open(&dir.0, tiers).unwrap();
    let segments: Vec<(String, Block)> =
        (0..40u64).map(|i| ("web-1".to_owned(), segment(1 + i * 60, i as i64 * MIN, 60))).collect();
    store.write(&[host(2_400)], &segments).unwrap();
    store.seal("web-1", 40 * MIN).unwrap();
    let bytes = store.bytes().unwrap()[RAW];
    store.tiers.0[RAW].cap_bytes = bytes * 3 / 5;
    let deleted = store.enforce(40 * MIN, 100).unwrap();
    assert_eq!(deleted, Deleted { by_age: 0, by_size: 2 }, "two of four 10-minute chunks");
    assert!(store.bytes().unwrap()[RAW] <= bytes * 3 / 5);
    let rows = all_rows(&store, 0, 40 * MIN);
    assert_eq!((rows.first().map(|r| r.1), rows.last().map(|r| r.0)), (Some(20 * MIN), Some(2_400)));
    assert_eq!(store.rollups("web-1", MINUTES, 0, 40 * MIN, Select::All).unwrap()[0].ts.len(), 40, "other tiers stay");
}

#[test]
fn a_foreign_file_and_a_newer_store_are_refused_with_a_clear_error() {
    let dir = Dir::new("foreign");
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(dir.0.join(FILE), b"this is somebody's notes, not a database at all").unwrap();
    let error = Store::open(&dir.0, Tiers::default()).unwrap_err();
    assert!(matches!(error, StoreError::Foreign), "{error}");
    assert!(error.to_string().contains("not a Pulse store"));

    let other = Dir::new("other-sqlite");
    std::fs::create_dir_all(&other.0).unwrap();
    Connection::open(other.0.join(FILE)).unwrap().execute_batch("CREATE TABLE notes(x);").unwrap();
    assert!(matches!(Store::open(&other.0, Tiers::default()), Err(StoreError::Foreign)));

    let newer = Dir::new("newer");
    drop(Store::open(&newer.0, Tiers::default()).unwrap());
    Connection::open(newer.0.join(FILE)).unwrap().execute_batch("PRAGMA user_version = 99;").unwrap();
    let error = Store::open(&newer.0, Tiers::default()).unwrap_err();
    assert!(error.to_string().contains("newer Pulse"), "{error}");
}

#[test]
fn forgetting_a_host_removes_its_history() {
    let dir = Dir::new("forget");
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    store.write(&[host(10)], &[("web-1".into(), segment(1, 0, 10))]).unwrap();
    store.forget("web-1").unwrap();
    assert!(store.hosts().unwrap().is_empty());
    assert!(all_rows(&store, 0, MIN).is_empty());
    assert_eq!(store.bytes().unwrap(), [0, 0, 0]);
}

#[test]
fn a_store_of_schema_1_keeps_its_catalogues_in_their_own_table_once_opened() {
    let dir = Dir::new("schema-1");
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    let mut record = host(10);
    record.catalog = r#"{"series":[1]}"#.into();
    store.write(&[record], &[("web-1".into(), segment(1, 0, 10))]).unwrap();
    drop(store);
    // What schema 1 wrote: the catalogue in the host's row, no `catalogs` table.
    let db = Connection::open(dir.0.join(FILE)).unwrap();
    db.execute_batch(r#"UPDATE hosts SET catalog = '{"series":[1]}'; DROP TABLE catalogs; PRAGMA user_version = 1;"#)
        .unwrap();
    drop(db);
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    let version: i64 = store.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let in_rows: i64 =
        store.conn.query_row("SELECT count(*) FROM hosts WHERE catalog != ''", [], |r| r.get(0)).unwrap();
    assert_eq!((version, in_rows), (2, 0), "moved out of the hosts' rows");
    let stored = store.hosts().unwrap();
    assert_eq!((stored[0].newest_seq, stored[0].catalog.as_str()), (10, r#"{"series":[1]}"#));
    let mut later = host(20);
    later.catalog = String::new();
    store.write(&[later], &[]).unwrap();
    assert_eq!(store.hosts().unwrap()[0].catalog, r#"{"series":[1]}"#, "kept by a write without one");
    assert_eq!(all_rows(&store, 0, MIN).len(), 10, "and every row");
}
