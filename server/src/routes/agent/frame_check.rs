//! Whether a frame an agent pushed may enter its host's hub: it must describe the
//! host the link was opened for (a browser files a frame under the host the frame
//! names, so a frame naming another host, or `@fleet`, would land in that host's
//! charts), carry no fleet-summary columns (only the hub writes those), and carry
//! a time a real clock could give (a sample dated decades
//! ahead would be "last seen" in the future and never expire from the store),
//! and carry only numbers a page can hold: a browser reads seqs and process
//! memory as JavaScript numbers, exact only up to [`MAX_SAFE`] (a seq of u64::MAX
//! also left the host's history with nowhere to go). Pure: the caller gives the
//! hub's clock.

use pulse_protocol::Frame;

/// How far ahead of the hub's clock a sample may be dated: more than any clock
/// that is merely off, far less than a clock that is wrong.
pub const MAX_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

/// The largest whole number a browser holds exactly (JavaScript's
/// `Number.MAX_SAFE_INTEGER`, 2^53 − 1): the bound of every count an agent sends.
pub const MAX_SAFE: u64 = (1 << 53) - 1;

/// Why a frame may not enter its host's hub; each carries what is wrong, short
/// enough for a WebSocket close reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It names another host than the link's: the link is not what it claims, and
    /// is closed.
    Foreign(String),
    /// It is dated at a time no right clock gives (the agent's clock was wrong, or
    /// the hub's is): the frame is dropped and the link stays, so what an agent
    /// buffered before its clock was put right does not keep it out.
    Untimely(String),
    /// It holds a number no page can read exactly (a seq or a process's memory
    /// beyond [`MAX_SAFE`]): the agent is broken or hostile, and the link is closed.
    Unshowable(String),
}

/// `Err` with what is wrong when `frame` may not enter the hub of the host named
/// `name`.
pub fn check(frame: &Frame, name: &str, now_ms: i64) -> Result<(), Refusal> {
    if frame.host != name {
        return Err(Refusal::Foreign(format!(
            "a frame for host {:?} on the link of {:?}",
            short(&frame.host),
            short(name)
        )));
    }
    if frame.seq > MAX_SAFE {
        return Err(Refusal::Unshowable(format!("frame seq {} is beyond 2^53-1, which a page cannot hold", frame.seq)));
    }
    if let Some(process) = frame.top.iter().find(|process| process.mem > MAX_SAFE) {
        return Err(Refusal::Unshowable(format!(
            "frame {}: process {} has mem {} beyond 2^53-1, which a page cannot hold",
            frame.seq, process.pid, process.mem
        )));
    }
    if frame.columns.is_some() {
        // Only the hub's own fleet summary is in columns; a page would file an
        // agent's frame that carried them as a summary.
        return Err(Refusal::Foreign(format!("frame {}: columns are the fleet summary's, not an agent's", frame.seq)));
    }
    if frame.ts <= 0 {
        return Err(Refusal::Untimely(format!("frame {}: ts {} is not a time (ms since 1970)", frame.seq, frame.ts)));
    }
    if frame.ts > now_ms.saturating_add(MAX_AHEAD_MS) {
        return Err(Refusal::Untimely(format!(
            "frame {}: ts {} is more than a day ahead of the hub's clock",
            frame.seq, frame.ts
        )));
    }
    Ok(())
}

/// At most 24 characters of a name, so the reason fits a close frame.
fn short(name: &str) -> String {
    let mut cut: String = name.chars().take(24).collect();
    if cut.len() < name.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// What a refusal says is wrong.
    fn reason_of(refusal: &Refusal) -> &str {
        match refusal {
            Refusal::Foreign(reason) | Refusal::Untimely(reason) | Refusal::Unshowable(reason) => reason,
        }
    }

    const NOW: i64 = 1_796_600_000_000;

    fn frame(host: &str, ts: i64) -> Frame {
        Frame { seq: 7, ts, host: host.into(), values: BTreeMap::new(), top: Vec::new(), columns: None }
    }

    #[test]
    fn a_frame_enters_only_for_its_own_host_at_a_believable_time() {
        let cases = [
            // what, frame's host, ts, the link's host name, refusal mentions
            ("its own host, now", "web-1", NOW, "web-1", None),
            ("replayed from a minute ago", "web-1", NOW - 60_000, "web-1", None),
            ("a clock an hour fast", "web-1", NOW + 3_600_000, "web-1", None),
            ("another host", "db-1", NOW, "web-1", Some("\"db-1\" on the link of \"web-1\"")),
            ("the fleet summary", "@fleet", NOW, "web-1", Some("@fleet")),
            ("a name that differs in case", "Web-1", NOW, "web-1", Some("Web-1")),
            ("ts zero", "web-1", 0, "web-1", Some("ts 0 is not a time")),
            ("ts negative", "web-1", -5, "web-1", Some("ts -5 is not a time")),
            ("ten years ahead", "web-1", NOW + 10 * 365 * 86_400_000, "web-1", Some("a day ahead")),
            ("the largest ts", "web-1", i64::MAX, "web-1", Some("a day ahead")),
        ];
        for (what, host, ts, name, refusal) in cases {
            let checked = check(&frame(host, ts), name, NOW);
            match refusal {
                None => assert_eq!(checked, Ok(()), "{what}"),
                Some(words) => {
                    let refusal = checked.expect_err(what);
                    assert_eq!(matches!(refusal, Refusal::Foreign(_)), host != name, "{what}: {refusal:?}");
                    let reason = reason_of(&refusal);
                    assert!(reason.contains(words), "{what}: {reason}");
                    assert!(reason.len() <= 123, "{what}: fits a close frame: {reason}");
                }
            }
        }
    }

    #[test]
    fn an_agents_frame_in_columns_is_refused() {
        let columns =
            pulse_protocol::fleet::Columns { rev: 1, metrics: Vec::new(), hosts: Vec::new(), values: Vec::new() };
        let frame = Frame { columns: Some(columns), ..frame("web-1", NOW) };
        let refusal = check(&frame, "web-1", NOW).expect_err("columns are the summary's");
        assert!(matches!(refusal, Refusal::Foreign(_)), "{refusal:?}");
        assert!(reason_of(&refusal).contains("columns"));
    }

    #[test]
    fn a_number_a_page_cannot_hold_closes_the_link() {
        let process = |mem| pulse_protocol::ProcessInfo { pid: 9, name: "p".into(), cpu: 1.0, mem };
        let cases = [
            // what, seq, a process's mem, refused
            ("the largest safe seq", MAX_SAFE, 1, false),
            ("one beyond", MAX_SAFE + 1, 1, true),
            ("u64::MAX", u64::MAX, 1, true),
            ("the largest safe mem", 7, MAX_SAFE, false),
            ("mem beyond", 7, MAX_SAFE + 1, true),
        ];
        for (what, seq, mem, refused) in cases {
            let frame = Frame { seq, top: vec![process(mem)], ..frame("web-1", NOW) };
            match check(&frame, "web-1", NOW) {
                Ok(()) => assert!(!refused, "{what}"),
                Err(refusal) => {
                    assert!(refused, "{what}: {refusal:?}");
                    assert!(matches!(refusal, Refusal::Unshowable(_)), "{what}: {refusal:?}");
                    let reason = reason_of(&refusal);
                    assert!(reason.contains("2^53-1") && reason.len() <= 123, "{what}: {reason}");
                }
            }
        }
    }

    #[test]
    fn a_long_name_is_cut_in_the_reason() {
        let long = "x".repeat(128);
        let refusal = check(&frame(&long, NOW), "web-1", NOW).expect_err("another host");
        let reason = reason_of(&refusal);
        assert!(reason.len() <= 123, "{reason}");
        assert!(reason.contains('…'), "{reason}");
    }
}
