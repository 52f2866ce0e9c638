//! The append script against a real `redis-server`, case by case: one call appends
//! a chunk of frames, each only if newer than its stream's last entry (frames
//! earlier in the same call included), so a frame written twice, by one hub or two,
//! is stored once.

#[path = "redis/server.rs"]
mod server;

use pulse_server::redis::scripts;
use redis::aio::MultiplexedConnection;
use server::Redis;

/// A frame as the appender sends it: stream, epoch, seq, ts.
type Frame = (&'static str, &'static str, u64, i64);

/// Appends `frames` in one script call; how many the script says it appended.
async fn append(conn: &mut MultiplexedConnection, frames: &[Frame]) -> i64 {
    let script = scripts::append();
    let mut invocation = script.prepare_invoke();
    invocation.arg(600_000).arg(1);
    for (stream, epoch, seq, ts) in frames {
        invocation.key(*stream).arg(*epoch).arg(*seq).arg(*ts).arg(format!("{{\"seq\":{seq}}}"));
    }
    invocation.invoke_async(conn).await.expect("append")
}

/// The (epoch, seq) of each entry of `stream`, oldest first.
async fn entries(conn: &mut MultiplexedConnection, stream: &str) -> Vec<(String, u64)> {
    let read: Vec<(String, Vec<(String, String)>)> =
        redis::cmd("XRANGE").arg(stream).arg("-").arg("+").query_async(conn).await.expect("xrange");
    read.into_iter()
        .map(|(_, fields)| {
            let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
            (get("epoch"), get("seq").parse().expect("seq"))
        })
        .collect()
}

#[tokio::test]
async fn one_call_appends_each_frame_only_if_newer_than_its_streams_last() {
    let redis = Redis::start().await;
    let client = redis::Client::open(redis.url()).expect("client");
    let mut conn = client.get_multiplexed_async_connection().await.expect("connection");
    // Calls made one after another on fresh streams; the appended count of each
    // call; then each stream's (epoch, seq) entries.
    type Case =
        (&'static [&'static [Frame]], &'static [i64], &'static [(&'static str, &'static [(&'static str, u64)])]);
    let cases: &[Case] = &[
        // Two hosts in one call, each in order.
        (
            &[&[("a", "e1", 1, 1_000), ("b", "e1", 1, 1_000), ("a", "e1", 2, 2_000)]],
            &[3],
            &[("a", &[("e1", 1), ("e1", 2)]), ("b", &[("e1", 1)])],
        ),
        // A frame repeated in the same call, and again in the next: stored once.
        (
            &[&[("a", "e1", 1, 1_000), ("a", "e1", 1, 1_000)], &[("a", "e1", 1, 1_000), ("a", "e1", 2, 2_000)]],
            &[1, 1],
            &[("a", &[("e1", 1), ("e1", 2)])],
        ),
        // An older seq of the same epoch after a newer one is dropped.
        (
            &[&[("a", "e1", 5, 5_000), ("a", "e1", 3, 3_000), ("a", "e1", 6, 6_000)]],
            &[2],
            &[("a", &[("e1", 5), ("e1", 6)])],
        ),
        // A restarted agent (another epoch, seq from 1) is kept when its sample is
        // later, dropped when not.
        (
            &[&[("a", "e1", 9, 9_000), ("a", "e2", 1, 8_000), ("a", "e2", 1, 10_000), ("a", "e2", 2, 11_000)]],
            &[3],
            &[("a", &[("e1", 9), ("e2", 1), ("e2", 2)])],
        ),
    ];
    for (round, (calls, appended, streams)) in cases.iter().enumerate() {
        let _: () = redis::cmd("FLUSHALL").query_async(&mut conn).await.expect("flush");
        for (call, expected) in calls.iter().zip(*appended) {
            assert_eq!(append(&mut conn, call).await, *expected, "case {round}: {call:?}");
        }
        for (stream, want) in *streams {
            let want: Vec<(String, u64)> = want.iter().map(|(e, s)| (e.to_string(), *s)).collect();
            assert_eq!(entries(&mut conn, stream).await, want, "case {round}: stream {stream}");
        }
    }
}
