//! The Pulse long-poll client: `GET /api/v1/poll?since=SEQ&epoch=E&wait=S` in a
//! loop on one keep-alive connection. The first poll (no cursor, `wait=0`) counts
//! as the handshake; the frames it returns come from history and give no latency.

use super::Client;
use crate::error::{Error, Result};
use crate::http::{self, Conn};
use crate::msg;

/// Connects and polls until the connection ends.
pub async fn run(addr: &str, bearer: Option<&str>, wait_s: u32, client: &mut Client) -> Result<()> {
    let mut conn = Conn::new(http::connect(addr).await?);
    let headers = super::authorization(bearer);
    let mut cursor: Option<(String, u64)> = None;
    loop {
        let path = match &cursor {
            None => "/api/v1/poll?wait=0".to_owned(),
            Some((epoch, next)) => format!("/api/v1/poll?since={next}&epoch={epoch}&wait={wait_s}"),
        };
        conn.get(addr, &path, &headers).await?;
        let limit = http::CONNECT_TIMEOUT + std::time::Duration::from_secs(u64::from(wait_s));
        let (head, body) = tokio::time::timeout(limit, async {
            let head = conn.read_head().await?;
            let body = conn.read_body(head).await?;
            Ok::<_, Error>((head, body))
        })
        .await
        .map_err(|_| Error::Timeout("long-poll answer"))??;
        if head.status != 200 {
            return Err(Error::Protocol(format!("poll answered status {}", head.status)));
        }
        let text = std::str::from_utf8(&body).map_err(|_| Error::Protocol("poll body is not utf-8".into()))?;
        let (epoch, next, heads) = msg::parse_poll(text)?;
        let replay = cursor.is_none();
        if replay {
            client.up();
        }
        for head in heads {
            client.on_head(head, replay);
        }
        cursor = Some((epoch, next));
    }
}
