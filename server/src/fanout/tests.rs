//! The fan-out's rules over real sockets (Unix socket pairs): order, holes, slow
//! readers, heartbeats, closing.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use bytes::Bytes;

use super::{encode_text, text_offset, Fanout, Subscriber, MAX_QUEUED_BYTES};

/// A subscriber on one end of a socket pair that has been given frames up to
/// `last_sent`, and the other end, to read what it was sent.
struct Pair {
    subscriber: Arc<Subscriber>,
    client: UnixStream,
    // Kept open for as long as the subscriber may write to it.
    _server: UnixStream,
}

fn pair(last_sent: u64) -> Pair {
    let (server, client) = UnixStream::pair().expect("a socket pair");
    client.set_nonblocking(true).expect("non-blocking");
    // SAFETY: `_server` stays open as long as the subscriber (both live in `Pair`,
    // and no test closes the subscriber after dropping the socket).
    let subscriber = unsafe { Subscriber::new(server.as_raw_fd(), last_sent) };
    Pair { subscriber, client, _server: server }
}

impl Pair {
    /// Everything the client can read now.
    fn received(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buffer = [0u8; 65536];
        loop {
            match self.client.read(&mut buffer) {
                Ok(0) => return out,
                Ok(read) => out.extend_from_slice(&buffer[..read]),
                Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => return out,
                Err(error) => panic!("read: {error}"),
            }
        }
    }
}

fn frame(seq: u64) -> Bytes {
    encode_text(&format!(r#"{{"type":"frame","seq":{seq}}}"#))
}

#[test]
fn text_messages_use_the_shortest_length_form() {
    for (len, header) in [(0, 2), (125, 2), (126, 4), (65_535, 4), (65_536, 10)] {
        let encoded = encode_text(&"x".repeat(len));
        assert_eq!(encoded[0], 0x81, "final text frame, unmasked");
        assert_eq!(encoded.len(), header + len, "{len}");
        assert_eq!(text_offset(&encoded), header, "{len}");
        let declared = match header {
            2 => u64::from(encoded[1]),
            4 => u64::from(u16::from_be_bytes([encoded[2], encoded[3]])),
            _ => u64::from_be_bytes(encoded[2..10].try_into().expect("eight bytes")),
        };
        assert_eq!(declared, len as u64);
    }
}

#[test]
fn a_direct_client_gets_each_next_frame_written_at_once_and_nothing_twice() {
    let mut pair = pair(4);
    assert!(pair.subscriber.try_go_direct());
    pair.subscriber.offer_frame(5, &frame(5));
    pair.subscriber.offer_frame(5, &frame(5));
    pair.subscriber.offer_frame(6, &frame(6));
    let want: Vec<u8> = [frame(5), frame(6)].concat();
    assert_eq!(pair.received(), want);
    assert_eq!(pair.subscriber.last_sent(), 6);
    assert_eq!(pair.subscriber.needs(), Default::default(), "nothing for the task to do");
}

#[test]
fn a_hole_is_never_written_over_the_client_catches_up_first() {
    let mut pair = pair(4);
    assert!(pair.subscriber.try_go_direct());
    pair.subscriber.offer_frame(6, &frame(6));
    assert!(pair.received().is_empty(), "frame 5 is missing: 6 must not go first");
    assert!(pair.subscriber.needs().catch_up);
    // The task sends 5 and 6 from history, then may hand over again.
    assert!(!pair.subscriber.try_go_direct(), "one skipped frame makes the task look again");
    assert!(pair.subscriber.sending_frame(5));
    assert!(pair.subscriber.sending_frame(6));
    assert!(!pair.subscriber.sending_frame(6), "never twice");
    assert!(pair.subscriber.try_go_direct());
    pair.subscriber.offer_frame(7, &frame(7));
    assert_eq!(pair.received(), frame(7).to_vec());
}

#[test]
fn a_client_that_is_not_direct_yet_is_only_marked_behind() {
    let mut pair = pair(1);
    pair.subscriber.offer_frame(2, &frame(2));
    assert!(pair.received().is_empty());
    assert!(pair.subscriber.needs().catch_up);
    assert_eq!(pair.subscriber.last_sent(), 1, "the task sends frame 2 from history");
}

#[test]
fn a_socket_that_takes_nothing_queues_in_order_then_overflows_without_growing() {
    let mut pair = pair(0);
    assert!(pair.subscriber.try_go_direct());
    let big = |seq: u64| encode_text(&format!("{seq:>16384}"));
    let mut seq = 0;
    while !pair.subscriber.needs().flush {
        seq += 1;
        assert!(seq < 10_000, "the socket buffer never filled");
        pair.subscriber.offer_frame(seq, &big(seq));
    }
    let mut overflowed_at = None;
    for _ in 0..(2 * MAX_QUEUED_BYTES / 16_384 + 2) {
        seq += 1;
        pair.subscriber.offer_frame(seq, &big(seq));
        if pair.subscriber.needs().overflowed {
            overflowed_at = Some(seq);
            break;
        }
    }
    assert!(overflowed_at.is_some(), "a client that reads nothing is given up");
    // Half a message may be on the wire: nothing at all may follow it.
    assert!(pair.subscriber.with_outbox(|outbox| outbox.is_broken() && !outbox.push(Bytes::from_static(b"bye"))));
    // What did reach the socket is whole frames in order, then the start of the next.
    let received = pair.received();
    let whole: Vec<u8> = (1..=seq).flat_map(|seq| big(seq).to_vec()).collect();
    assert!(received.len() < whole.len());
    assert_eq!(received[..], whole[..received.len()], "bytes in order, none skipped");
}

#[test]
fn queued_bytes_go_out_before_the_tasks_own_and_in_order() {
    let mut pair = pair(0);
    assert!(pair.subscriber.try_go_direct());
    pair.subscriber.with_outbox(|outbox| assert!(outbox.push(Bytes::from_static(b"first "))));
    pair.subscriber.offer_frame(1, &frame(1));
    assert!(pair.received().is_empty(), "nothing jumps the queue");
    let mut written = Vec::new();
    let drained = pair.subscriber.with_outbox(|outbox| {
        outbox.drain(|bytes| {
            written.extend_from_slice(bytes);
            std::task::Poll::Ready(Ok(bytes.len()))
        })
    });
    assert!(drained.is_ready());
    assert_eq!(written, [&b"first "[..], &frame(1)].concat());
}

#[test]
fn heartbeats_go_only_to_clients_that_have_the_newest_frame() {
    let mut behind = pair(3);
    let mut current = pair(4);
    assert!(behind.subscriber.try_go_direct());
    assert!(current.subscriber.try_go_direct());
    let heartbeat = encode_text(r#"{"type":"heartbeat","seq":4}"#);
    behind.subscriber.offer_heartbeat(4, &heartbeat);
    current.subscriber.offer_heartbeat(4, &heartbeat);
    assert!(behind.received().is_empty(), "it still waits for frame 4: no heartbeat first");
    assert_eq!(current.received(), heartbeat.to_vec());
}

#[test]
fn a_closed_client_is_never_written_and_leaves_the_set() {
    let mut pair = pair(0);
    let fanout = Fanout::default();
    fanout.add(pair.subscriber.clone());
    assert!(pair.subscriber.try_go_direct());
    pair.subscriber.close();
    assert!(!pair.subscriber.try_go_direct(), "closed stays closed");
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(fanout.deliver_frame(1, &frame(1)));
    assert!(pair.received().is_empty());
    assert!(fanout.is_empty());
}

#[test]
fn a_quiet_fanout_forgets_closed_clients_when_one_is_added() {
    // A host that is down never delivers, so `add` is where a socket that keeps
    // subscribing to it leaves its previous, closed entry.
    let fanout = Fanout::default();
    let pairs: Vec<Pair> = (0..5).map(|_| pair(0)).collect();
    for pair in &pairs {
        if let Some(previous) = fanout.lock().last() {
            previous.close();
        }
        fanout.add(pair.subscriber.clone());
    }
    assert_eq!(fanout.lock().len(), 1, "only the open subscriber is kept");
    assert!(Arc::ptr_eq(&fanout.lock()[0], &pairs[4].subscriber));
}

#[test]
fn the_fanout_writes_every_direct_client_in_one_pass() {
    let fanout = Fanout::default();
    let mut pairs: Vec<Pair> = (0..300).map(|_| pair(0)).collect();
    for pair in &pairs {
        assert!(pair.subscriber.try_go_direct());
        fanout.add(pair.subscriber.clone());
    }
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    runtime.block_on(fanout.deliver_frame(1, &frame(1)));
    for pair in &mut pairs {
        assert_eq!(pair.received(), frame(1).to_vec());
    }
}
