//! A minimal HTTP/1.1 client connection: send a GET, read the response head, then
//! the body by `Content-Length` or chunk by chunk (`Transfer-Encoding: chunked`).
//!
//! Just what SSE and long-poll need against one known server; no redirects, no
//! TLS, no compression.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::error::{Error, Result};

/// How long a TCP connect may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest response head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// The largest body or chunk accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Opens a TCP connection with a time limit and Nagle off.
pub async fn connect(addr: &str) -> Result<TcpStream> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
        .await
        .map_err(|_| Error::Timeout("tcp connect"))??;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// What the response head said about the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseHead {
    /// The status code.
    pub status: u16,
    /// The body is chunked.
    pub chunked: bool,
    /// The body length, when given.
    pub content_length: Option<usize>,
}

/// One keep-alive HTTP/1.1 connection and the bytes read ahead on it.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    /// Wraps a connected stream.
    pub fn new(stream: TcpStream) -> Self {
        Conn { stream, buf: Vec::with_capacity(4096) }
    }

    /// Sends `GET path` with the given extra header lines (each ending in `\r\n`).
    pub async fn get(&mut self, host: &str, path: &str, headers: &str) -> Result<()> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n");
        self.stream.write_all(request.as_bytes()).await?;
        Ok(())
    }

    /// Reads the status line and headers.
    pub async fn read_head(&mut self) -> Result<ResponseHead> {
        let end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos;
            }
            if self.buf.len() > MAX_HEAD {
                return Err(Error::Protocol("response head too large".into()));
            }
            self.fill().await?;
        };
        let head = parse_head(&self.buf[..end])?;
        self.buf.drain(..end + 4);
        Ok(head)
    }

    /// Reads the next piece of a chunked body; `None` at the last (empty) chunk.
    pub async fn read_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let line_end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n") {
                break pos;
            }
            if self.buf.len() > 64 {
                return Err(Error::Protocol("chunk size line too long".into()));
            }
            self.fill().await?;
        };
        let size_text =
            std::str::from_utf8(&self.buf[..line_end]).map_err(|_| Error::Protocol("chunk size is not text".into()))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| Error::Protocol(format!("bad chunk size {size_text:?}")))?;
        if size > MAX_BODY {
            return Err(Error::Protocol(format!("chunk of {size} bytes is too large")));
        }
        let total = line_end + 2 + size + 2;
        while self.buf.len() < total {
            self.fill().await?;
        }
        if size == 0 {
            self.buf.drain(..total);
            return Ok(None);
        }
        let data = self.buf[line_end + 2..line_end + 2 + size].to_vec();
        self.buf.drain(..total);
        Ok(Some(data))
    }

    /// Reads a whole body, by length or by chunks.
    pub async fn read_body(&mut self, head: ResponseHead) -> Result<Vec<u8>> {
        if head.chunked {
            let mut body = Vec::new();
            while let Some(chunk) = self.read_chunk().await? {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_BODY {
                    return Err(Error::Protocol("body too large".into()));
                }
            }
            return Ok(body);
        }
        let length =
            head.content_length.ok_or_else(|| Error::Protocol("response has neither length nor chunks".into()))?;
        if length > MAX_BODY {
            return Err(Error::Protocol(format!("body of {length} bytes is too large")));
        }
        while self.buf.len() < length {
            self.fill().await?;
        }
        Ok(self.buf.drain(..length).collect())
    }

    /// Reads whatever the socket has into the buffer; a closed socket is an error.
    async fn fill(&mut self) -> Result<()> {
        self.buf.reserve(4096);
        let read = self.stream.read_buf(&mut self.buf).await?;
        if read == 0 {
            return Err(Error::Closed);
        }
        Ok(())
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(bytes: &[u8]) -> Result<ResponseHead> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::Protocol("response head is not text".into()))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| Error::Protocol(format!("bad status line {status_line:?}")))?;
    let mut head = ResponseHead { status, chunked: false, content_length: None };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            head.content_length = value.parse().ok();
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            head.chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_and_framing() {
        let cases: [(&[u8], ResponseHead); 2] = [
            (
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked",
                ResponseHead { status: 200, chunked: true, content_length: None },
            ),
            (
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 12",
                ResponseHead { status: 503, chunked: false, content_length: Some(12) },
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(parse_head(bytes).unwrap(), want);
        }
        assert!(parse_head(b"garbage").is_err());
    }
}
