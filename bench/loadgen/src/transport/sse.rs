//! The Pulse Server-Sent Events client: `GET /api/v1/sse`, `data: <json>` events
//! separated by blank lines (`\n` line ends, as the server writes them).

use super::Client;
use crate::error::{Error, Result};
use crate::http::{self, Conn};

/// The largest event accepted before the stream is called broken.
const MAX_EVENT: usize = 1024 * 1024;

/// Connects and reads events until the connection ends.
pub async fn run(addr: &str, bearer: Option<&str>, client: &mut Client) -> Result<()> {
    let mut conn = Conn::new(http::connect(addr).await?);
    let headers = format!("Accept: text/event-stream\r\n{}", super::authorization(bearer));
    conn.get(addr, "/api/v1/sse", &headers).await?;
    let head = tokio::time::timeout(http::CONNECT_TIMEOUT, conn.read_head())
        .await
        .map_err(|_| Error::Timeout("sse response head"))??;
    if head.status != 200 || !head.chunked {
        return Err(Error::Protocol(format!("sse answered status {} (chunked: {})", head.status, head.chunked)));
    }
    client.up();
    let mut pending: Vec<u8> = Vec::new();
    while let Some(chunk) = conn.read_chunk().await? {
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(end) = find_blank_line(&pending[start..]) {
            on_event(client, &pending[start..start + end])?;
            start += end + 2;
        }
        pending.drain(..start);
        if pending.len() > MAX_EVENT {
            return Err(Error::Protocol("sse event too large".into()));
        }
    }
    Err(Error::Closed)
}

fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\n\n")
}

/// Handles one event: its `data:` lines joined by `\n` are one JSON message.
fn on_event(client: &mut Client, event: &[u8]) -> Result<()> {
    let text = std::str::from_utf8(event).map_err(|_| Error::Protocol("sse event is not utf-8".into()))?;
    let mut data_lines =
        text.lines().filter_map(|line| line.strip_prefix("data:").map(|rest| rest.strip_prefix(' ').unwrap_or(rest)));
    let Some(first) = data_lines.next() else {
        return Ok(()); // A comment or keep-alive.
    };
    match data_lines.next() {
        None => client.on_text(first),
        Some(second) => {
            let mut joined = format!("{first}\n{second}");
            for line in data_lines {
                joined.push('\n');
                joined.push_str(line);
            }
            client.on_text(&joined)
        }
    }
}
