//! A WebSocket connection's socket as its task (and tungstenite) sees it: reads go
//! straight to the socket; writes go after whatever the fan-out queued, under the
//! subscriber's lock, so the task's messages and the fan-out's never interleave.

use std::io;
use std::os::fd::RawFd;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::fanout::Subscriber;

/// The upgraded connection, shared with the fan-out through a [`Subscriber`].
pub struct ConnIo {
    inner: TokioIo<Upgraded>,
    /// The socket the fan-out writes (`None`: a tasked client, over TLS).
    fd: Option<RawFd>,
    subscriber: Arc<Subscriber>,
}

impl ConnIo {
    /// Wraps `inner`, whose socket is `fd`, for a client given every frame up to
    /// `last_sent`; the subscriber is for [`crate::fanout::Fanout::add`].
    ///
    /// # Safety
    /// `fd` must be the socket `inner` owns. Dropping the `ConnIo` closes the
    /// subscriber before it drops (and so closes) the socket.
    pub unsafe fn new(inner: TokioIo<Upgraded>, fd: RawFd, last_sent: u64) -> (Self, Arc<Subscriber>) {
        // SAFETY: `inner` keeps `fd` open, and `drop` closes the subscriber first.
        let subscriber = unsafe { Subscriber::new(fd, last_sent) };
        (ConnIo { inner, fd: Some(fd), subscriber: subscriber.clone() }, subscriber)
    }

    /// Wraps `inner` for a client whose socket the fan-out must not write (TLS):
    /// its task sends every frame ([`Subscriber::tasked`]).
    pub fn tasked(inner: TokioIo<Upgraded>, last_sent: u64) -> (Self, Arc<Subscriber>) {
        let subscriber = Subscriber::tasked(last_sent);
        (ConnIo { inner, fd: None, subscriber: subscriber.clone() }, subscriber)
    }

    /// Gives the socket to a new subscriber, for another host's stream given every
    /// frame up to `last_sent`, and closes the old one (its hub's fan-out then drops
    /// it). `None` if the old one still has bytes queued: the caller must have taken
    /// it out of direct mode and flushed, so nothing of the old stream is lost or
    /// written after the new one begins.
    pub fn resubscribe(&mut self, last_sent: u64) -> Option<Arc<Subscriber>> {
        if !self.subscriber.with_outbox(|outbox| outbox.is_empty()) {
            return None;
        }
        let next = match self.fd {
            // SAFETY: `fd` is the socket `inner` owns (checked by `new`'s caller), and
            // `drop` closes whichever subscriber is current before the socket.
            Some(fd) => unsafe { Subscriber::new(fd, last_sent) },
            None => Subscriber::tasked(last_sent),
        };
        std::mem::replace(&mut self.subscriber, next.clone()).close();
        Some(next)
    }
}

impl Drop for ConnIo {
    fn drop(&mut self) {
        // Runs before the fields drop: no fan-out write reaches the socket after this.
        self.subscriber.close();
    }
}

impl AsyncRead for ConnIo {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ConnIo {
    /// Takes all of `buf` at once: what the socket does not take now is queued, so a
    /// message is never left half written for a fan-out write to land in the middle.
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let inner = &mut this.inner;
        this.subscriber.with_outbox(|outbox| {
            if outbox.is_broken() {
                return Poll::Ready(Err(io::Error::other("the client is not reading: too much was queued for it")));
            }
            let written = if outbox.is_empty() {
                match Pin::new(&mut *inner).poll_write(cx, buf) {
                    Poll::Ready(Ok(written)) => written,
                    Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                    Poll::Pending => 0,
                }
            } else {
                0
            };
            if written < buf.len() && !outbox.push(Bytes::copy_from_slice(&buf[written..])) {
                return Poll::Ready(Err(io::Error::other("the client is not reading: too much is queued for it")));
            }
            Poll::Ready(Ok(buf.len()))
        })
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let inner = &mut this.inner;
        ready!(this
            .subscriber
            .with_outbox(|outbox| outbox.drain(|bytes| Pin::new(&mut *inner).poll_write(cx, bytes))))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().poll_flush(cx))?;
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
