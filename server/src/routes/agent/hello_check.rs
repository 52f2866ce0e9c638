//! Whether an agent's `hello` may open its host's stream: its epoch is what a
//! page's resume cursor takes back (`Epoch::parse`: 1 to 32 of `[0-9a-z]`, as
//! every hub and agent makes them), so a host stays resumable after a reconnect;
//! its seq is a number a page holds exactly; its interval is a sampling interval.
//! Pure; a refusal closes the link with 1008 and says why.

use pulse_protocol::{Epoch, Hello};

use super::frame_check::MAX_SAFE;

/// The longest sampling interval a hello may announce (a day): every host's
/// status and timers are reckoned in it.
pub const MAX_INTERVAL_MS: u64 = 24 * 60 * 60 * 1000;

/// `Err` with what is wrong (short enough for a close reason) when `hello` may not
/// open a host's stream.
pub fn check(hello: &Hello) -> Result<(), String> {
    if Epoch::parse(&hello.epoch.0).is_err() {
        let mut shown: String = hello.epoch.0.chars().take(16).collect();
        if shown.len() < hello.epoch.0.len() {
            shown.push('…');
        }
        return Err(format!(
            "hello's epoch must be 1 to 32 characters of [0-9a-z], got {shown:?} ({} bytes)",
            hello.epoch.0.len()
        ));
    }
    if hello.seq > MAX_SAFE {
        return Err(format!("hello's seq {} is beyond 2^53-1, which a page cannot hold", hello.seq));
    }
    if hello.interval_ms > MAX_INTERVAL_MS {
        return Err(format!("hello's interval_ms {} is more than a day ({MAX_INTERVAL_MS})", hello.interval_ms));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulse_protocol::Catalog;

    fn hello(epoch: &str, seq: u64, interval_ms: u64) -> Hello {
        Hello {
            protocol: 1,
            epoch: Epoch(epoch.into()),
            seq,
            catalog: Catalog::default(),
            heartbeat_ms: 5000,
            interval_ms,
            history_ms: 600_000,
            server_time: 0,
            host: None,
            subscribe: 0,
        }
    }

    #[test]
    fn a_hello_opens_a_stream_only_with_an_epoch_a_cursor_takes_and_numbers_a_page_holds() {
        let long = "e".repeat(30_000);
        let cases = [
            // what, epoch, seq, interval_ms, the refusal mentions
            ("an agent's own", "k3x9a0b1c2d3", 5, 1000, None),
            ("32 characters", &"a".repeat(32), 0, 1, None),
            ("an interval of a day", "e1", 0, MAX_INTERVAL_MS, None),
            ("the largest safe seq", "e1", MAX_SAFE, 1000, None),
            ("empty", "", 0, 1000, Some("epoch must be 1 to 32")),
            ("33 characters", &"a".repeat(33), 0, 1000, Some("(33 bytes)")),
            ("30,000 characters", &long, 0, 1000, Some("(30000 bytes)")),
            ("upper case", "ABC", 0, 1000, Some("epoch")),
            ("a colon, as in a cursor", "ab:5", 0, 1000, Some("epoch")),
            ("a control character", "ab\u{7}", 0, 1000, Some("epoch")),
            ("seq u64::MAX", "e1", u64::MAX, 1000, Some("seq 18446744073709551615")),
            ("seq one beyond", "e1", MAX_SAFE + 1, 1000, Some("2^53-1")),
            ("an interval of years", "e1", 0, u64::MAX, Some("interval_ms")),
        ];
        for (what, epoch, seq, interval_ms, refusal) in cases {
            match (check(&hello(epoch, seq, interval_ms)), refusal) {
                (Ok(()), None) => {}
                (Err(reason), Some(words)) => {
                    assert!(reason.contains(words), "{what}: {reason}");
                    assert!(reason.len() <= 123, "{what}: fits a close frame: {reason}");
                }
                (got, want) => panic!("{what}: got {got:?}, want a refusal naming {want:?}"),
            }
        }
    }
}
