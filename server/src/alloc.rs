//! The binary's allocator: mimalloc for a hub, the system's for an agent.
//!
//! A hub under ten thousand agents, whose frames wait on its thread and are freed
//! on the store's, held 143 KiB a host with glibc's allocator and 127 with
//! mimalloc, and spent 67 µs of CPU a frame against 46.5 (`bench/fleet`). An agent
//! is one small process, which mimalloc's eager arenas make twice as large (15 to
//! 17 MiB resident against 7 to 9 with glibc's). The choice is made once, at the
//! first allocation, from `/proc/self/cmdline` (read into a stack buffer: no
//! allocation), and never changes, so every block is freed by the allocator that
//! gave it. `PULSE_ALLOC=system` gives a hub the system's allocator too, for a
//! heap profiler that follows `malloc` (heaptrack: see `bench/fleet/README.md`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU8, Ordering};

use mimalloc::MiMalloc;

const UNDECIDED: u8 = 0;
const SYSTEM: u8 = 1;
const MIMALLOC: u8 = 2;

static CHOSEN: AtomicU8 = AtomicU8::new(UNDECIDED);

/// mimalloc for `pulse-server`, the system's allocator for `pulse-server agent`.
pub struct Chosen;

impl Chosen {
    fn mimalloc() -> bool {
        let chosen = CHOSEN.load(Ordering::Relaxed);
        if chosen != UNDECIDED {
            return chosen == MIMALLOC;
        }
        // The first allocation happens on the main thread, before any other thread
        // exists, so this runs once.
        let decided = if is_agent() || system_asked() { SYSTEM } else { MIMALLOC };
        CHOSEN.store(decided, Ordering::Relaxed);
        decided == MIMALLOC
    }
}

/// Whether `PULSE_ALLOC=system` asks a hub for the system's allocator, so that a
/// heap profiler that follows `malloc` (heaptrack) sees the hub's heap (`getenv`
/// reads the environment in place: no allocation).
fn system_asked() -> bool {
    // SAFETY: a NUL-terminated name; the value is read before any thread exists
    // that could change the environment.
    let value = unsafe { libc::getenv(c"PULSE_ALLOC".as_ptr()) };
    // SAFETY: `getenv` gives a NUL-terminated string or null.
    !value.is_null() && unsafe { std::ffi::CStr::from_ptr(value) }.to_bytes() == b"system"
}

/// Whether this process's first argument is `agent`.
fn is_agent() -> bool {
    let mut buffer = [0u8; 512];
    // SAFETY: open/read/close on a path and a buffer of this stack frame.
    let read = unsafe {
        let fd = libc::open(c"/proc/self/cmdline".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return false;
        }
        let read = libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len());
        libc::close(fd);
        read
    };
    let Ok(read) = usize::try_from(read) else { return false };
    buffer[..read].split(|&b| b == 0).nth(1) == Some(b"agent".as_slice())
}

// SAFETY: every call goes to the one allocator chosen before the first block was
// given out, which therefore also frees and resizes every block.
unsafe impl GlobalAlloc for Chosen {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Chosen::mimalloc() {
            MiMalloc.alloc(layout)
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Chosen::mimalloc() {
            MiMalloc.alloc_zeroed(layout)
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if Chosen::mimalloc() {
            MiMalloc.dealloc(ptr, layout)
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Chosen::mimalloc() {
            MiMalloc.realloc(ptr, layout, new_size)
        } else {
            System.realloc(ptr, layout, new_size)
        }
    }
}
