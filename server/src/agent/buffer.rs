//! The agent's buffer is its local hub's history ring: `--buffer` of frames, each
//! held once with its JSON and its WebSocket message (an SSE event only once an
//! SSE stream asked for one). This module says what that costs in memory, from
//! the frames this host really makes.
//!
//! Measured (`tests/agent_buffer.rs`, a counting allocator around real samples): a
//! frame of a 2-core machine (25 series, 10 top processes, 1.2 KB of JSON) holds
//! 3.8 KB of heap, so the default 15 minutes at 1 Hz (900 frames) take 3.3 MiB,
//! and the ring can never hold more than `--buffer / --interval` frames. The
//! agent logs the estimate below for its own host at start; the test checks it
//! against the measurement.

use std::mem::size_of;
use std::time::Duration;

use pulse_protocol::ProcessInfo;

use crate::history::SharedFrame;
use crate::hub::Hub;

/// Heap bytes a B-tree map spends per entry beyond the key's own bytes: its key
/// and value slots (32 bytes) in nodes about half full, and the node headers.
const MAP_ENTRY: usize = 72;

/// About how many heap bytes one frame takes in the ring: the frame's values and
/// processes, its WebSocket message (which its JSON shares), and its SSE event
/// when one was made (sized exactly).
pub fn frame_bytes(frame: &SharedFrame) -> usize {
    let values: usize = frame.frame.values.keys().map(|key| key.len() + MAP_ENTRY).sum();
    let top: usize = frame.frame.top.iter().map(|process| size_of::<ProcessInfo>() + process.name.len()).sum();
    size_of::<SharedFrame>() + frame.frame.host.len() + values + top + frame.ws.len() + frame.sse_len()
}

/// How many frames `buffer` holds at the hub's interval, and about how much memory
/// that takes at the size of its newest frame.
pub fn describe(hub: &Hub, buffer: Duration) -> String {
    let frames = (buffer.as_secs_f64() / hub.timing().interval.as_secs_f64()).ceil() as usize;
    match hub.newest_frame().as_deref() {
        Some(frame) => {
            let each = frame_bytes(frame);
            let total = each.saturating_mul(frames.max(1)) as f64 / (1024.0 * 1024.0);
            format!(
                "sampling; the buffer holds {frames} samples ({}), about {total:.1} MiB at {:.1} KiB each",
                humantime::format_duration(buffer),
                each as f64 / 1024.0
            )
        }
        None => format!("sampling; the buffer holds {frames} samples ({})", humantime::format_duration(buffer)),
    }
}
