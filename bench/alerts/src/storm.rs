//! Figure c: a storm of alerts through hub kills and receiver outages. Agents over
//! real links flip their `cpu.total` between 20 and 80 at random (two rules with no
//! `for`: each flip is two notifications); meanwhile the hub is killed with SIGKILL
//! `--kills` times at random moments and started again on the same `--data`, and
//! the receiver refuses connections or answers 503 for random stretches. Then the
//! storm stops, the receiver stays up, and the run waits until every notification
//! the rules must produce from the samples sent has arrived, or fails naming what
//! is missing. Checked: none lost, none under two ids (what a receiver that
//! de-duplicates by `webhook-id` would show twice), none unexpected, and each
//! (rule, host)'s notifications first arrived in the order they happened; counted:
//! the same id received again (at-least-once delivery resending after a kill).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rand::Rng;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;

use crate::agent::{self, Sample, Stream};
use crate::args::Flags;
use crate::clock::{now_ms, until_ms};
use crate::error::{Error, Result};
use crate::hub::Spec;
use crate::receiver::{Received, Receiver};
use crate::rules;
use crate::scratch::Scratch;

const HIGH: f64 = 80.0;
const LOW: f64 = 20.0;

/// One notification: rule, host, type, the event's time.
type Key = (String, String, String, i64);

/// What the receiver does for a stretch.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mood {
    Up,
    Refusing,
    Failing,
}

/// Runs it; one JSON object of counts, `passed` false if a check failed.
pub async fn run(mut flags: Flags) -> Result<Value> {
    let binary = flags.server();
    let hosts: usize = flags.get("hosts", 30)?;
    let kills: usize = flags.get("kills", 20)?;
    let flip: f64 = flags.get("flip", 0.35)?;
    let settle: u64 = flags.get("settle", 600)?;
    let answer_ms: u64 = flags.get("answer-ms", 200)?;
    flags.done()?;
    let scratch = Scratch::new("storm")?;
    let mut receiver = Receiver::start().await?;
    // A receiver that takes a while to answer, so some kills land while a delivery
    // is in flight: the notification arrived, the hub never learnt it.
    receiver.answer_within(answer_ms);
    let spec = Spec::in_scratch(binary, &scratch, Some(&rules::storm(&receiver.url())?), None)?;
    let mut hub = spec.start().await?;
    let (_addr_tx, addr) = watch::channel(hub.addr);
    let (stop_tx, stop) = watch::channel(false);
    let storming = Arc::new(AtomicBool::new(true));
    let mut streams = Vec::new();
    let mut links = Vec::new();
    let start = (now_ms() / 1000 + 1) * 1000;
    for index in 0..hosts {
        let stream = Stream::new(format!("storm-{index:03}"), "storm");
        links.push(tokio::spawn(agent::link(addr.clone(), Arc::clone(&stream), stop.clone())));
        tokio::spawn(play(
            Arc::clone(&stream),
            start + (index * 1000 / hosts) as i64,
            flip,
            Arc::clone(&storming),
            stop.clone(),
        ));
        streams.push(stream);
    }

    // The storm: kills at random moments (1–5 s apart), the receiver's moods
    // changing on a clock of their own (up 1–6 s, then down or failing 1–6 s).
    let began = Instant::now();
    let mut killed = 0;
    let mut outages = 0;
    let mut mood = Mood::Up;
    let mut next_kill = Instant::now() + random_ms(1_000, 5_000);
    let mut next_mood = Instant::now() + random_ms(1_000, 6_000);
    while killed < kills {
        if next_kill <= next_mood {
            tokio::time::sleep_until(next_kill).await;
            hub.kill().await?;
            killed += 1;
            tokio::time::sleep(random_ms(0, 1_000)).await;
            hub = spec.start().await?;
            next_kill = Instant::now() + random_ms(1_000, 5_000);
        } else {
            tokio::time::sleep_until(next_mood).await;
            mood = match mood {
                Mood::Up if rand::rng().random_bool(0.5) => Mood::Refusing,
                Mood::Up => Mood::Failing,
                Mood::Refusing | Mood::Failing => Mood::Up,
            };
            set(&mut receiver, mood).await?;
            outages += usize::from(mood != Mood::Up);
            next_mood = Instant::now() + random_ms(1_000, 6_000);
        }
    }
    set(&mut receiver, Mood::Up).await?;
    storming.store(false, Ordering::SeqCst);
    let storm_s = began.elapsed().as_secs_f64();

    // Every value from now on repeats the last: nothing more to notify. What the
    // rules must produce is known now.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let expected = expected(&streams);
    let calm = Instant::now();
    let deadline = calm + Duration::from_secs(settle);
    loop {
        let arrived: BTreeSet<Key> = receiver.received().iter().map(key).collect();
        if expected.iter().all(|key| arrived.contains(key)) || Instant::now() >= deadline {
            break;
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), receiver.arrival()).await;
    }
    let waited_s = calm.elapsed().as_secs_f64();
    let _ = stop_tx.send(true);
    let mut opened = 0;
    let mut replayed = 0;
    for link in links {
        let done = link.await.map_err(|error| Error::Failed(error.to_string()))?;
        opened += done.opened;
        replayed += done.replayed;
    }
    hub.kill().await?;

    let received = receiver.received();
    let verdict = judge(&expected, &received);
    let passed =
        verdict.lost.is_empty() && verdict.twice == 0 && verdict.unexpected.is_empty() && verdict.out_of_order == 0;
    Ok(json!({
        "kind": "storm",
        "passed": passed,
        "hosts": hosts,
        "answer_ms": answer_ms,
        "kills": killed,
        "receiver_outages": outages,
        "answered_503": receiver.refused(),
        "storm_s": storm_s,
        "samples": streams.iter().map(|s| s.all().len()).sum::<usize>(),
        "links_opened": opened,
        "samples_replayed": replayed,
        "expected": expected.len(),
        "posts": received.len(),
        "lost": verdict.lost.len(),
        "duplicates_by_id": verdict.twice,
        "raw_duplicates": verdict.resent,
        "unexpected": verdict.unexpected.len(),
        "out_of_order": verdict.out_of_order,
        "malformed": receiver.malformed(),
        "drained_s": waited_s,
        "lost_examples": verdict.lost.iter().take(10).map(|k| format!("{k:?}")).collect::<Vec<_>>(),
        "unexpected_examples": verdict.unexpected.iter().take(10).map(|k| format!("{k:?}")).collect::<Vec<_>>(),
    }))
}

/// Host `stream`'s samples, one a second from `first`: while storming, the value
/// flips with probability `flip`; afterwards it stays.
async fn play(stream: Arc<Stream>, first: i64, flip: f64, storming: Arc<AtomicBool>, mut stop: watch::Receiver<bool>) {
    let mut ts = first;
    let mut high = rand::rng().random_bool(0.5);
    loop {
        tokio::select! {
            () = until_ms(ts) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
        if storming.load(Ordering::SeqCst) && rand::rng().random_bool(flip) {
            high = !high;
        }
        stream.push(ts, if high { HIGH } else { LOW });
        ts += 1000;
    }
}

async fn set(receiver: &mut Receiver, mood: Mood) -> Result<()> {
    receiver.fail(mood == Mood::Failing);
    match mood {
        Mood::Refusing => receiver.down(),
        Mood::Up | Mood::Failing => receiver.up().await?,
    }
    Ok(())
}

fn random_ms(low: u64, high: u64) -> Duration {
    Duration::from_millis(rand::rng().random_range(low..=high))
}

fn key(received: &Received) -> Key {
    (received.rule.clone(), received.host.clone(), received.kind.clone(), received.at_ms)
}

/// What the two rules must notify for these samples, worked out here from their
/// definitions (not by `pulse_alerts`): "storm high" fires on a value above 50 and
/// resolves on one below it; "storm low" fires below 30 and resolves above it.
fn expected(streams: &[Arc<Stream>]) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for stream in streams {
        let samples: Vec<Sample> = stream.all();
        let (mut high, mut low) = (false, false);
        for sample in samples {
            let mut note = |rule: &str, kind: &str| {
                keys.insert((rule.to_owned(), stream.id.clone(), kind.to_owned(), sample.ts));
            };
            match (sample.cpu > 50.0, high) {
                (true, false) => note("storm high", "alert.firing"),
                (false, true) => note("storm high", "alert.resolved"),
                _ => {}
            }
            high = sample.cpu > 50.0;
            match (sample.cpu < 30.0, low) {
                (true, false) => note("storm low", "alert.firing"),
                (false, true) => note("storm low", "alert.resolved"),
                _ => {}
            }
            low = sample.cpu < 30.0;
        }
    }
    keys
}

/// The checks.
struct Verdict {
    lost: Vec<Key>,
    unexpected: Vec<Key>,
    /// Notifications that arrived under more than one id (the extra ids).
    twice: usize,
    /// Posts of an id already received.
    resent: usize,
    /// (rule, host) lines whose first arrivals are not in the order of their events.
    out_of_order: usize,
}

fn judge(expected: &BTreeSet<Key>, received: &[Received]) -> Verdict {
    let mut ids: HashMap<Key, BTreeSet<&str>> = HashMap::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut resent = 0;
    let mut lines: BTreeMap<(String, String), Vec<i64>> = BTreeMap::new();
    for post in received {
        if !seen.insert(post.id.as_str()) {
            resent += 1;
            continue;
        }
        ids.entry(key(post)).or_default().insert(post.id.as_str());
        lines.entry((post.rule.clone(), post.host.clone())).or_default().push(post.at_ms);
    }
    let lost = expected.iter().filter(|key| !ids.contains_key(*key)).cloned().collect();
    let unexpected = ids.keys().filter(|key| !expected.contains(*key)).cloned().collect();
    let twice = ids.values().map(|ids| ids.len() - 1).sum();
    let out_of_order = lines.values().filter(|times| times.windows(2).any(|pair| pair[0] >= pair[1])).count();
    Verdict { lost, unexpected, twice, resent, out_of_order }
}
