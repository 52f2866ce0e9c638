//! Answers given below the router, each with the same JSON `{error, detail}` body
//! as every other error: refusals at accept time (the caps), and the automatic
//! answers hyper writes when it cannot parse a request (400, 414, 431), which it
//! sends without a body.
//!
//! [`JsonErrors`] wraps a connection's socket and swaps hyper's bodiless answer for
//! a JSON one as it is written. The router never answers 400, 414 or 431 with an
//! empty body, so such a head can only be hyper's.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use pulse_protocol::ApiError;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A complete HTTP/1.1 answer that closes the connection, with a JSON body.
pub fn closing_answer(status: u16, reason: &str, error: &str, detail: &str, retry_after: Option<u64>) -> Vec<u8> {
    let body = serde_json::to_vec(&ApiError { error: error.to_owned(), detail: detail.to_owned() })
        .unwrap_or_else(|_| b"{}".to_vec());
    let retry = retry_after.map(|s| format!("retry-after: {s}\r\n")).unwrap_or_default();
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         x-content-type-options: nosniff\r\n{retry}connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

/// The JSON answer for one of hyper's automatic bodiless ones, or `None`.
fn replacement(written: &[u8], max_head: usize) -> Option<Vec<u8>> {
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&written[..head_end]).ok()?.to_ascii_lowercase();
    let status = head.strip_prefix("http/1.1 ").or_else(|| head.strip_prefix("http/1.0 "))?.get(..3)?;
    if written.len() != head_end + 4 || !head.contains("\r\ncontent-length: 0") {
        return None;
    }
    let kib = max_head / 1024;
    let answer = match status {
        "400" => closing_answer(
            400,
            "Bad Request",
            "bad_request",
            "the request is not valid HTTP/1.1 (its request line or a header is malformed)",
            None,
        ),
        "414" => closing_answer(
            414,
            "URI Too Long",
            "uri_too_long",
            &format!("the request's target is longer than this server reads ({kib} KiB with the headers)"),
            None,
        ),
        "431" => closing_answer(
            431,
            "Request Header Fields Too Large",
            "headers_too_large",
            &format!("the request's target and headers are larger than this server reads ({kib} KiB), or too many"),
            None,
        ),
        _ => return None,
    };
    Some(answer)
}

/// A socket whose writes of hyper's bodiless error answers become JSON ones.
pub struct JsonErrors<S> {
    inner: S,
    /// The most bytes of request head the server reads (named in the 431 answer).
    max_head: usize,
    /// A JSON answer being written in place of hyper's, the bytes of it written so
    /// far, and how many bytes to report for hyper's write once it is all out.
    swapped: Option<(Vec<u8>, usize, usize)>,
}

impl<S> JsonErrors<S> {
    /// Wraps `inner`; `max_head` is hyper's `max_buf_size`.
    pub fn new(inner: S, max_head: usize) -> Self {
        JsonErrors { inner, max_head, swapped: None }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for JsonErrors<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for JsonErrors<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.swapped.is_none() {
            match replacement(buf, this.max_head) {
                Some(answer) => this.swapped = Some((answer, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        while let Some((answer, written, reported)) = this.swapped.as_mut() {
            if *written == answer.len() {
                let reported = *reported;
                this.swapped = None;
                return Poll::Ready(Ok(reported));
            }
            match Pin::new(&mut this.inner).poll_write(cx, &answer[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                other => return other,
            }
        }
        Poll::Ready(Ok(0))
    }

    /// Not vectored: hyper then writes each answer's head in one buffer, which is
    /// what `replacement` looks at.
    fn is_write_vectored(&self) -> bool {
        false
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swapped(head: &str) -> Option<String> {
        replacement(head.as_bytes(), 16 * 1024).map(|a| String::from_utf8(a).unwrap())
    }

    #[test]
    fn only_hypers_bodiless_error_heads_are_swapped() {
        let hyper_431 = "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = swapped(hyper_431).expect("hyper's 431");
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        assert!(answer.contains("\"error\":\"headers_too_large\""), "{answer}");
        assert!(answer.contains("16 KiB"), "{answer}");
        assert!(swapped("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").unwrap().contains("bad_request"));
        assert!(swapped("HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n").unwrap().contains("uri_too_long"));
        for kept in [
            "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 40\r\n\r\n",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n{}",
            "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
            "data: {}\n\n",
        ] {
            assert!(swapped(kept).is_none(), "{kept}");
        }
    }

    #[test]
    fn closing_answers_are_complete_json_answers() {
        let answer =
            String::from_utf8(closing_answer(429, "Too Many Requests", "too_many", "x \"y\"", Some(5))).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("connection: close") && head.contains("retry-after: 5"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
        let parsed: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(parsed["detail"], "x \"y\"");
    }
}
