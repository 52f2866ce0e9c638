//! A browser-like client of one host: `GET /api/v1/ws?host=ID`, as the dashboard
//! opens it. Every frame's seq must follow the one before (a hole is a lost
//! sample, a repeat a duplicate); while measuring, each frame's age on arrival
//! (now − its `ts`, stamped by the agent as it sent it) is recorded.

use std::rc::Rc;

use futures_util::StreamExt;
use serde::Deserialize;
use tokio_tungstenite::tungstenite::Message;

use crate::agent::{host_id, open, Hub};
use crate::error::{Error, Result};
use crate::run::{now_us, Plan};

/// The watcher's kernel receive buffer. Even at Ethernet's segment size, a
/// reader's window creeps down at 1 Hz (its kernel acknowledges each frame before
/// the program reads it and rounds the window it advertises), and the hub's
/// watchdog lets go a client whose window fell more than 8 KiB below its largest:
/// a 1 Hz reader with the default buffer was cut within a minute. With this
/// buffer the window never exceeds 8 KiB, and a frame is 1.1 KB.
const RECEIVE_BUFFER: u32 = 4096;

/// The fields of a server message this client reads (serde skips the rest).
#[derive(Deserialize)]
struct Peek {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    seq: u64,
    #[serde(default)]
    ts: i64,
    #[serde(default)]
    next_seq: u64,
    #[serde(default)]
    missed: Option<u64>,
}

/// What one watcher saw, added to the plan's counters as it goes.
#[derive(Default)]
struct Seen {
    last: u64,
}

/// Watches host `index` until the plan's end.
pub async fn run(plan: Rc<Plan>, index: usize) -> Result<()> {
    let path = format!("/api/v1/ws?host={}", host_id(index));
    let mut socket =
        open(&plan, Hub::Watchers, std::net::Ipv4Addr::LOCALHOST, &path, &[], Some(RECEIVE_BUFFER)).await?;
    plan.counters.watching.set(plan.counters.watching.get() + 1);
    let mut seen = Seen::default();
    loop {
        let received = tokio::select! {
            () = tokio::time::sleep_until(plan.stop_at) => return Ok(()),
            received = socket.next() => received,
        };
        let text = match received {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => return Err(Error::Protocol(format!("closed: {frame:?}"))),
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Err(error.into()),
            None => return Err(Error::Protocol("the hub closed the connection".into())),
        };
        let arrived_us = now_us();
        let peek: Peek = serde_json::from_str(&text)?;
        match peek.kind.as_str() {
            "frame" => seen.frame(&plan, peek.seq, arrived_us - peek.ts * 1000),
            "gap" => {
                let counters = &plan.counters;
                counters.gaps.set(counters.gaps.get() + 1);
                counters.lost.set(counters.lost.get() + peek.missed.unwrap_or(0));
                seen.last = peek.next_seq.saturating_sub(1);
            }
            "bye" => return Err(Error::Protocol("the hub said bye".into())),
            _ => {}
        }
    }
}

impl Seen {
    fn frame(&mut self, plan: &Plan, seq: u64, age_us: i64) {
        let counters = &plan.counters;
        counters.received.set(counters.received.get() + 1);
        if self.last != 0 && seq <= self.last {
            counters.duplicated.set(counters.duplicated.get() + 1);
            return;
        }
        if self.last != 0 && seq > self.last + 1 {
            counters.lost.set(counters.lost.get() + (seq - self.last - 1));
        }
        self.last = seq;
        if counters.measuring.get() {
            counters.ages_us.borrow_mut().push(age_us.max(0) as u64);
        }
    }
}
