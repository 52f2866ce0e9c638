//! One cursor across every transport: duplicates dropped, holes and epoch changes
//! marked, resume requests carry it.

use pulse_protocol::GapReason;

use super::support::*;
use super::world::{Behaviour, World};
use crate::connection::{Command, Engine, EngineConfig, Event, LinkState, Timer, TransportKind};

#[test]
fn frames_are_checked_against_the_cursor() {
    // (frames after seq 5 was accepted) → (delivered, gap markers, duplicates)
    let cases: Vec<(Vec<u64>, Vec<u64>, usize, u64)> = vec![
        (vec![6, 7, 8], vec![6, 7, 8], 0, 0),
        (vec![5], vec![], 0, 1),
        (vec![3, 4, 5, 6], vec![6], 0, 3),
        (vec![6, 6, 7, 7], vec![6, 7], 0, 2),
        (vec![9], vec![9], 1, 0),
        (vec![7, 9, 12], vec![7, 9, 12], 3, 0),
        (vec![8, 7, 9], vec![8, 9], 1, 1),
    ];
    for (frames, want, want_gaps, want_dups) in cases {
        let (mut s, id) = Script::new(EngineConfig::default());
        s.bring_up(id, "e", 5);
        let out = s.messages(id, frames.iter().map(|&seq| frame(seq)).collect());
        assert_eq!(delivered(&out), want, "{frames:?}");
        assert_eq!(gaps(&out), want_gaps, "{frames:?}");
        assert_eq!(s.engine.counters().duplicates, want_dups, "{frames:?}");
    }
}

#[test]
fn a_poll_answer_is_delivered_as_one_batch_and_a_gap_splits_it() {
    let (mut s, id) = Script::new(EngineConfig::default());
    let out = s.messages(id, vec![hello("e", 0), frame(1), frame(2), frame(3)]);
    let batches = out.iter().filter(|c| matches!(c, Command::Frames(_))).count();
    assert_eq!(batches, 1);
    let out = s.messages(id, vec![frame(4), gap(GapReason::Lagged, 9), frame(9), frame(10)]);
    let kinds: Vec<&str> = out
        .iter()
        .filter_map(|c| match c {
            Command::Frames(_) => Some("frames"),
            Command::Gap(_) => Some("gap"),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["frames", "gap", "frames"]);
    assert_eq!(delivered(&out), vec![4, 9, 10]);
}

#[test]
fn a_server_gap_is_one_marker_and_moves_the_cursor_forward_only() {
    let (mut s, id) = Script::new(EngineConfig::default());
    s.bring_up(id, "e", 20);
    let out = s.messages(id, vec![gap(GapReason::TooOld, 30), frame(30)]);
    assert_eq!((gaps(&out), delivered(&out)), (1, vec![30]), "no second marker for the hole it explains");
    let out = s.messages(id, vec![gap(GapReason::Lagged, 10), frame(25), frame(31)]);
    assert_eq!(delivered(&out), vec![31], "a gap never moves the cursor back");
    assert_eq!(s.engine.counters().gaps, 2);
}

#[test]
fn a_new_epoch_is_one_gap_then_its_frames_from_the_start() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "old", 50);
    let (id, _) = s.fail_and_retry(ws);
    let out = s.messages(id, vec![hello("new", 2), gap(GapReason::EpochChanged, 1), frame(1), frame(2)]);
    assert_eq!(gaps(&out), 1, "one restart, one gap");
    assert_eq!(delivered(&out), vec![1, 2]);
    assert_eq!(s.engine.cursor(), Some(&cursor("new", 2)));
    assert_eq!(s.engine.epoch().map(|e| e.0.as_str()), Some("new"));
}

#[test]
fn a_new_epoch_without_the_servers_gap_message_is_still_a_gap() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "old", 50);
    let (id, _) = s.fail_and_retry(ws);
    let out = s.messages(id, vec![hello("new", 0), frame(1)]);
    assert_eq!((gaps(&out), delivered(&out)), (1, vec![1]));
}

#[test]
fn every_reopen_resumes_from_the_cursor_whatever_the_transport() {
    let (mut s, ws) = Script::new(EngineConfig { retries_before_fallback: 1, ..EngineConfig::default() });
    s.bring_up(ws, "e", 3);
    s.messages(ws, vec![frame(4)]);
    let out = s.fail(ws);
    let out = s.fire(Timer::Retry, timer(&out, Timer::Retry).expect("retry"));
    assert_eq!(opened(&out).and_then(|o| o.2), Some(cursor("e", 4)));
    let out = s.fire(Timer::Connect, 1_500.0);
    let (sse, transport, resume) = opened(&out).expect("sse");
    assert_eq!((transport, resume), (TransportKind::Sse, Some(cursor("e", 4))));
    s.messages(sse, vec![hello("e", 5), frame(5)]);
    assert_eq!(s.engine.counters().frames, 3);
}

#[test]
fn a_cursor_from_a_backfill_is_the_first_resume_point() {
    let mut engine = Engine::new(EngineConfig::default());
    engine.resume_from(cursor("e", 77));
    let out = engine.handle(Event::Start { remembered: None }, 0.0, 0.5);
    assert_eq!(opened(&out).and_then(|o| o.2), Some(cursor("e", 77)));
}

#[test]
fn a_malformed_message_is_logged_and_the_link_goes_on() {
    let (mut s, id) = Script::new(EngineConfig::default());
    s.bring_up(id, "e", 1);
    let out = s.send(Event::Malformed { attempt: id, error: "unreadable message: expected value".into() });
    assert_eq!(logs(&out), ["WebSocket: unreadable message: expected value (ignored)"]);
    assert_eq!(s.engine.status().state, LinkState::Live);
}

#[test]
fn switching_transports_through_many_drops_loses_nothing_silently() {
    let mut world = World::new(EngineConfig::default()).with(TransportKind::WebSocket, Behaviour::Silent);
    world.start(None);
    world.run_until(8_000.0);
    world.restart(500.0, false);
    world.run_until(20_000.0);
    world.assert_no_duplicates_or_silent_holes();
    assert_eq!(world.delivered.iter().filter(|s| **s == -1).count(), 1, "one gap for the restart");
    assert_eq!(world.engine.counters().duplicates, 0);
}

#[test]
fn a_server_of_a_newer_protocol_is_named_in_the_log() {
    let (mut s, id) = Script::new(EngineConfig::default());
    let mut newer = hello("e", 0);
    if let pulse_protocol::ServerMessage::Hello(h) = &mut newer {
        h.protocol = pulse_protocol::PROTOCOL_VERSION + 1;
    }
    let out = s.messages(id, vec![newer, frame(1)]);
    let logs: Vec<&String> = out.iter().filter_map(|c| if let Command::Log(l) = c { Some(l) } else { None }).collect();
    assert!(logs.iter().any(|l| l.contains("reload the page")), "{logs:?}");
    assert_eq!(delivered(&out), vec![1], "it still shows what it can read");
    let out = s.messages(id, vec![hello("e", 1), frame(2)]);
    assert!(!out.iter().any(|c| matches!(c, Command::Log(l) if l.contains("protocol"))), "same version: nothing said");
}
