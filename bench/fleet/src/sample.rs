//! What the agents send, made from a real server's stream: its catalogue and a
//! run of its frames (`GET /api/v1/poll` for the hello, then
//! `GET /api/v1/poll?epoch=E&since=0` for every frame it holds, one answer a line). Each agent sends them
//! in turn, in its own name, with its own seq and the time of sending as `ts`, as
//! the same JSON text `pulse-server agent` writes (serde's, field for field).

use std::path::Path;

use pulse_protocol::{Catalog, Epoch, Frame, Hello, PollResponse, ServerMessage, PROTOCOL_VERSION};

use crate::error::{Error, Result};

/// The agent's heartbeat (`pulse-server agent` sends one after 5 s of silence).
const HEARTBEAT_MS: u64 = 5_000;
/// The agent's default `--buffer` (15 minutes), as its hello says.
const BUFFER_MS: u64 = 15 * 60 * 1000;

/// The recorded stream, ready to be stamped.
pub struct Sample {
    catalog: Catalog,
    /// Each frame's text after its `host`: `"values":{…},"top":[…]}`.
    tails: Vec<String>,
    /// Mean length of a frame's JSON, for the report.
    pub frame_bytes: usize,
}

impl Sample {
    /// Reads poll answers, one a line, holding a `hello` and at least one frame.
    pub fn load(path: &Path) -> Result<Sample> {
        let text = std::fs::read_to_string(path)?;
        let mut messages = Vec::new();
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            messages.extend(serde_json::from_str::<PollResponse>(line)?.messages);
        }
        let mut catalog = None;
        let mut tails = Vec::new();
        let mut bytes = 0;
        for message in &messages {
            match message {
                ServerMessage::Hello(hello) => catalog = Some(hello.catalog.clone()),
                ServerMessage::Frame(frame) => {
                    bytes += serde_json::to_string(message)?.len();
                    tails.push(tail(frame)?);
                }
                _ => {}
            }
        }
        let catalog = catalog.ok_or_else(|| Error::Protocol(format!("{} holds no hello", path.display())))?;
        if tails.is_empty() {
            return Err(Error::Protocol(format!("{} holds no frame", path.display())));
        }
        Ok(Sample { catalog, frame_bytes: bytes / tails.len(), tails })
    }

    /// The `hello` agent `name` of `epoch` sends first: its catalogue in its name.
    pub fn hello(&self, name: &str, epoch: &Epoch, now_ms: i64) -> Result<String> {
        let mut catalog = self.catalog.clone();
        for series in &mut catalog.series {
            series.host = name.to_owned();
        }
        let hello = Hello {
            protocol: PROTOCOL_VERSION,
            epoch: epoch.clone(),
            seq: 0,
            catalog,
            heartbeat_ms: HEARTBEAT_MS,
            interval_ms: 1000,
            history_ms: BUFFER_MS,
            server_time: now_ms,
            host: None,
            subscribe: 0,
        };
        Ok(serde_json::to_string(&ServerMessage::Hello(hello))?)
    }

    /// Frame `seq` of agent `name_json` (its name as a JSON string), sampled at `ts`.
    pub fn frame(&self, seq: u64, ts: i64, name_json: &str) -> String {
        let tail = &self.tails[(seq as usize) % self.tails.len()];
        format!("{{\"type\":\"frame\",\"seq\":{seq},\"ts\":{ts},\"host\":{name_json},{tail}")
    }
}

/// A frame's JSON after `"host":"…",`.
fn tail(frame: &Frame) -> Result<String> {
    let mut tail = format!("\"values\":{}", serde_json::to_string(&frame.values)?);
    if !frame.top.is_empty() {
        tail.push_str(&format!(",\"top\":{}", serde_json::to_string(&frame.top)?));
    }
    tail.push('}');
    Ok(tail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulse_protocol::ProcessInfo;
    use std::collections::BTreeMap;

    #[test]
    fn a_stamped_frame_is_what_serde_writes() {
        let values = BTreeMap::from([("cpu.total".to_owned(), 12.5), ("mem.used".to_owned(), 3e9)]);
        for top in [vec![], vec![ProcessInfo { pid: 1, name: "init \"x\"".into(), cpu: 0.0, mem: 7 }]] {
            let frame = Frame { seq: 0, ts: 0, host: "vm".into(), values: values.clone(), top, columns: None };
            let sample = Sample { catalog: Catalog::default(), tails: vec![tail(&frame).unwrap()], frame_bytes: 0 };
            let stamped = Frame { seq: 42, ts: 1_700_000_000_123, host: "fleet-7".into(), ..frame };
            let want = serde_json::to_string(&ServerMessage::Frame(stamped)).unwrap();
            assert_eq!(sample.frame(42, 1_700_000_000_123, "\"fleet-7\""), want);
        }
    }
}
