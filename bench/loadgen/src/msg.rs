//! Reads just enough of a server message: its `type`, `seq` and `ts`.
//!
//! Every other field is skipped by serde_json without being built, so parsing a
//! ~1 KB frame costs about as much as scanning it once.

use serde::Deserialize;

use crate::error::{Error, Result};

/// What kind of message arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `hello`: the start of a stream.
    Hello,
    /// `frame`: one sample, with `seq` and `ts`.
    Frame,
    /// `heartbeat`: the stream is idle.
    Heartbeat,
    /// `gap`: frames were skipped.
    Gap,
    /// `bye` or anything else.
    Other,
}

/// The three fields the load generator needs from a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// The message's `type`.
    pub kind: Kind,
    /// `seq`, when present.
    pub seq: Option<u64>,
    /// `ts` in ms since the Unix epoch, when present.
    pub ts: Option<i64>,
}

/// The wire shape of [`Head`]; `type` is borrowed, everything else ignored.
#[derive(Deserialize)]
struct RawHead<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    seq: Option<u64>,
    ts: Option<i64>,
}

impl From<RawHead<'_>> for Head {
    fn from(raw: RawHead<'_>) -> Self {
        let kind = match raw.kind {
            "frame" => Kind::Frame,
            "hello" => Kind::Hello,
            "heartbeat" => Kind::Heartbeat,
            "gap" => Kind::Gap,
            _ => Kind::Other,
        };
        Head { kind, seq: raw.seq, ts: raw.ts }
    }
}

/// Parses one JSON server message.
///
/// Frames as Pulse writes them start with `{"type":"frame","seq":N,"ts":MS,`, and
/// those are read straight off the prefix; anything else goes through serde_json.
pub fn parse(text: &str) -> Result<Head> {
    if let Some(head) = frame_prefix(text) {
        return Ok(head);
    }
    let raw: RawHead<'_> = serde_json::from_str(text)?;
    Ok(raw.into())
}

/// Reads `seq` and `ts` from a frame that starts exactly as Pulse serialises it.
fn frame_prefix(text: &str) -> Option<Head> {
    let rest = text.strip_prefix(r#"{"type":"frame","seq":"#)?;
    let (seq, rest) = leading_number(rest)?;
    let rest = rest.strip_prefix(r#","ts":"#)?;
    let (ts, rest) = leading_number(rest)?;
    if !rest.starts_with(',') && !rest.starts_with('}') {
        return None;
    }
    Some(Head { kind: Kind::Frame, seq: Some(seq), ts: Some(i64::try_from(ts).ok()?) })
}

/// Splits an unsigned decimal integer off the front of `text`.
fn leading_number(text: &str) -> Option<(u64, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 19 {
        return None;
    }
    let value = text[..digits].parse().ok()?;
    Some((value, &text[digits..]))
}

/// Parses the `messages` array of a long-poll answer, plus its `epoch` and `next`.
pub fn parse_poll(text: &str) -> Result<(String, u64, Vec<Head>)> {
    #[derive(Deserialize)]
    struct Poll<'a> {
        #[serde(borrow)]
        epoch: &'a str,
        next: u64,
        #[serde(borrow)]
        messages: Vec<RawHead<'a>>,
    }
    let poll: Poll<'_> = serde_json::from_str(text)?;
    let heads = poll.messages.into_iter().map(Head::from).collect();
    Ok((poll.epoch.to_owned(), poll.next, heads))
}

/// A Socket.IO event frame as it comes over Engine.IO: `42["frame",{…}]`.
///
/// Returns the JSON object of a `frame` event, or `None` for any other event.
pub fn socketio_event(text: &str) -> Result<Option<&str>> {
    let Some(body) = text.strip_prefix("42[") else {
        return Err(Error::Protocol(format!("not a socket.io event: {}", text.chars().take(40).collect::<String>())));
    };
    let Some(rest) = body.strip_prefix("\"frame\",") else {
        return Ok(None);
    };
    Ok(rest.strip_suffix(']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_frame_and_skips_the_rest() {
        let head = parse(
            r#"{"type":"frame","seq":7,"ts":1700000000123,"host":"h","values":{"cpu.total":1.5},"top":[{"pid":1,"name":"x","cpu":0.1,"mem":5}]}"#,
        )
        .unwrap();
        assert_eq!(head, Head { kind: Kind::Frame, seq: Some(7), ts: Some(1_700_000_000_123) });
    }

    #[test]
    fn prefix_and_serde_agree() {
        let cases = [
            r#"{"type":"frame","seq":12,"ts":1700000000999,"host":"h","values":{}}"#,
            r#"{"type":"frame","seq":12,"ts":1700000000999}"#,
            r#"{"type":"frame","ts":1700000000999,"seq":12,"host":"h"}"#,
            r#"{"type":"frame","seq":12,"ts":1.5e3,"host":"h"}"#,
        ];
        for text in cases {
            let raw: RawHead<'_> =
                serde_json::from_str(text).unwrap_or(RawHead { kind: "frame", seq: Some(12), ts: None });
            let want: Head = raw.into();
            match frame_prefix(text) {
                Some(head) => assert_eq!(head, want, "{text}"),
                None => assert!(!text.starts_with(r#"{"type":"frame","seq":12,"ts":17"#)),
            }
        }
    }

    #[test]
    fn reads_other_kinds() {
        assert_eq!(parse(r#"{"type":"heartbeat","seq":3,"ts":1}"#).unwrap().kind, Kind::Heartbeat);
        assert_eq!(parse(r#"{"type":"hello","protocol":1,"catalog":{"series":[]}}"#).unwrap().kind, Kind::Hello);
        assert_eq!(parse(r#"{"type":"bye","reason":"x","retry_ms":5}"#).unwrap().kind, Kind::Other);
        assert!(parse("not json").is_err());
    }

    #[test]
    fn reads_a_poll_answer() {
        let (epoch, next, heads) = parse_poll(
            r#"{"epoch":"ab1","next":9,"messages":[{"type":"frame","seq":9,"ts":5,"host":"h","values":{}}]}"#,
        )
        .unwrap();
        assert_eq!((epoch.as_str(), next, heads.len()), ("ab1", 9, 1));
        assert_eq!(heads[0].seq, Some(9));
    }

    #[test]
    fn unwraps_socketio_frames() {
        assert_eq!(socketio_event(r#"42["frame",{"a":1}]"#).unwrap(), Some(r#"{"a":1}"#));
        assert_eq!(socketio_event(r#"42["other",1]"#).unwrap(), None);
        assert!(socketio_event("3").is_err());
    }
}
