//! A refused credential (401) is "not signed in", never a transport failure: no
//! retry, no fallback, nothing reconnects until the page signs in again.

use super::support::*;
use crate::connection::{Command, EngineConfig, Event, LinkState, Timer, TransportKind};

fn unauthorized(s: &mut Script, attempt: u64) -> Vec<Command> {
    s.send(Event::Unauthorized { attempt: Some(attempt), reason: "the server answered 401: sign in".into() })
}

#[test]
fn a_401_stops_every_attempt_and_asks_for_sign_in_on_every_transport() {
    for transport in TransportKind::ALL {
        let config = EngineConfig { forced: Some(transport), ..EngineConfig::default() };
        // (brought up first, or refused before any data)
        for up in [false, true] {
            let (mut s, id) = Script::new(config.clone());
            if up {
                s.bring_up(id, "e", 1);
            }
            let out = unauthorized(&mut s, id);
            assert!(out.contains(&Command::Close(id)), "{transport} up={up}: {out:?}");
            assert!(out.contains(&Command::SignedOut), "{transport} up={up}");
            assert!(
                opened(&out).is_none() && timer(&out, Timer::Retry).is_none(),
                "{transport}: no retry, no fallback"
            );
            assert!(out.contains(&Command::CancelTimer(Timer::Connect)));
            assert_eq!(s.engine.status().state, LinkState::SignedOut);
            assert!(s.engine.status().last_error.as_deref().is_some_and(|e| e.starts_with("sign-in needed")));
        }
    }
}

#[test]
fn after_a_401_nothing_reconnects_by_itself() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    unauthorized(&mut s, ws);
    let events = [
        Event::RetryNow,
        Event::Online,
        Event::Offline,
        Event::PageShow,
        Event::Visible,
        Event::Timer(Timer::Retry),
        Event::Timer(Timer::Probe),
        Event::Failed { attempt: ws, reason: "closed (1006)".into(), retry_after_ms: None },
    ];
    for event in events {
        let out = s.send(event.clone());
        assert!(out.is_empty(), "{event:?}: {out:?}");
        assert_eq!(s.engine.status().state, LinkState::SignedOut);
    }
}

#[test]
fn a_401_of_an_older_attempt_is_ignored() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    let (next, _) = s.fail_and_retry(ws);
    let out = unauthorized(&mut s, ws);
    assert!(out.is_empty(), "{out:?}");
    assert_ne!(s.engine.status().state, LinkState::SignedOut);
    assert!(unauthorized(&mut s, next).contains(&Command::SignedOut));
}

#[test]
fn the_hub_saying_so_after_a_cut_stream_stops_a_page_waiting_to_retry() {
    let (mut s, ws) = Script::new(EngineConfig::default());
    s.bring_up(ws, "e", 1);
    let out = s.fail(ws);
    assert!(timer(&out, Timer::Retry).is_some(), "a cut stream is retried first");
    let out = s.send(Event::Unauthorized { attempt: None, reason: "share link revoked".into() });
    assert!(out.contains(&Command::CancelTimer(Timer::Retry)), "{out:?}");
    assert!(out.contains(&Command::SignedOut));
    assert!(s.fire(Timer::Retry, 1_000.0).is_empty(), "the retry never happens");
    assert_eq!(s.engine.status().state, LinkState::SignedOut);
}
