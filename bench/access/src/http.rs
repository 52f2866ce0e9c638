//! A minimal keep-alive HTTP/1.1 client: one request at a time on one
//! connection, the answer read by `Content-Length` or chunk by chunk. Just what
//! these measurements need against one known server.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long one request (connect, or send and read the whole answer) may take.
pub const LIMIT: Duration = Duration::from_secs(30);
/// The largest head or body accepted.
const MAX: usize = 16 * 1024 * 1024;

/// One connection and the bytes read ahead on it.
pub struct Conn {
    stream: TcpStream,
    host: String,
    buf: Vec<u8>,
}

impl Conn {
    /// Connects to `addr` with Nagle off.
    pub async fn open(addr: &str) -> Result<Conn, String> {
        let stream = tokio::time::timeout(LIMIT, TcpStream::connect(addr))
            .await
            .map_err(|_| "tcp connect timed out".to_owned())?
            .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(Conn { stream, host: addr.to_owned(), buf: Vec::with_capacity(16 * 1024) })
    }

    /// Sends one request (`headers`: whole lines, each ending in `\r\n`) and reads
    /// the answer: its status and body.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        tokio::time::timeout(LIMIT, self.exchange(method, path, headers, body))
            .await
            .map_err(|_| format!("{method} {path} timed out"))?
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        let length = if body.is_empty() && method == "GET" {
            String::new()
        } else {
            format!("Content-Length: {}\r\n", body.len())
        };
        let mut request =
            format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n{length}{headers}\r\n", self.host).into_bytes();
        request.extend_from_slice(body);
        self.stream.write_all(&request).await.map_err(|e| e.to_string())?;
        let end = loop {
            if let Some(at) = find(&self.buf, b"\r\n\r\n") {
                break at;
            }
            self.fill().await?;
        };
        let (status, chunked, length) = head(&self.buf[..end])?;
        self.buf.drain(..end + 4);
        let body = if chunked { self.chunks().await? } else { self.exactly(length.unwrap_or(0)).await? };
        Ok((status, body))
    }

    async fn exactly(&mut self, length: usize) -> Result<Vec<u8>, String> {
        if length > MAX {
            return Err(format!("a body of {length} bytes is too large"));
        }
        while self.buf.len() < length {
            self.fill().await?;
        }
        Ok(self.buf.drain(..length).collect())
    }

    async fn chunks(&mut self) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        loop {
            let line = loop {
                if let Some(at) = find(&self.buf, b"\r\n") {
                    break at;
                }
                self.fill().await?;
            };
            let text = std::str::from_utf8(&self.buf[..line]).unwrap_or("");
            let size = usize::from_str_radix(text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("bad chunk size {text:?}"))?;
            self.buf.drain(..line + 2);
            let chunk = self.exactly(size + 2).await?;
            if size == 0 {
                return Ok(body);
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }

    async fn fill(&mut self) -> Result<(), String> {
        if self.buf.len() > MAX {
            return Err("the answer is too large".into());
        }
        self.buf.reserve(16 * 1024);
        match self.stream.read_buf(&mut self.buf).await {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(_) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The status, whether the body is chunked, and its length if given.
fn head(bytes: &[u8]) -> Result<(u16, bool, Option<usize>), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the response head is not text".to_owned())?;
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let status =
        first.split(' ').nth(1).and_then(|c| c.parse().ok()).ok_or_else(|| format!("bad status line {first:?}"))?;
    let (mut chunked, mut length) = (false, None);
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            }
        }
    }
    Ok((status, chunked, length))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_and_framing() {
        assert_eq!(head(b"HTTP/1.1 200 OK\r\ncontent-length: 12").unwrap(), (200, false, Some(12)));
        assert_eq!(head(b"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked").unwrap(), (401, true, None));
        assert!(head(b"nonsense").is_err());
    }
}
