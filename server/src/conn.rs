//! Accepted connections: `TCP_NODELAY`, a write-stall limit on every socket, and
//! each connection's socket handed to its requests as [`Peer`] (the WebSocket
//! fan-out writes to it directly).
//!
//! A client that stops reading (a frozen tab, a dead link the kernel has not noticed)
//! makes writes to its socket wait. hyper then simply stops polling that response's
//! body, so nothing piles up in memory, but the connection and its slot would stay
//! forever. [`StallLimit`] fails a write that has waited [`WRITE_STALL`], which ends
//! the connection whatever it carries (SSE, WebSocket after the upgrade, anything).

use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::IncomingStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;

/// How long one write may wait for a client to take data.
pub const WRITE_STALL: Duration = Duration::from_secs(10);

/// A [`TcpListener`] whose connections are [`StallLimit`]ed.
pub struct Listener {
    inner: TcpListener,
    stall: Duration,
}

impl Listener {
    /// Wraps a bound listener; writes may wait at most `stall`.
    pub fn new(inner: TcpListener, stall: Duration) -> Self {
        Listener { inner, stall }
    }
}

impl axum::serve::Listener for Listener {
    type Io = StallLimit<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        // Frames are small and latency matters more than packet count.
        let _ = stream.set_nodelay(true);
        (StallLimit { inner: stream, stall: self.stall, waiting: None }, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The socket a request came on: every request's `ConnectInfo<Peer>` (see
/// [`crate::serve`]).
#[derive(Debug, Clone, Copy)]
pub struct Peer {
    /// The connection's socket, open as long as the connection (or what an upgrade
    /// turned it into) lives.
    pub fd: RawFd,
}

impl Connected<IncomingStream<'_, Listener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, Listener>) -> Self {
        Peer { fd: stream.io().as_raw_fd() }
    }
}

/// A stream whose writes fail with `TimedOut` after waiting `stall` without progress.
pub struct StallLimit<S> {
    inner: S,
    stall: Duration,
    /// Armed when a write first has to wait; cleared by any progress.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<S> StallLimit<S> {
    fn check<T>(&mut self, poll: Poll<io::Result<T>>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.waiting = None;
            return poll;
        }
        let stall = self.stall;
        let timer = self.waiting.get_or_insert_with(|| Box::pin(tokio::time::sleep(stall)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.waiting = None;
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsRawFd> AsRawFd for StallLimit<S> {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for StallLimit<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for StallLimit<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.check(poll, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.check(poll, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.check(poll, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.check(poll, cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test(start_paused = true)]
    async fn a_write_to_a_reader_that_never_reads_fails_after_the_stall_limit() {
        let (client, _server_end_never_read) = tokio::io::duplex(64);
        let mut limited = StallLimit { inner: client, stall: Duration::from_secs(10), waiting: None };
        let started = tokio::time::Instant::now();
        let error = limited.write_all(&[0u8; 4096]).await.expect_err("the write must give up");
        assert_eq!(error.kind(), io::ErrorKind::TimedOut);
        assert_eq!(started.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn writes_that_make_progress_never_time_out() {
        let (client, mut reader) = tokio::io::duplex(64);
        let mut limited = StallLimit { inner: client, stall: Duration::from_secs(1), waiting: None };
        let drain = tokio::spawn(async move {
            let mut sink = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut sink).await.map(|_| sink.len())
        });
        limited.write_all(&[1u8; 100_000]).await.expect("a reading client is never cut off");
        limited.shutdown().await.expect("shutdown");
        assert_eq!(drain.await.expect("task").expect("read"), 100_000);
    }
}
