//! The agent's buffer in memory: real samples of this host published into a hub
//! (the agent's buffer is that hub's history ring), with a counting allocator
//! around them. Prints the measured bytes per frame and checks the estimate the
//! agent logs (`agent::buffer::frame_bytes`) against it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pulse_server::agent::buffer::frame_bytes;
use pulse_server::hub::{Hub, Timing};
use pulse_server::sampler::{Sample, Sampler};

/// Counts the heap bytes in use (requested sizes; the allocator's own overhead,
/// typically 8 to 16 bytes per allocation, is not included).
struct Counting;

static IN_USE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        IN_USE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        IN_USE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Frames in the smaller and the larger hub: the difference is what is measured,
/// so what a hub holds once (its catalogue, its ring's slots) cancels out.
const FEW: usize = 10;
const MANY: usize = 50;

#[test]
fn a_buffered_frame_costs_what_the_agent_says() {
    let mut sampler = Sampler::new("measured-host".into());
    // The first samples settle the rates and sysinfo's own tables.
    for _ in 0..3 {
        sampler.sample();
    }
    let samples: Vec<Sample> = (0..FEW + MANY).map(|_| sampler.sample()).collect();
    let (many, few) = samples.split_at(MANY);
    let (held_many, estimated, json) = held(many);
    let (held_few, _, _) = held(few);
    let measured = (held_many - held_few) / (MANY - FEW);
    println!(
        "per buffered frame: {measured} bytes measured, {estimated} estimated, {json} bytes of JSON; \
         15 min at 1 Hz = {:.1} MiB",
        (measured * 900) as f64 / (1024.0 * 1024.0)
    );
    let ratio = estimated as f64 / measured as f64;
    assert!((0.8..=1.25).contains(&ratio), "estimate {estimated} vs measured {measured}");
}

/// Publishes `samples` into a new hub, as the agent's sampler does; returns the
/// heap bytes the hub freed when dropped, and the estimated and JSON bytes per frame.
fn held(samples: &[Sample]) -> (usize, usize, usize) {
    let timing = Timing {
        interval: Duration::from_secs(1),
        heartbeat: Duration::from_secs(5),
        history: Duration::from_secs(900),
    };
    let hub = Arc::new(Hub::new("measured-host".into(), timing));
    for sample in samples {
        hub.publish(sample.clone());
    }
    let frames = hub.frames_after(0);
    assert_eq!(frames.len(), samples.len());
    let estimated = frames.iter().map(|frame| frame_bytes(frame)).sum::<usize>() / frames.len();
    let json = frames.iter().map(|frame| frame.json.len()).sum::<usize>() / frames.len();
    drop(frames);
    let full = IN_USE.load(Ordering::Relaxed);
    drop(hub);
    let emptied = IN_USE.load(Ordering::Relaxed);
    ((full - emptied) as usize, estimated, json)
}
