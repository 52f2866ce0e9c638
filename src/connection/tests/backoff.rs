//! Retry delays as the engine uses them: near 1 s at first, growing after, reset
//! after a healthy link, server hints jittered.

use super::support::*;
use super::world::World;
use crate::connection::{Backoff, EngineConfig, Event, LinkState, Timer, TransportKind};

use TransportKind::{Sse, WebSocket};

fn only_ws() -> EngineConfig {
    EngineConfig { order: vec![WebSocket], ..EngineConfig::default() }
}

/// Delays of `n` consecutive failures of a transport that never comes back.
fn delays(config: EngineConfig, random: f64, n: usize) -> Vec<f64> {
    let (mut s, mut id) = Script::new(config);
    s.random = random;
    s.bring_up(id, "e", 1);
    let mut delays = Vec::new();
    for _ in 0..n {
        let out = s.fail(id);
        let delay = timer(&out, Timer::Retry).expect("a retry");
        delays.push(delay);
        id = opened(&s.fire(Timer::Retry, delay)).expect("reopen").0;
    }
    delays
}

#[test]
fn the_first_three_retries_stay_between_half_and_one_and_a_half_seconds() {
    for random in [0.0, 0.3, 0.999] {
        for delay in &delays(only_ws(), random, 3) {
            assert!((500.0..=1_500.0).contains(delay), "random {random}: {delay}");
        }
    }
}

#[test]
fn later_retries_grow_with_full_jitter_up_to_the_cap() {
    let high = delays(only_ws(), 0.999_999, 12);
    let rounded: Vec<f64> = high.iter().map(|d| (d / 100.0).round() * 100.0).collect();
    assert_eq!(&rounded[3..8], &[2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0]);
    assert!(high.iter().all(|d| *d <= 30_000.0));
    let low = delays(only_ws(), 0.0, 12);
    assert!(low.iter().all(|d| *d >= 500.0), "never zero, no reconnect storm: {low:?}");
}

#[test]
fn immediate_fallbacks_do_not_count_as_backoff_steps() {
    // A server down for a while: each pass tries every transport, but the delay
    // grows by one step per pass, not per transport.
    let (mut s, mut id) = Script::new(EngineConfig::default());
    s.random = 0.999_999;
    let mut waits = Vec::new();
    for _ in 0..4 {
        let out = s.fail(id);
        match timer(&out, Timer::Retry) {
            Some(delay) => {
                waits.push(delay);
                id = opened(&s.fire(Timer::Retry, delay)).expect("reopen").0;
            }
            None => id = opened(&out).expect("fallback").0,
        }
    }
    assert_eq!(waits.len(), 1, "one wait per pass of four transports");
    assert!(waits[0] <= 1_500.0);
}

#[test]
fn the_count_resets_only_after_the_link_stayed_up_ten_seconds() {
    // (seconds up before each drop, expected status.attempt after the last drop)
    let cases = [(vec![1.0, 1.0, 1.0], 3), (vec![1.0, 1.0, 11.0], 1), (vec![12.0], 1), (vec![0.5; 5], 5)];
    for (ups, want) in cases {
        let (mut s, mut id) = Script::new(only_ws());
        for up_s in &ups {
            s.bring_up(id, "e", 1);
            s.now += up_s * 1_000.0;
            id = s.fail_and_retry(id).0;
        }
        assert_eq!(s.engine.status().attempt, want, "{ups:?}");
    }
}

#[test]
fn server_hints_win_and_are_jittered() {
    // (hint ms, random) → delay
    let cases = [(1_000.0, 0.0, 750.0), (1_000.0, 1.0, 1_250.0), (4_000.0, 0.5, 4_000.0), (90_000.0, 0.5, 30_000.0)];
    for (hint, random, want) in cases {
        let (mut s, id) = Script::new(EngineConfig { order: vec![WebSocket, Sse], ..EngineConfig::default() });
        s.random = random;
        let out = s.fail_with(id, Some(hint));
        assert_eq!(timer(&out, Timer::Retry), Some(want), "hint {hint}");
        assert!(opened(&out).is_none(), "a hint means: wait, even on a transport that never came up");
    }
    assert_eq!(Backoff::default().delay(1, Some(2_000.0), 0.5), 2_000.0);
}

#[test]
fn a_restarted_server_is_live_again_within_two_seconds_of_listening() {
    for (down_ms, bye) in [(300.0, true), (1_000.0, true), (2_500.0, false), (2_900.0, true)] {
        let mut world = World::new(EngineConfig::default());
        world.start(None);
        world.run_until(5_000.0);
        world.restart(down_ms, bye);
        let listening = world.now + down_ms;
        world.run_until(30_000.0);
        let live = world.live_at(listening).expect("live again");
        assert!(live - listening <= 2_000.0, "down {down_ms}: live {} ms after listening", live - listening);
        assert_eq!(world.state(), (LinkState::Live, Some(WebSocket)), "a restart does not cause a fallback");
        world.send(Event::Visible);
    }
}
