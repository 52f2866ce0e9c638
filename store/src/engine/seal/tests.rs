use super::*;
use crate::block::Column;
use crate::engine::test_dir::Dir;
use crate::engine::HostRecord;
use crate::open::Open;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

/// Segments of `every` rows at 1 Hz from seq 1 at time 0, `rows` in all, as an
/// older hub wrote them: not cut at block edges.
fn segments(rows: u64, every: u64) -> Vec<(String, Block)> {
    (0..rows.div_ceil(every))
        .map(|i| {
            let first = i * every;
            let ts: Vec<i64> = (first..(first + every).min(rows)).map(|r| r as i64 * 1_000).collect();
            let cpu = ts.iter().map(|&t| ((t / 1_000) % 97) as f64 / 4.0).collect();
            let columns = vec![Column { id: "cpu".into(), decimals: 2, values: cpu }];
            ("h".to_owned(), Block { epoch: "ep".into(), first_seq: 1 + first, ts, columns })
        })
        .collect()
}

fn record(newest_seq: u64) -> HostRecord {
    HostRecord {
        id: "h".into(),
        name: "h".into(),
        tags: String::new(),
        local: false,
        epoch: "ep".into(),
        newest_seq,
        newest_ts: 0,
        catalog: String::new(),
    }
}

fn rows(store: &Store) -> Vec<(u64, i64, f64)> {
    let blocks = runs(&store.blocks("h", i64::MIN / 2, i64::MAX / 2, Select::All).unwrap(), i64::MAX);
    blocks
        .iter()
        .flat_map(|b| (0..b.len()).map(move |i| (b.first_seq + i as u64, b.ts[i], b.columns[0].values[i])))
        .collect()
}

fn counted(store: &Store, tier: usize) -> u32 {
    let rollups = store.rollups("h", tier, i64::MIN / 2, i64::MAX / 2, Select::All).unwrap();
    rollups.iter().flat_map(|r| r.columns[0].count.iter()).sum()
}

fn segment_count(store: &Store) -> i64 {
    store.conn.query_row("SELECT count(*) FROM segments", [], |r| r.get(0)).unwrap()
}

#[test]
fn sealing_from_memory_writes_what_sealing_from_the_segments_writes() {
    let (disk, memory) = (Dir::new("seal-disk"), Dir::new("seal-memory"));
    let written = segments(2 * 3_600 + 300, 5);
    let mut by_disk = Store::open(&disk.0, Tiers::default()).unwrap();
    let mut by_memory = Store::open(&memory.0, Tiers::default()).unwrap();
    let mut open = Open::default();
    for store in [&mut by_disk, &mut by_memory] {
        store.write(&[record(7_500)], &written).unwrap();
    }
    for (_, block) in &written {
        open.push(block.clone(), HOUR);
    }
    for before in [HOUR, 2 * HOUR] {
        by_disk.seal("h", before).unwrap();
        let sealed = by_memory.seal_rows("h", before, &open.before(before).unwrap()).unwrap();
        open.drop_before(before).unwrap();
        assert_eq!(sealed, 3_600, "an hour sealed at {before}");
    }
    assert_eq!(rows(&by_memory), rows(&by_disk), "every row, once");
    assert_eq!(rows(&by_memory).len(), 7_500);
    for tier in [RAW, MINUTES, HOURS] {
        let chunks = |s: &Store| -> Vec<(i64, i64, Vec<u8>)> {
            let mut q = s.conn.prepare("SELECT start, end, data FROM chunks WHERE tier = ?1 ORDER BY start").unwrap();
            q.query_map([tier as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(chunks(&by_memory), chunks(&by_disk), "tier {tier}: the same chunks, byte for byte");
    }
    assert_eq!(segment_count(&by_memory), 60, "the last five minutes stay in segments");
    assert_eq!(by_memory.bytes().unwrap(), by_disk.bytes().unwrap());
}

#[test]
fn a_store_written_with_ten_minute_blocks_opens_and_keeps_every_row() {
    let dir = Dir::new("seal-old");
    let mut old = Tiers::default();
    old.0[RAW].block_ms = 10 * MIN;
    // The previous format: 10-minute raw chunks, 7-second segments that cross
    // block edges, sealed to minute 50 by the older hub.
    let written = segments(90 * 60, 7);
    {
        let mut store = Store::open(&dir.0, old).unwrap();
        store.write(&[record(5_400)], &written).unwrap();
        store.seal("h", 50 * MIN).unwrap();
    }
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    let want: Vec<(u64, i64, f64)> = written
        .iter()
        .flat_map(|(_, b)| (0..b.len()).map(move |i| (b.first_seq + i as u64, b.ts[i], b.columns[0].values[i])))
        .collect();
    assert_eq!(rows(&store), want, "every row reads back through the new tiers");
    assert_eq!(store.hosts().unwrap(), vec![record(5_400)]);
    // The first seal after the upgrade reads the segments (memory does not hold
    // them), and a segment straddling the hour is split, not lost.
    assert_eq!(store.seal("h", HOUR).unwrap(), 600);
    assert_eq!(rows(&store), want);
    // Rows after the hour, sealed from memory, join them.
    let mut open = Open::default();
    let whole = runs(&written.iter().map(|(_, b)| b.clone()).collect::<Vec<_>>(), i64::MAX);
    open.push(crate::block::split_at(&whole[0], HOUR).1, HOUR);
    store.seal_rows("h", 2 * HOUR, &open.before(2 * HOUR).unwrap()).unwrap();
    assert_eq!(rows(&store), want);
    assert_eq!(segment_count(&store), 0);
    assert_eq!(counted(&store, MINUTES), 5_400, "every row counted once in the minute tier");
    assert_eq!(counted(&store, HOURS), 5_400, "and in the hour tier");
}

#[test]
fn a_segment_straddling_the_seal_stays_readable() {
    let dir = Dir::new("seal-straddle");
    let mut store = Store::open(&dir.0, Tiers::default()).unwrap();
    let written = segments(3_700, 70);
    store.write(&[record(3_700)], &written).unwrap();
    let mut open = Open::default();
    for (_, block) in &written {
        open.push(block.clone(), HOUR);
    }
    store.seal_rows("h", HOUR, &open.before(HOUR).unwrap()).unwrap();
    assert_eq!(rows(&store).len(), 3_700, "rows sealed and the straddling segment, read without a hole");
    assert_eq!(segment_count(&store), 2, "the straddling segment and the one after it stay");
}

/// Every chunk of host `h`: (tier, start, bytes).
fn chunks(store: &Store) -> Vec<(i64, i64, Vec<u8>)> {
    let mut query =
        store.conn.prepare("SELECT tier, start, data FROM chunks WHERE host = 'h' ORDER BY tier, start").unwrap();
    query.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Two stores written the same `segments`, hours sealed on `owner` and adopted by
/// `other` (or sealed there when it cannot adopt).
fn pair(name: &str) -> (Dir, Dir, Store, Store) {
    let (a, b) = (Dir::new(&format!("{name}-owner")), Dir::new(&format!("{name}-other")));
    let owner = Store::open(&a.0, Tiers::default()).unwrap();
    let other = Store::open(&b.0, Tiers::default()).unwrap();
    (a, b, owner, other)
}

#[test]
fn an_adopted_hour_is_the_owners_chunks_byte_for_byte_and_replaces_the_segments() {
    let (_a, _b, mut owner, mut other) = pair("adopt");
    let written = segments(3 * 3_600, 5);
    owner.write(&[record(3 * 3_600)], &written).unwrap();
    other.write(&[record(3 * 3_600)], &written).unwrap();
    for hour in 1..=3 {
        let sealed = owner.seal_shared("h", hour * HOUR).unwrap();
        assert_eq!(
            sealed.spans,
            vec![crate::share::Span {
                epoch: "ep".into(),
                first: 1 + (hour as u64 - 1) * 3_600,
                last: hour as u64 * 3_600
            }]
        );
        // Sent as bytes, read back, adopted from the segments' headers.
        let sealed = crate::codec::decode_sealed(&crate::codec::encode_sealed(&sealed)).unwrap();
        assert_eq!(
            other.adopt("h", hour * HOUR, &sealed, None).unwrap(),
            Adopted::Written { merged: 0 },
            "hour {hour}"
        );
    }
    assert_eq!(chunks(&other), chunks(&owner), "every tier's chunks, byte for byte");
    assert_eq!(segment_count(&other), 0);
    assert_eq!(rows(&other).len(), 3 * 3_600);
}

#[test]
fn an_hour_missing_one_of_my_rows_is_not_adopted_and_nothing_changes() {
    let (_a, _b, mut owner, mut other) = pair("short");
    let written = segments(3_600, 5);
    // The owner lacks one segment (seqs 101..=105) that the other holds.
    let lacking: Vec<_> = written.iter().filter(|(_, b)| b.first_seq != 101).cloned().collect();
    owner.write(&[record(3_600)], &lacking).unwrap();
    other.write(&[record(3_600)], &written).unwrap();
    let sealed = owner.seal_shared("h", HOUR).unwrap();
    assert_eq!(other.adopt("h", HOUR, &sealed, None).unwrap(), Adopted::Short);
    let other_edge = SealedHour { before: 2 * HOUR, ..sealed.clone() };
    assert_eq!(other.adopt("h", HOUR, &other_edge, None).unwrap(), Adopted::Short, "another hour's seal");
    assert_eq!(segment_count(&other), 720, "its segments stay");
    assert!(chunks(&other).is_empty());
    // Sealing itself then loses nothing.
    other.seal("h", HOUR).unwrap();
    assert_eq!(rows(&other).len(), 3_600);
}

#[test]
fn a_rollup_chunk_that_differs_here_gets_the_hours_buckets_merged_in() {
    let (_a, _b, mut owner, mut other) = pair("merge");
    let written = segments(2 * 3_600, 5);
    owner.write(&[record(7_200)], &written).unwrap();
    // The other hub missed five rows of the first hour, and sealed that hour by
    // itself: its day chunk is not the owner's.
    let lacking: Vec<_> = written.iter().filter(|(_, b)| b.first_seq != 101).cloned().collect();
    other.write(&[record(7_200)], &lacking).unwrap();
    owner.seal("h", HOUR).unwrap();
    other.seal("h", HOUR).unwrap();
    let sealed = owner.seal_shared("h", 2 * HOUR).unwrap();
    let minutes = |store: &Store| counted(store, MINUTES);
    let before = minutes(&other);
    match other.adopt("h", 2 * HOUR, &sealed, None).unwrap() {
        Adopted::Written { merged } => assert!(merged >= 1, "{merged}"),
        Adopted::Short => panic!("the other holds nothing the owner lacks"),
    }
    assert_eq!(minutes(&other), before + 3_600, "the hour's samples counted once");
    assert_eq!(minutes(&other), minutes(&owner) - 5, "its own first hour, the owner's second");
}

#[test]
fn review_rows_adopted_before_they_arrived_here_are_not_counted_twice() {
    let (_a, _b, mut owner, mut other) = pair("review-late");
    let written = segments(2 * 3_600, 5);
    owner.write(&[record(7_200)], &written).unwrap();
    // The other hub lags: it holds the hour but its last 10 s (seqs 3591..=3600).
    let (early, late): (Vec<_>, Vec<_>) =
        written.iter().cloned().partition(|(_, b)| b.first_seq <= 3_586 || b.first_seq > 3_600);
    let (hour1, hour2): (Vec<_>, Vec<_>) = early.into_iter().partition(|(_, b)| b.first_seq <= 3_600);
    other.write(&[record(3_590)], &hour1).unwrap();
    let sealed = owner.seal_shared("h", HOUR).unwrap();
    assert_eq!(other.adopt("h", HOUR, &sealed, None).unwrap(), Adopted::Written { merged: 0 });
    // Then the lagging rows arrive, with the next hour's.
    other.write(&[record(3_600)], &late).unwrap();
    other.write(&[record(7_200)], &hour2).unwrap();
    owner.seal("h", 2 * HOUR).unwrap();
    other.seal("h", 2 * HOUR).unwrap();
    let raw: i64 = other.conn.query_row("SELECT count(*) FROM chunks WHERE tier = 0", [], |r| r.get(0)).unwrap();
    eprintln!("raw chunks other={raw}, rows other={} owner={}", rows(&other).len(), rows(&owner).len());
    eprintln!("minute counts other={} owner={}", counted(&other, MINUTES), counted(&owner, MINUTES));
    eprintln!("hour counts other={} owner={}", counted(&other, HOURS), counted(&owner, HOURS));
    assert_eq!(counted(&other, MINUTES), counted(&owner, MINUTES), "each sample counted once");
}

#[test]
fn an_hour_adopted_with_no_rollup_chunk_here_brings_only_its_own_buckets() {
    let (_a, _b, mut owner, mut other) = pair("fresh-only");
    let written = segments(2 * 3_600, 5);
    owner.write(&[record(7_200)], &written).unwrap();
    owner.seal("h", HOUR).unwrap();
    let sealed = owner.seal_shared("h", 2 * HOUR).unwrap();
    assert!(sealed.tiers.iter().all(|t| t.before.is_some()), "the owner merged into its first hour's chunks");
    // The other hub never had the first hour.
    let second: Vec<_> = written.into_iter().filter(|(_, b)| b.first_seq > 3_600).collect();
    other.write(&[record(7_200)], &second).unwrap();
    assert_eq!(other.adopt("h", 2 * HOUR, &sealed, None).unwrap(), Adopted::Written { merged: 0 });
    assert_eq!(counted(&other, MINUTES), 3_600, "the second hour's samples only");
    assert_eq!(counted(&other, HOURS), 3_600);
}
