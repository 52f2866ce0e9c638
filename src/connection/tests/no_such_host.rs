//! A host the hub does not have (404 `no_such_host`) stops the page from retrying
//! or falling back, on every transport, until it shows another stream or looks
//! for the host again (every `NO_SUCH_HOST_RECHECK_MS`, or on the user's word).

use super::super::engine::NO_SUCH_HOST_RECHECK_MS;
use super::support::*;
use crate::connection::{Command, EngineConfig, Event, LinkState, Timer, TransportKind};

fn no_such_host(s: &mut Script, host: &str) -> Vec<Command> {
    s.send(Event::NoSuchHost { host: host.into(), reason: format!("no host {host:?}") })
}

#[test]
fn a_missing_host_stops_every_attempt_on_every_transport() {
    for transport in TransportKind::ALL {
        let config = EngineConfig { forced: Some(transport), ..EngineConfig::default() };
        // (waiting to retry after a failure, or still trying the first attempt)
        for failed_first in [false, true] {
            let (mut s, id) = Script::showing(config.clone(), "gone");
            if failed_first {
                assert!(timer(&s.fail(id), Timer::Retry).is_some(), "{transport}: retried first");
            }
            let out = no_such_host(&mut s, "gone");
            assert!(failed_first || out.contains(&Command::Close(id)), "{transport}: {out:?}");
            assert!(timer(&out, Timer::Retry).is_some(), "{transport}: looks again later: {out:?}");
            assert!(opened(&out).is_none(), "{transport}: no fallback");
            assert_eq!(s.engine.status().state, LinkState::NoSuchHost, "{transport}");
            assert_eq!(s.engine.status().last_error.as_deref(), Some("no host \"gone\""));
            for event in [Event::Online, Event::Visible, Event::PageShow, Event::Offline] {
                let out = s.send(event.clone());
                assert!(out.is_empty(), "{transport} {event:?}: {out:?}");
            }
            assert_eq!(s.engine.status().state, LinkState::NoSuchHost);
        }
    }
}

#[test]
fn showing_another_stream_connects_again() {
    let (mut s, ws) = Script::showing(EngineConfig::default(), "gone");
    // The WebSocket to a missing host fails first (a 404 it cannot read): the page
    // falls back, until the history's 404 says why.
    let (_, fallback) = s.fail_and_retry(ws);
    assert_ne!(fallback, TransportKind::WebSocket);
    no_such_host(&mut s, "gone");
    let out = s.send(Event::Subscribe { host: "@fleet".into() });
    let (_, transport, _) = opened(&out).expect("opens at once");
    assert_eq!(transport, TransportKind::WebSocket, "the transports never failed: the best one again");
    assert_eq!(s.engine.status().state, LinkState::Connecting);
    assert_eq!(s.engine.status().last_error, None);
}

#[test]
fn a_missing_host_the_page_has_left_changes_nothing() {
    let (mut s, _) = Script::showing(EngineConfig::default(), "gone");
    s.send(Event::Subscribe { host: "web-1".into() });
    assert!(no_such_host(&mut s, "gone").is_empty());
    assert_ne!(s.engine.status().state, LinkState::NoSuchHost);
}

#[test]
fn a_missing_host_is_looked_for_again_on_the_best_transport() {
    for look in [Event::Timer(Timer::Retry), Event::RetryNow] {
        let (mut s, ws) = Script::showing(EngineConfig::default(), "later");
        s.fail_and_retry(ws);
        let out = no_such_host(&mut s, "later");
        assert_eq!(timer(&out, Timer::Retry), Some(NO_SUCH_HOST_RECHECK_MS), "{out:?}");
        let out = s.send(look.clone());
        let (_, transport, _) = opened(&out).expect("opens again");
        assert_eq!(transport, TransportKind::WebSocket, "{look:?}");
        assert_eq!(s.engine.status().state, LinkState::Connecting);
        // Still missing: it waits and looks again.
        let out = no_such_host(&mut s, "later");
        assert!(timer(&out, Timer::Retry).is_some(), "{out:?}");
        assert_eq!(s.engine.status().state, LinkState::NoSuchHost);
    }
}
