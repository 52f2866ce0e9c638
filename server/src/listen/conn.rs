//! One accepted connection as the rest of the server sees it: its [`Socket`]
//! (plain TCP or TLS), the write-stall limit on it ([`StallLimit`]), and the
//! [`Peer`] every request on it carries, whose [`Link`] lets anyone end it.
//!
//! A client that stops reading (a frozen tab, a dead link the kernel has not noticed)
//! makes writes to its socket wait. hyper then simply stops polling that response's
//! body, so nothing piles up in memory, but the connection and its slot would stay
//! forever. [`StallLimit`] fails a write that has waited [`WRITE_STALL`], which ends
//! the connection whatever it carries (SSE, WebSocket after the upgrade, anything).
//! A client that reads nothing while its kernel still takes data is found sooner by
//! the [`watchdog`](crate::listen::watchdog), which cuts the [`Link`] (a
//! [`Watched`] connection to it).

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Sleep;
use tokio_rustls::server::TlsStream;

use crate::listen::clients::{Refusal, Ticket};
use crate::listen::watchdog::{Watchdog, Watched};

/// How long one write may wait for a client to take data.
pub const WRITE_STALL: Duration = Duration::from_secs(10);

/// The connection a request came on: every request's `ConnectInfo<Peer>`.
#[derive(Debug, Clone)]
pub struct Peer {
    /// The connection's TCP socket, open as long as the connection (or what an
    /// upgrade turned it into) lives.
    pub fd: RawFd,
    /// The address the connection comes from (a proxy's, behind one).
    pub remote: SocketAddr,
    /// Whether it is TLS: then nothing may write to `fd` but the TLS session.
    pub tls: bool,
    /// Ends the connection, and says who it counts against.
    pub link: Arc<Link>,
    /// Where a stream asks to be let go if its client stops reading.
    pub watchdog: Arc<Watchdog>,
}

impl Peer {
    /// From now on, the connection is cut if its client stops reading (streams).
    pub fn watch_reading(&self) {
        self.watchdog.watch(&self.link);
    }
}

/// What a connection shares with the code that may end it: its place under the
/// caps, and the switch that ends it (the accept loop and a WebSocket's task both
/// wait on it).
#[derive(Debug)]
pub struct Link {
    fd: RawFd,
    ticket: Mutex<Ticket>,
    cut: AtomicBool,
    cut_now: Notify,
}

impl Link {
    /// A link for the socket `fd`, holding its place `ticket`.
    pub fn new(fd: RawFd, ticket: Ticket) -> Arc<Self> {
        Arc::new(Link { fd, ticket: Mutex::new(ticket), cut: AtomicBool::new(false), cut_now: Notify::new() })
    }

    /// The connection's TCP socket.
    pub fn fd(&self) -> RawFd {
        self.fd
    }

    /// Ends the connection (whoever serves it stops and drops its socket).
    pub fn cut(&self) {
        self.cut.store(true, Ordering::Release);
        self.cut_now.notify_waiters();
    }

    /// Whether the connection has been cut.
    pub fn is_cut(&self) -> bool {
        self.cut.load(Ordering::Acquire)
    }

    /// Resolves once the connection is cut.
    pub async fn cut_off(&self) {
        let notified = self.cut_now.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_cut() {
            return;
        }
        notified.await;
    }

    /// The client address the connection counts against (see `Ticket::address`).
    pub fn client(&self) -> Option<IpAddr> {
        self.ticket.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).address()
    }

    /// Counts the connection against `client` from now on (a trusted proxy named
    /// the browser it speaks for).
    pub fn speaks_for(&self, client: IpAddr) -> Result<(), Refusal> {
        self.ticket.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).move_to(client)
    }
}

impl Watched for Link {
    fn fd(&self) -> RawFd {
        Link::fd(self)
    }

    fn is_cut(&self) -> bool {
        Link::is_cut(self)
    }

    fn cut(&self) {
        Link::cut(self)
    }
}

/// An accepted socket, plain or TLS.
pub enum Socket {
    /// Plain TCP.
    Plain(TcpStream),
    /// TLS over TCP.
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        match self {
            Socket::Plain(tcp) => tcp.as_raw_fd(),
            Socket::Tls(tls) => tls.get_ref().0.as_raw_fd(),
        }
    }
}

impl AsyncRead for Socket {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_read(cx, buf),
            Socket::Tls(tls) => Pin::new(tls.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Socket {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_write(cx, buf),
            Socket::Tls(tls) => Pin::new(tls.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_flush(cx),
            Socket::Tls(tls) => Pin::new(tls.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Plain(tcp) => Pin::new(tcp).poll_shutdown(cx),
            Socket::Tls(tls) => Pin::new(tls.as_mut()).poll_shutdown(cx),
        }
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
    /// `inner`, whose writes may wait at most `stall`.
    pub fn new(inner: S, stall: Duration) -> Self {
        StallLimit { inner, stall, waiting: None }
    }

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
