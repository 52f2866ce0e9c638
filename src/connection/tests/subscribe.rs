//! One connection, several streams: a WebSocket whose hub takes `subscribe` keeps
//! its socket; anything else closes its one attempt before opening the next. Each
//! stream resumes from its own cursor.

use pulse_protocol::{ApiError, ServerMessage};

use super::support::*;
use crate::connection::{Command, EngineConfig, Event, TransportKind};

fn subscribe(script: &mut Script, host: &str) -> Vec<Command> {
    script.send(Event::Subscribe { host: host.into() })
}

/// The `Subscribe` command in `out`: (attempt, host, cursor).
fn subscribed(out: &[Command]) -> Option<(u64, String, Option<pulse_protocol::Cursor>)> {
    out.iter().find_map(|c| match c {
        Command::Subscribe { attempt, host, cursor } => Some((*attempt, host.clone(), cursor.clone())),
        _ => None,
    })
}

fn closes(out: &[Command]) -> Vec<u64> {
    out.iter()
        .filter_map(|c| match c {
            Command::Close(id) => Some(*id),
            _ => None,
        })
        .collect()
}

#[test]
fn a_websocket_shows_another_stream_on_the_same_socket_and_each_resumes_its_own() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "@fleet");
    s.messages(ws, vec![hello_of("@fleet", "f", 10, true), frame(11)]);

    let out = subscribe(&mut s, "web-1");
    assert_eq!(subscribed(&out), Some((ws, "web-1".into(), None)), "a host never shown has no cursor");
    assert!(opened(&out).is_none() && closes(&out).is_empty(), "no new socket: {out:?}");

    // What the socket still brings of the summary is not the host's.
    assert!(delivered(&s.messages(ws, vec![frame(12), heartbeat(12)])).is_empty());
    let out = s.messages(ws, vec![hello_of("web-1", "w", 4, true), frame(5), frame(6)]);
    assert_eq!((delivered(&out), gaps(&out)), (vec![5, 6], 0), "another host's epoch is no restart");

    let out = subscribe(&mut s, "@fleet");
    assert_eq!(subscribed(&out), Some((ws, "@fleet".into(), Some(cursor("f", 11)))), "back where it left");
    assert!(delivered(&s.messages(ws, vec![frame(7)])).is_empty());
    let out = s.messages(ws, vec![hello_of("@fleet", "f", 14, true), frame(12), frame(13), frame(14)]);
    assert_eq!((delivered(&out), gaps(&out)), (vec![12, 13, 14], 0), "the summary resumes without a hole");

    let out = subscribe(&mut s, "web-1");
    assert_eq!(subscribed(&out).and_then(|(_, _, c)| c), Some(cursor("w", 6)));
    let counters = s.engine.counters();
    assert_eq!((counters.frames, counters.duplicates, counters.gaps), (6, 0, 0), "counted across streams");
}

#[test]
fn switches_in_quick_succession_wait_for_the_last_stream_s_hello() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "@fleet");
    s.messages(ws, vec![hello_of("@fleet", "f", 10, true), frame(11)]);
    subscribe(&mut s, "web-1");
    subscribe(&mut s, "web-2");
    let out = s.messages(ws, vec![hello_of("web-1", "a", 4, true), frame(5)]);
    assert!(delivered(&out).is_empty(), "web-1 was left before its hello came");
    let out = s.messages(ws, vec![hello_of("web-2", "b", 8, true), frame(9)]);
    assert_eq!(delivered(&out), vec![9]);
    assert_eq!(s.engine.cursor(), Some(&cursor("b", 9)));
}

#[test]
fn showing_the_stream_already_shown_does_nothing() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "web-1");
    s.messages(ws, vec![hello_of("web-1", "w", 1, true), frame(2)]);
    assert!(subscribe(&mut s, "web-1").is_empty());
}

#[test]
fn without_subscribe_the_one_attempt_is_closed_before_the_next_opens() {
    // (transport, whether the hub's hello offers subscribe)
    let cases = [
        (TransportKind::WebSocket, false),
        (TransportKind::Sse, true),
        (TransportKind::LongPoll, true),
        (TransportKind::Poll, true),
    ];
    for (transport, offers) in cases {
        let config = EngineConfig { forced: Some(transport), ..EngineConfig::default() };
        let (mut s, first) = Script::showing(config, "@fleet");
        s.messages(first, vec![hello_of("@fleet", "f", 10, offers), frame(11)]);
        let out = subscribe(&mut s, "web-1");
        assert!(subscribed(&out).is_none(), "{transport:?}");
        let close_at = out.iter().position(|c| *c == Command::Close(first)).expect("the old attempt closes");
        let open_at = out.iter().position(|c| matches!(c, Command::Open { .. })).expect("a new one opens");
        assert!(close_at < open_at, "{transport:?}: never two streams at once: {out:?}");
        let (second, again, resume) = opened(&out).expect("opened");
        assert_eq!((again, resume), (transport, None), "the same transport, for the new stream");

        s.messages(second, vec![hello_of("web-1", "w", 4, offers), frame(5)]);
        let out = subscribe(&mut s, "@fleet");
        assert_eq!(opened(&out).map(|(_, t, c)| (t, c)), Some((transport, Some(cursor("f", 11)))), "{transport:?}");
    }
}

#[test]
fn a_stream_the_hub_cannot_show_ends_the_attempt_like_any_failure() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "@fleet");
    s.messages(ws, vec![hello_of("@fleet", "f", 10, true), frame(11)]);
    subscribe(&mut s, "gone");
    let refusal = ApiError { error: "not_found".into(), detail: "no host \"gone\" in this fleet".into() };
    let out = s.messages(ws, vec![ServerMessage::Error(refusal)]);
    assert!(out.contains(&Command::Close(ws)), "{out:?}");
    assert!(logs(&out).iter().any(|l| l.contains("no host \"gone\"")), "{out:?}");
}

#[test]
fn a_switch_while_waiting_to_retry_only_moves_the_cursor() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "@fleet");
    s.messages(ws, vec![hello_of("@fleet", "f", 10, true), frame(11)]);
    let delay = timer(&s.fail(ws), crate::connection::Timer::Retry).expect("a retry is pending");
    let out = subscribe(&mut s, "web-1");
    assert!(opened(&out).is_none() && subscribed(&out).is_none(), "{out:?}");
    let out = s.fire(crate::connection::Timer::Retry, delay);
    assert_eq!(opened(&out).map(|(_, t, c)| (t, c)), Some((TransportKind::WebSocket, None)), "web-1 from its start");
}

fn refusal(detail: &str) -> ServerMessage {
    ServerMessage::Error(ApiError { error: "no_such_host".into(), detail: detail.into() })
}

#[test]
fn quick_switches_end_on_the_last_stream_whatever_the_ones_between_answer() {
    // What the hub answers the subscribes to B and then C with, in order, before
    // C's own stream: whatever it is, the page ends on C's stream, on the same socket.
    let cases: Vec<(&str, Vec<ServerMessage>)> = vec![
        ("B's backlog still coming", vec![hello_of("b", "b", 4, true), frame(3), frame(4)]),
        ("B refused late", vec![refusal("no host b")]),
        ("B refused, old frames around it", vec![frame(12), refusal("no host b"), frame(13)]),
        (
            "B's hello and a gap",
            vec![hello_of("b", "b", 40, true), gap(pulse_protocol::GapReason::TooOld, 39), frame(39)],
        ),
    ];
    for (case, between) in cases {
        let (mut s, ws) = Script::showing(EngineConfig::default(), "a");
        s.messages(ws, vec![hello_of("a", "a", 10, true), frame(11)]);
        assert!(subscribed(&subscribe(&mut s, "b")).is_some(), "{case}");
        assert!(subscribed(&subscribe(&mut s, "c")).is_some(), "{case}");
        let out = s.messages(ws, between);
        assert!(delivered(&out).is_empty() && gaps(&out) == 0, "{case}: nothing of A or B is C's: {out:?}");
        assert!(closes(&out).is_empty() && opened(&out).is_none(), "{case}: the socket stays: {out:?}");
        let out = s.messages(ws, vec![hello_of("c", "c", 7, true), frame(8), frame(9)]);
        assert_eq!((delivered(&out), gaps(&out)), (vec![8, 9], 0), "{case}");
        assert_eq!(s.engine.cursor(), Some(&cursor("c", 9)), "{case}");
        assert!(closes(&out).is_empty(), "{case}");
    }
}

#[test]
fn a_to_b_and_back_to_a_waits_for_the_second_hello_of_a() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "a");
    s.messages(ws, vec![hello_of("a", "a", 10, true), frame(11)]);
    subscribe(&mut s, "b");
    let out = subscribe(&mut s, "a");
    assert_eq!(subscribed(&out).and_then(|(_, _, c)| c), Some(cursor("a", 11)), "A resumes where it was");
    let out = s.messages(ws, vec![frame(12), hello_of("b", "b", 4, true), frame(4)]);
    assert!(delivered(&out).is_empty(), "{out:?}");
    let out = s.messages(ws, vec![hello_of("a", "a", 13, true), frame(12), frame(13)]);
    assert_eq!((delivered(&out), gaps(&out)), (vec![12, 13], 0));
}

#[test]
fn the_last_switch_refused_after_an_earlier_one_fails_the_attempt() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "a");
    s.messages(ws, vec![hello_of("a", "a", 10, true), frame(11)]);
    subscribe(&mut s, "b");
    subscribe(&mut s, "gone");
    let out = s.messages(ws, vec![hello_of("b", "b", 4, true), frame(4), refusal("no host gone")]);
    assert!(out.contains(&Command::Close(ws)), "{out:?}");
    assert!(delivered(&out).is_empty(), "{out:?}");
}

/// The hosts named by the gap markers in `out`.
fn gap_hosts(out: &[Command]) -> Vec<Option<String>> {
    out.iter()
        .filter_map(|c| match c {
            Command::Gap(host) => Some(host.clone()),
            _ => None,
        })
        .collect()
}

fn frame_of(host: &str, seq: u64) -> ServerMessage {
    let ServerMessage::Frame(frame) = frame(seq) else { unreachable!("a frame") };
    ServerMessage::Frame(pulse_protocol::Frame { host: host.into(), ..frame })
}

#[test]
fn a_gap_on_resuming_one_stream_names_that_stream_s_host_only() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "@fleet");
    s.messages(ws, vec![hello_of("@fleet", "f", 10, true), frame_of("@fleet", 11)]);
    subscribe(&mut s, "web-1");
    s.messages(ws, vec![hello_of("web-1", "w", 4, true), frame_of("web 1", 5)]);
    subscribe(&mut s, "@fleet");
    // The summary resumed after a while away: its cursor is too old.
    let out = s.messages(
        ws,
        vec![hello_of("@fleet", "f", 90, true), gap(pulse_protocol::GapReason::TooOld, 90), frame_of("@fleet", 90)],
    );
    assert_eq!(gap_hosts(&out), vec![Some("@fleet".to_owned())], "{out:?}");
    // A hole inside web-1's own stream names it (by the name its frames carry).
    subscribe(&mut s, "web-1");
    let out = s.messages(ws, vec![hello_of("web-1", "w", 9, true), frame_of("web 1", 6), frame_of("web 1", 9)]);
    assert_eq!(gap_hosts(&out), vec![Some("web 1".to_owned())], "{out:?}");
    // A stream with no frame yet cannot name its host: the runner marks the one shown.
    subscribe(&mut s, "web-2");
    let out = s.messages(ws, vec![hello_of("web-2", "x", 9, true)]);
    assert!(gap_hosts(&out).is_empty());
    let out = s.messages(ws, vec![hello_of("web-2", "y", 9, true)]);
    assert!(gap_hosts(&out).iter().all(Option::is_none), "{out:?}");
}
