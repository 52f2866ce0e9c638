//! The comparison client: reconnects exactly 1 s after any failure or close, no
//! jitter, no backoff, no connect deadline; live once hello and then data arrive.

use std::time::Duration;

use pulse_protocol::ServerMessage;

use crate::engine_client::Setup;
use crate::record::Outcome;
use crate::ws::{self, Incoming};

/// Attempts one client makes before it stops (a bound: a run needs a handful).
const MAX_ATTEMPTS: usize = 1_000;

/// Messages one connection reads before it is dropped (a bound).
const MAX_MESSAGES: usize = 100_000;

/// The fixed reconnect delay.
const RETRY: Duration = Duration::from_secs(1);

/// Runs one naive client until its task is dropped or a bound is reached.
pub async fn run(setup: Setup) {
    for _ in 0..MAX_ATTEMPTS {
        let index = setup.record.borrow_mut().attempt(setup.id);
        match ws::open(setup.addr, None).await {
            Err(error) => {
                let outcome = if error.is_refused() { Outcome::Refused } else { Outcome::Failed };
                setup.record.borrow_mut().outcome(index, outcome);
            }
            Ok(mut socket) => {
                setup.record.borrow_mut().outcome(index, Outcome::Accepted);
                let (mut hello, mut live) = (false, false);
                for _ in 0..MAX_MESSAGES {
                    match ws::next(&mut socket).await {
                        Incoming::Message(ServerMessage::Hello(_)) => {
                            hello = true;
                            if ws::ping(&mut socket).await.is_err() {
                                break;
                            }
                        }
                        Incoming::Message(ServerMessage::Bye(_)) => {
                            setup.record.borrow_mut().link_ended("bye");
                            break;
                        }
                        Incoming::Closed { why, .. } => {
                            setup.record.borrow_mut().link_ended(&why);
                            break;
                        }
                        Incoming::Message(_) if hello && !live => {
                            live = true;
                            setup.record.borrow_mut().set_live(setup.id, true);
                        }
                        Incoming::Message(_) | Incoming::Malformed(_) => {}
                    }
                }
                drop(socket);
                if live {
                    setup.record.borrow_mut().set_live(setup.id, false);
                }
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}
