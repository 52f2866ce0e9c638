//! One WebSocket client of the fan-out: its socket, the newest frame it has been
//! given, and who may write to its socket now.
//!
//! Two writers share the socket: the fan-out (live frames and heartbeats, from the
//! publishing task) and the client's own task (everything else). Both write only
//! under this subscriber's lock and only when nothing is queued before them, so
//! messages never interleave. The rules, each applied under the lock:
//! - The fan-out writes frame `seq` only in direct mode and only when the client was
//!   given `seq - 1`. Otherwise it leaves direct mode, marks the client behind and
//!   wakes its task, which catches up from history (the hub stores a frame before
//!   offering it, so history has it by then).
//! - The task enters direct mode only when nothing was skipped since it last looked.
//! - What a socket does not take at once is queued ([`Outbox`]) and the task is woken
//!   to write it when the socket can take more. A client that lets more than
//!   [`MAX_QUEUED_BYTES`] pile up is cut off; it resumes from its cursor when it
//!   reconnects, so it loses nothing and the server never buffers without bound.
//!
//! A client over TLS cannot be written raw bytes: its subscriber is *tasked*
//! ([`Subscriber::tasked`]). It never enters direct mode; every frame wakes its
//! task, which sends it from history through the TLS session, and a heartbeat
//! offer wakes the task to send the heartbeat.

use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;

use bytes::{Buf, Bytes};
use tokio::sync::futures::Notified;
use tokio::sync::Notify;

/// The most bytes one client may have queued: about a minute of frames at 1 Hz.
pub const MAX_QUEUED_BYTES: usize = 64 * 1024;

/// A client's socket as the fan-out sees it.
pub struct Subscriber {
    fd: RawFd,
    state: Mutex<State>,
    wake: Notify,
}

struct State {
    /// False once the connection is closing: nothing more is written.
    open: bool,
    /// The socket is not the fan-out's to write (TLS): the task sends everything.
    tasked: bool,
    /// A tasked client should be sent a heartbeat.
    heartbeat_due: bool,
    /// The fan-out may write frames (the task is not writing frames itself).
    direct: bool,
    /// The fan-out skipped a frame for this client since the task last looked.
    behind: bool,
    /// The newest frame written or queued for this client.
    last_sent: u64,
    /// Bytes accepted for the socket and not written yet, in order.
    outbox: Outbox,
}

/// What the task must do after a wake-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// End the connection: it let too much pile up.
    pub overflowed: bool,
    /// Send the frames the fan-out skipped, from history.
    pub catch_up: bool,
    /// Write what is queued.
    pub flush: bool,
    /// Send a heartbeat (tasked clients only).
    pub heartbeat: bool,
}

impl Subscriber {
    /// A client on socket `fd` that has been given every frame up to `last_sent`,
    /// not yet in direct mode.
    ///
    /// # Safety
    /// `fd` must stay an open socket of this client until [`Subscriber::close`] has
    /// returned: the fan-out writes to it until then.
    pub unsafe fn new(fd: RawFd, last_sent: u64) -> Arc<Self> {
        Self::with(fd, false, last_sent)
    }

    /// A client whose socket the fan-out must never write (TLS): every frame and
    /// heartbeat wakes its task instead.
    pub fn tasked(last_sent: u64) -> Arc<Self> {
        Self::with(-1, true, last_sent)
    }

    fn with(fd: RawFd, tasked: bool, last_sent: u64) -> Arc<Self> {
        let state = State {
            open: true,
            tasked,
            heartbeat_due: false,
            direct: false,
            behind: false,
            last_sent,
            outbox: Outbox::default(),
        };
        Arc::new(Subscriber { fd, state: Mutex::new(state), wake: Notify::new() })
    }

    /// Whether the connection is still open.
    pub fn is_open(&self) -> bool {
        self.lock().open
    }

    /// The newest frame written or queued for this client.
    pub fn last_sent(&self) -> u64 {
        self.lock().last_sent
    }

    /// Writes frame `seq` if the client is in direct mode and has every frame before
    /// it; otherwise marks it behind and wakes its task.
    pub fn offer_frame(&self, seq: u64, bytes: &Bytes) {
        let mut state = self.lock();
        if !state.open || seq <= state.last_sent {
            return;
        }
        let wake = if state.direct && seq == state.last_sent + 1 {
            state.last_sent = seq;
            self.write(&mut state, bytes)
        } else {
            state.direct = false;
            state.behind = true;
            true
        };
        drop(state);
        if wake {
            self.wake.notify_one();
        }
    }

    /// Writes a heartbeat saying the newest frame is `seq`, if the client has that
    /// frame and nothing queued (otherwise data is on its way anyway).
    pub fn offer_heartbeat(&self, seq: u64, bytes: &Bytes) {
        let mut state = self.lock();
        if state.tasked && state.open && state.last_sent == seq && state.outbox.is_empty() {
            state.heartbeat_due = true;
            drop(state);
            self.wake.notify_one();
            return;
        }
        if !state.open || !state.direct || state.last_sent != seq || !state.outbox.is_empty() {
            return;
        }
        let wake = self.write(&mut state, bytes);
        drop(state);
        if wake {
            self.wake.notify_one();
        }
    }

    /// The task is about to send frame `seq` itself (catching up, out of direct
    /// mode): false if the client already has it.
    pub fn sending_frame(&self, seq: u64) -> bool {
        let mut state = self.lock();
        if seq <= state.last_sent {
            return false;
        }
        state.last_sent = seq;
        true
    }

    /// Hands live frames to the fan-out, unless it skipped one since the task last
    /// looked (then the task must catch up first, and this returns false).
    pub fn try_go_direct(&self) -> bool {
        let mut state = self.lock();
        if std::mem::take(&mut state.behind) {
            return false;
        }
        // A tasked client is caught up now; the next frame wakes its task again.
        if state.tasked {
            return true;
        }
        state.direct = state.open;
        state.direct
    }

    /// Takes live frames back from the fan-out (before the last message, `bye`).
    pub fn leave_direct(&self) {
        self.lock().direct = false;
    }

    /// What the task must do now.
    pub fn needs(&self) -> Needs {
        let state = self.lock();
        Needs {
            overflowed: state.outbox.is_broken(),
            catch_up: state.behind,
            flush: !state.outbox.is_empty(),
            heartbeat: state.heartbeat_due,
        }
    }

    /// Whether a heartbeat is due (tasked clients); the task sends it now.
    pub fn take_heartbeat(&self) -> bool {
        std::mem::take(&mut self.lock().heartbeat_due)
    }

    /// Resolves after the fan-out has queued bytes, skipped a frame or overflowed
    /// (a wake-up that comes while nobody waits is kept for the next call).
    pub fn notified(&self) -> Notified<'_> {
        self.wake.notified()
    }

    /// Runs `f` on the queue under the lock, for the task's own writes: they must
    /// go after anything queued, and no fan-out write may come between.
    pub fn with_outbox<R>(&self, f: impl FnOnce(&mut Outbox) -> R) -> R {
        f(&mut self.lock().outbox)
    }

    /// Stops every write to the socket; after this returns the socket may be closed.
    pub fn close(&self) {
        let mut state = self.lock();
        state.open = false;
        state.direct = false;
        state.outbox = Outbox::default();
    }

    /// Writes `bytes` after anything queued; returns whether the task must be woken
    /// (something was queued).
    fn write(&self, state: &mut State, bytes: &Bytes) -> bool {
        if state.outbox.is_broken() {
            return false;
        }
        let rest = if state.outbox.is_empty() {
            match send(self.fd, bytes) {
                Ok(sent) if sent == bytes.len() => return false,
                Ok(sent) => bytes.slice(sent..),
                // Would block, interrupted or broken: the task's own write of the
                // queue finds out which, and ends the connection if it is broken.
                Err(_) => bytes.clone(),
            }
        } else {
            bytes.clone()
        };
        if !state.outbox.push(rest) {
            state.direct = false;
        }
        true
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update of the state is a few plain assignments that cannot panic
        // halfway, so a poisoned lock still guards a consistent state.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One non-blocking `send` of `bytes` to `fd`.
fn send(fd: RawFd, bytes: &[u8]) -> io::Result<usize> {
    // SAFETY: `fd` is open (the contract of `Subscriber::new`: the caller holds the
    // lock and has checked `open`), and `bytes` is valid for reads of its length.
    let sent = unsafe { libc::send(fd, bytes.as_ptr().cast(), bytes.len(), libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) };
    if sent < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(sent as usize)
    }
}

/// Bytes accepted for a socket and not written yet, oldest first. Frames are shared
/// `Bytes`, so queueing one copies nothing.
#[derive(Default)]
pub struct Outbox {
    queue: VecDeque<Bytes>,
    bytes: usize,
    /// A message was refused, maybe after its start went out: nothing may follow it.
    broken: bool,
}

impl Outbox {
    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Whether a message was refused ([`Outbox::push`] returned false): the stream
    /// may hold half a message, so nothing more may be written to it.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Queues `bytes` after the rest; false (and nothing queued, now or later) if
    /// that would pass [`MAX_QUEUED_BYTES`].
    pub fn push(&mut self, bytes: Bytes) -> bool {
        if self.broken {
            return false;
        }
        if bytes.is_empty() {
            return true;
        }
        if self.bytes + bytes.len() > MAX_QUEUED_BYTES {
            self.broken = true;
            return false;
        }
        self.bytes += bytes.len();
        self.queue.push_back(bytes);
        true
    }

    /// Writes the queue with `write`, oldest first, until it is empty (`Ready(Ok)`),
    /// `write` is not ready (`Pending`) or fails.
    pub fn drain(&mut self, mut write: impl FnMut(&[u8]) -> Poll<io::Result<usize>>) -> Poll<io::Result<()>> {
        while let Some(front) = self.queue.front_mut() {
            match write(front) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(written)) => {
                    let written = written.min(front.len());
                    self.bytes -= written;
                    front.advance(written);
                    if front.is_empty() {
                        self.queue.pop_front();
                    }
                }
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}
