//! One request over a fresh raw socket to 127.0.0.1, and what came back: the
//! response head, and the body of an error (of anything else only the head is
//! read; a stream is dropped there). Every read is bounded in bytes and in time.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// The longest the server may take to answer or close: its longest hold is a
/// 30 s long-poll (and plain requests give up at 15 s), so anything slower is a hang.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(35);

/// Most bytes read of a response head, and of an error body. Both are small, but
/// a server may quote a client's value back at length (the tally files an error
/// body over 4 KiB apart, see `verdict.rs`).
const MAX_HEAD: usize = 1024 * 1024;
const MAX_BODY: usize = 1024 * 1024;

/// What the server did with a request.
#[derive(Debug)]
pub struct Answer {
    /// The final status (interim `1xx` other than `101` skipped), or `None` when the
    /// server closed the connection without answering.
    pub status: Option<u16>,
    /// Header names in lowercase, values as sent.
    pub headers: Vec<(String, String)>,
    /// The body of an error response (at most [`MAX_BODY`] bytes, de-chunked);
    /// empty for other statuses and for HEAD.
    pub body: Vec<u8>,
    /// For a `101`: the first WebSocket frame's opcode and payload.
    pub first_frame: Option<(u8, Vec<u8>)>,
}

impl Answer {
    /// The value of header `name` (lowercase), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Sends `request` on a new connection and reads the answer (see [`Answer`]).
/// Errors only when the server cannot be reached or does not answer in time: every
/// read stops at [`ANSWER_WITHIN`] from the start, so a hang is an error here, and
/// how fast the server answered is never asserted.
pub async fn exchange(addr: SocketAddr, request: &[u8], is_head: bool) -> Result<Answer, String> {
    let started = Instant::now();
    let mut stream = timeout(Duration::from_secs(5), TcpStream::connect(addr))
        .await
        .map_err(|_| "connecting took over 5 s".to_owned())?
        .map_err(|e| format!("cannot connect: {e}"))?;
    // The server may answer (a 431, say) and close before it has read everything:
    // what it answered is still there to read.
    let _ = timeout(ANSWER_WITHIN, stream.write_all(request)).await;
    let deadline = started + ANSWER_WITHIN;
    let mut reader = Reader { stream, buffer: Vec::new(), deadline };
    let mut answer = Answer { status: None, headers: vec![], body: vec![], first_frame: None };
    // Skip interim answers (100 Continue, 103 Early Hints); at most a few.
    for _ in 0..4 {
        let Some(head) = reader.head().await? else {
            return Ok(answer);
        };
        let (status, headers) =
            parse_head(&head).ok_or_else(|| format!("not an HTTP response: {:?}", head.escape_ascii().to_string()))?;
        answer.status = Some(status);
        answer.headers = headers;
        if !(100..200).contains(&status) || status == 101 {
            break;
        }
    }
    match answer.status {
        Some(101) => answer.first_frame = reader.frame().await?,
        Some(status) if status >= 400 && !is_head => answer.body = reader.body(&answer).await?,
        _ => {}
    }
    Ok(answer)
}

/// The status and headers of a response head.
fn parse_head(head: &[u8]) -> Option<(u16, Vec<(String, String)>)> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.splitn(3, ' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Some((status, headers))
}

/// Reads from the socket into a buffer until the deadline.
struct Reader {
    stream: TcpStream,
    buffer: Vec<u8>,
    deadline: Instant,
}

impl Reader {
    /// Reads more bytes; `false` at the end of the stream (or a reset).
    async fn more(&mut self) -> Result<bool, String> {
        let mut chunk = [0u8; 8192];
        let left = self.deadline.saturating_duration_since(Instant::now());
        match timeout(left, self.stream.read(&mut chunk)).await {
            Err(_) => Err(format!("no answer within {} s", ANSWER_WITHIN.as_secs())),
            Ok(Ok(0) | Err(_)) => Ok(false),
            Ok(Ok(n)) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
        }
    }

    /// The next response head (without its blank line), or `None` if the stream ended first.
    async fn head(&mut self) -> Result<Option<Vec<u8>>, String> {
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = self.buffer[..end].to_vec();
                self.buffer.drain(..end + 4);
                return Ok(Some(head));
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(format!("a response head over {MAX_HEAD} bytes"));
            }
            if !self.more().await? {
                return Ok(None);
            }
        }
    }

    /// At least `len` bytes buffered, or as many as came before the stream ended.
    async fn fill(&mut self, len: usize) -> Result<(), String> {
        while self.buffer.len() < len {
            if !self.more().await? {
                break;
            }
        }
        Ok(())
    }

    /// The body of `answer`, framed by its headers, cut at [`MAX_BODY`].
    async fn body(&mut self, answer: &Answer) -> Result<Vec<u8>, String> {
        if let Some(length) = answer.header("content-length") {
            let length = length.parse::<usize>().map_err(|_| format!("a bad content-length {length:?}"))?;
            self.fill(length.min(MAX_BODY)).await?;
            self.buffer.truncate(length.min(MAX_BODY));
            return Ok(std::mem::take(&mut self.buffer));
        }
        if answer.header("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
            return self.chunked().await;
        }
        // Neither: the body runs to the end of the stream.
        self.fill(MAX_BODY).await?;
        self.buffer.truncate(MAX_BODY);
        Ok(std::mem::take(&mut self.buffer))
    }

    /// A chunked body, de-chunked (chunk extensions and trailers ignored).
    async fn chunked(&mut self) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        while body.len() < MAX_BODY {
            let line_end = loop {
                if let Some(end) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                    break end;
                }
                if self.buffer.len() > 1024 || !self.more().await? {
                    return Err("a chunked body without a chunk size line".into());
                }
            };
            let line = String::from_utf8_lossy(&self.buffer[..line_end]).into_owned();
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("a bad chunk size {line:?}"))?;
            self.buffer.drain(..line_end + 2);
            if size == 0 {
                break;
            }
            self.fill(size + 2).await?;
            let take = size.min(self.buffer.len());
            body.extend(self.buffer.drain(..take));
            let crlf = 2.min(self.buffer.len());
            self.buffer.drain(..crlf);
        }
        body.truncate(MAX_BODY);
        Ok(body)
    }

    /// The first WebSocket frame after a `101` (server frames are not masked).
    async fn frame(&mut self) -> Result<Option<(u8, Vec<u8>)>, String> {
        self.fill(2).await?;
        if self.buffer.len() < 2 {
            return Ok(None);
        }
        let opcode = self.buffer[0] & 0x0f;
        let (length, header) = match self.buffer[1] & 0x7f {
            126 => {
                self.fill(4).await?;
                if self.buffer.len() < 4 {
                    return Ok(None);
                }
                (usize::from(u16::from_be_bytes([self.buffer[2], self.buffer[3]])), 4)
            }
            127 => return Err("a first frame over 64 KiB".into()),
            short => (usize::from(short), 2),
        };
        self.fill(header + length).await?;
        if self.buffer.len() < header + length {
            return Ok(None);
        }
        Ok(Some((opcode, self.buffer[header..header + length].to_vec())))
    }
}
