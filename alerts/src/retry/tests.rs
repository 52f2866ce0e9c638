//! The schedule's delays, bounds and decisions, with a seeded generator.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;

const S: u64 = 1_000;

/// An answer, the attempt's number, the first attempt's and this one's time, and the
/// decision: exact, or the range a jittered retry must land in.
type Case = (Answer, u32, u64, u64, Result<Next, (u64, u64)>);

#[test]
fn delays_double_up_to_the_cap() {
    let schedule = Schedule::default();
    let secs = Duration::from_secs;
    let cases = [
        (1, 0.0, secs(1)),
        (1, 1.0, secs(5)),
        (1, 0.5, Duration::from_millis(3_000)),
        (2, 1.0, secs(10)),
        (3, 1.0, secs(20)),
        (10, 1.0, secs(2_560)),
        (12, 1.0, secs(10_240)),
        (13, 1.0, secs(10_800)),
        (u32::MAX, 1.0, secs(10_800)),
        (u32::MAX, 7.0, secs(10_800)),
        (0, 1.0, secs(5)),
    ];
    for (retry, unit, expected) in cases {
        assert_eq!(schedule.delay(retry, unit), expected, "retry {retry}, draw {unit}");
    }
}

#[test]
fn decisions() {
    let schedule = Schedule::default();
    let day = 86_400 * S;
    let status = |code| Answer::Status { code, retry_after: None };
    let after = |code, secs| Answer::Status { code, retry_after: Some(Duration::from_secs(secs)) };
    // (answer, attempt, first, now, expected: exact, or a range for a retry)
    let cases: &[Case] = &[
        (status(200), 1, 0, 0, Ok(Next::Done)),
        (status(410), 3, 0, 9 * S, Ok(Next::Disable)),
        (status(403), 1, 0, 0, Ok(Next::Failed)),
        (status(500), 1, 0, 0, Err((S, 5 * S))),
        (Answer::Timeout, 1, 0, 30 * S, Err((31 * S, 35 * S))),
        (Answer::Network, 4, 0, 60 * S, Err((61 * S, 100 * S))),
        (status(503), 30, 0, 3_600 * S, Err((3_601 * S, 3_600 * S + 10_800 * S))),
        // Retry-After is a floor over the jitter.
        (after(429, 120), 1, 0, 0, Ok(Next::RetryAt(120 * S))),
        (after(503, 0), 1, 0, 0, Err((S, 5 * S))),
        // Near the horizon the last try lands on it; past it, none.
        (status(500), 20, 0, day - 10 * S, Ok(Next::RetryAt(day))),
        (status(500), 20, 0, day, Ok(Next::GiveUp)),
        (after(429, 3_600), 20, 0, day - 60 * S, Ok(Next::GiveUp)),
        (status(404), 20, 0, 2 * day, Ok(Next::Failed)),
    ];
    let mut rng = StdRng::seed_from_u64(17);
    for (answer, attempt, first, now, expected) in cases {
        let got = schedule.next(*answer, *attempt, *first, *now, &mut rng);
        match expected {
            Ok(next) => assert_eq!(got, *next, "{answer:?} attempt {attempt} at {now}"),
            Err((low, high)) => match got {
                Next::RetryAt(at) => assert!((*low..=*high).contains(&at), "{answer:?} attempt {attempt}: {at}"),
                other => panic!("{answer:?} attempt {attempt}: {other:?}, not a retry"),
            },
        }
    }
}

#[test]
fn a_day_of_failures_is_spread_and_bounded() {
    let schedule = Schedule::default();
    for seed in 0..20 {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut now = 0;
        let mut attempt = 1;
        let mut gaps = Vec::new();
        loop {
            match schedule.next(Answer::Status { code: 500, retry_after: None }, attempt, 0, now, &mut rng) {
                Next::RetryAt(at) => {
                    gaps.push(at - now);
                    now = at;
                    attempt += 1;
                }
                Next::GiveUp => break,
                other => panic!("seed {seed}: {other:?}"),
            }
        }
        assert!(gaps[0] <= 5 * S, "seed {seed}: first retry after {} ms", gaps[0]);
        assert!(gaps.iter().all(|gap| *gap <= 10_800 * S), "seed {seed}: a gap beyond the cap");
        assert_eq!(now, 86_400 * S, "seed {seed}: the last try is at the horizon");
        assert!((15..=60).contains(&attempt), "seed {seed}: {attempt} attempts in a day");
    }
}

#[test]
fn the_same_seed_gives_the_same_schedule() {
    let schedule = Schedule::with_horizon(Duration::from_secs(3_600));
    let run = |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        (1..8).map(|attempt| schedule.next(Answer::Timeout, attempt, 0, 0, &mut rng)).collect::<Vec<_>>()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    assert_eq!(schedule.max_delay, Duration::from_secs(450));
}
