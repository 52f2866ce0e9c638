//! Lets go of streaming clients that stopped reading, within a bounded time at any
//! data rate: once a second it asks the kernel about each watched connection
//! (`TCP_INFO`, `SIOCOUTQ`) and cuts those [`reading`] judges stopped.
//!
//! Streams (WebSocket, SSE) ask to be watched when they start; plain requests are
//! short and bounded by the write-stall limit. A cut connection resumes from its
//! cursor when its client comes back, losing nothing inside history.
//!
//! A connection is anything [`Watched`] (`super::conn::Link` is), so this module knows
//! nothing of connections beyond their socket and their switch.

pub mod reading;

use std::os::fd::RawFd;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use reading::{Reading, Sample, Verdict};

/// How often the watched connections are looked at.
pub const PERIOD: Duration = Duration::from_secs(1);

/// How many connections are looked at before the sweep gives the worker back.
const SLICE: usize = 512;

/// What the watchdog needs of a connection.
pub trait Watched: Send + Sync {
    /// The connection's TCP socket, asked about its window and queue.
    fn fd(&self) -> RawFd;
    /// Whether the connection has already been cut.
    fn is_cut(&self) -> bool;
    /// Ends the connection.
    fn cut(&self);
}

/// A watched connection, held weakly (the watchdog never keeps one open), and what
/// has been seen of its reading so far.
type Entry = (Weak<dyn Watched>, Reading);

/// The connections being watched.
#[derive(Default)]
pub struct Watchdog {
    watched: Mutex<Vec<Entry>>,
}

impl std::fmt::Debug for Watchdog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watchdog").field("watched", &self.lock().len()).finish()
    }
}

impl Watchdog {
    /// A watchdog and the task that sweeps it (it ends when the watchdog is dropped).
    pub fn spawn() -> Arc<Self> {
        let watchdog = Arc::new(Watchdog::default());
        let weak = Arc::downgrade(&watchdog);
        tokio::spawn(async move {
            let started = Instant::now();
            let mut ticks = tokio::time::interval(PERIOD);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(watchdog) = weak.upgrade() else { return };
                // In slices, giving the worker back between them, so 19,000 streams
                // never hold a request up for the whole sweep.
                let mut watched = watchdog.take();
                for slice in watched.chunks_mut(SLICE) {
                    Watchdog::sweep(slice, started.elapsed());
                    tokio::task::yield_now().await;
                }
                watched.retain(|(link, _)| link.strong_count() > 0);
                watchdog.put_back(watched);
            }
        });
        watchdog
    }

    /// Watches `link` from now until its connection ends.
    pub fn watch<W: Watched + 'static>(&self, link: &Arc<W>) {
        let weak: Weak<W> = Arc::downgrade(link);
        self.lock().push((weak as Weak<dyn Watched>, Reading::default()));
    }

    /// Takes the watched connections out to be looked at (the kernel is asked
    /// outside the lock, so new streams never wait on it).
    fn take(&self) -> Vec<Entry> {
        std::mem::take(&mut *self.lock())
    }

    /// Puts looked-at connections back beside those watched since.
    fn put_back(&self, mut watched: Vec<Entry>) {
        self.lock().append(&mut watched);
    }

    /// Looks at each connection once; cuts those that stopped reading (and drops
    /// its hold on them: the caller forgets entries whose link is gone).
    fn sweep(watched: &mut [Entry], now: Duration) {
        for (weak, reading) in watched {
            let Some(link) = weak.upgrade().filter(|link| !link.is_cut()) else {
                *weak = gone();
                continue;
            };
            if reading.observe(now, sample(link.fd())) == Verdict::Stopped {
                tracing::debug!("a streaming client stopped reading; letting it go (it resumes on reconnect)");
                link.cut();
                *weak = gone();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Entry>> {
        self.watched.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// An entry's link once the watchdog lets go of it (the sweep forgets it).
fn gone() -> Weak<dyn Watched> {
    Weak::<Gone>::new()
}

/// The type of a link that never was: `Weak::new` needs a sized type.
struct Gone;

impl Watched for Gone {
    fn fd(&self) -> RawFd {
        -1
    }
    fn is_cut(&self) -> bool {
        true
    }
    fn cut(&self) {}
}

/// What the kernel says about socket `fd` now.
fn sample(fd: RawFd) -> Sample {
    let info = tcp_info(fd);
    match info.window {
        // The window decides; the queue is only asked for where it does not.
        Some(window) => Sample { window: Some(window), queued: 0, mss: info.mss },
        None => Sample { window: None, queued: queued(fd), mss: info.mss },
    }
}

/// Bytes in the socket's send queue, not yet acknowledged (`SIOCOUTQ`).
fn queued(fd: RawFd) -> u64 {
    let mut bytes: libc::c_int = 0;
    // SAFETY: TIOCOUTQ (SIOCOUTQ for sockets) writes one int; on a closed or
    // reused descriptor it fails or reads another socket's count, which only
    // affects this one judgement of a connection that is ending anyway.
    let done = unsafe { libc::ioctl(fd, libc::TIOCOUTQ, &mut bytes) };
    if done == 0 {
        bytes.max(0) as u64
    } else {
        0
    }
}

/// What `TCP_INFO` says of a connection: the receive window the client advertises
/// (`tcpi_snd_wnd`, Linux 6.2 and later; `None` before) and our segment size.
struct Info {
    window: Option<u32>,
    mss: u32,
}

fn tcp_info(fd: RawFd) -> Info {
    let mut info = TcpInfo::default();
    let mut length = std::mem::size_of::<TcpInfo>() as libc::socklen_t;
    // SAFETY: the kernel writes at most `length` bytes into `info` and says how many.
    let done = unsafe {
        libc::getsockopt(fd, libc::IPPROTO_TCP, libc::TCP_INFO, (&mut info as *mut TcpInfo).cast(), &mut length)
    };
    if done != 0 {
        return Info { window: None, mss: 0 };
    }
    let reported = std::mem::offset_of!(TcpInfo, snd_wnd) + std::mem::size_of::<u32>();
    // `rto_to_fackets` is rto, ato, snd_mss, …: always reported.
    Info { window: (length as usize >= reported).then_some(info.snd_wnd), mss: info.rto_to_fackets[2] }
}

/// `struct tcp_info` from `linux/tcp.h`, up to `tcpi_snd_wnd`.
#[repr(C)]
#[derive(Default)]
struct TcpInfo {
    small: [u8; 8],
    rto_to_fackets: [u32; 9],
    times: [u32; 4],
    metrics: [u32; 8],
    rcv_rtt: u32,
    rcv_space: u32,
    total_retrans: u32,
    pacing_rate: u64,
    max_pacing_rate: u64,
    bytes_acked: u64,
    bytes_received: u64,
    segs: [u32; 2],
    notsent_bytes: u32,
    min_rtt: u32,
    data_segs: [u32; 2],
    delivery_rate: u64,
    busy_time: u64,
    rwnd_limited: u64,
    sndbuf_limited: u64,
    delivered: u32,
    delivered_ce: u32,
    bytes_sent: u64,
    bytes_retrans: u64,
    dsack_dups: u32,
    reord_seen: u32,
    rcv_ooopack: u32,
    snd_wnd: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn the_layout_matches_the_kernels() {
        // linux/tcp.h: tcpi_snd_wnd follows tcpi_rcv_ooopack at byte 228.
        assert_eq!(std::mem::offset_of!(TcpInfo, bytes_acked), 120);
        assert_eq!(std::mem::offset_of!(TcpInfo, snd_wnd), 228);
        // rto, ato, then tcpi_snd_mss at byte 16.
        assert_eq!(std::mem::offset_of!(TcpInfo, rto_to_fackets) + 2 * 4, 16);
    }

    #[tokio::test]
    async fn a_non_reading_peer_shows_a_shrinking_window() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let _client_never_reads = tokio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        // Loopback segments are tens of KiB (32 KiB before data flows, 64 KiB after).
        assert!(tcp_info(server.as_raw_fd()).mss > 16_000, "{}", tcp_info(server.as_raw_fd()).mss);
        let Some(first) = tcp_info(server.as_raw_fd()).window else { return }; // old kernel: the queue rule applies
        let (mut largest, mut now) = (first, first);
        // 2 KiB at a time, as frames come; the window may first grow, then it shrinks.
        for _ in 0..64 {
            server.write_all(&[b'x'; 2048]).await.unwrap();
            now = tcp_info(server.as_raw_fd()).window.unwrap();
            largest = largest.max(now);
            if largest - now > reading::SLACK {
                break;
            }
        }
        assert!(largest - now > reading::SLACK, "largest window {largest}, now {now}");
    }
}
