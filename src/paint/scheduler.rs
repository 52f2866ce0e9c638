//! The one painter of the page: every canvas registers a paint function, marks itself
//! dirty when something it shows changed, and is painted on a following animation
//! frame.
//!
//! Each frame paints the dirty canvases oldest-dirty first while the frame's estimated
//! cost stays within [`FRAME_BUDGET_MS`]; the rest wait for the next frame, so a second
//! of data never becomes one long task, and since the oldest go first none starves.
//! A frame's cost is its paints' script time plus what the browser spends after them
//! (rasterising the canvases, painting the page), measured once the frame is done and
//! learned as a fixed part per frame plus a part per ms of script. The bookkeeping is
//! in [`queue`], free of the browser.

pub mod queue;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::{request_animation_frame, set_timeout};

use queue::{AfterModel, FrameBudget, Queue};

/// The main-thread time one animation frame may spend painting, in ms. A frame that
/// paints at least one canvas may go over it by that canvas's own cost. 12 ms leaves
/// room in a 60 Hz frame for input and the compositor, and paints a full page of
/// charts in fewer frames than 8 ms did: each extra frame delays the charts it holds
/// by 16.7 ms (sample → pixel p95 19–20 ms at 8 ms with 26 canvases on screen).
pub const FRAME_BUDGET_MS: f64 = 12.0;

/// What a paint is guessed to cost before it was ever measured, in ms.
const FIRST_GUESS_MS: f64 = 1.0;

/// A registered canvas; dropping it unregisters the paint function.
#[derive(Debug)]
pub struct PaintJob {
    id: u64,
}

/// Registers a paint function; it runs on an animation frame after each
/// [`PaintJob::mark_dirty`] (several marks before it runs make one paint).
pub fn register(paint: impl Fn() + 'static) -> PaintJob {
    PAINTER.with_borrow_mut(|p| {
        p.next_id += 1;
        let id = p.next_id;
        p.queue.add(id, FIRST_GUESS_MS);
        p.paints.push((id, Rc::new(paint)));
        PaintJob { id }
    })
}

impl PaintJob {
    /// Asks for a paint on a coming animation frame.
    pub fn mark_dirty(&self) {
        let request = PAINTER.with_borrow_mut(|p| {
            p.queue.mark_dirty(self.id);
            !std::mem::replace(&mut p.frame_requested, true)
        });
        if request {
            request_animation_frame(frame);
        }
    }
}

impl Drop for PaintJob {
    fn drop(&mut self) {
        // `try_with`: the thread-local may already be gone when the page unloads.
        let _ = PAINTER.try_with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                p.queue.remove(self.id);
                if let Ok(at) = p.paints.binary_search_by_key(&self.id, |(id, _)| *id) {
                    p.paints.remove(at);
                }
            }
        });
    }
}

/// Every paint function and the order they are due in.
#[derive(Default)]
struct Painter {
    next_id: u64,
    queue: Queue,
    /// Sorted by id (ids grow, and removal keeps the order), so a paint is found by
    /// binary search: a `HashMap` would ship its hasher and table code (2.9 KB of
    /// wasm before wasm-opt) for the same lookup.
    paints: Vec<(u64, Rc<dyn Fn()>)>,
    frame_requested: bool,
    /// What the browser adds to a frame after our paints.
    after: AfterModel,
}

thread_local! {
    static PAINTER: RefCell<Painter> = RefCell::default();
    /// Looked up once: `web_sys::window()` checks the global's type at every call,
    /// and the painter reads the clock twice per canvas painted.
    static PERFORMANCE: Option<web_sys::Performance> = web_sys::window().and_then(|w| w.performance());
}

fn now() -> f64 {
    PERFORMANCE.with(|p| p.as_ref().map_or(0.0, |p| p.now()))
}

/// One animation frame: paints what fits in the budget, asks for another frame if
/// anything is left, and measures what the browser adds once this frame is done.
fn frame() {
    let start = now();
    let mut budget = FrameBudget::new(FRAME_BUDGET_MS, PAINTER.with_borrow(|p| p.after));
    loop {
        // Taken out of the borrow: a paint may register or mark other canvases.
        let next = PAINTER.with_borrow_mut(|p| {
            let id = p.queue.next_within(&budget)?;
            let paint = p.paints.binary_search_by_key(&id, |(each, _)| *each).ok().map(|at| Rc::clone(&p.paints[at].1));
            Some((id, paint))
        });
        let Some((id, paint)) = next else { break };
        let t0 = now();
        if let Some(paint) = paint {
            paint();
        }
        let took = now() - t0;
        budget.charge(took);
        PAINTER.with_borrow_mut(|p| p.queue.record_cost(id, took));
    }
    count(budget.painted());
    let more = PAINTER.with_borrow_mut(|p| {
        let more = p.queue.any_dirty();
        p.frame_requested = more;
        more
    });
    if more {
        request_animation_frame(frame);
    }
    if budget.painted() > 0 {
        // A task queued now runs after this frame's rendering (style, layout, canvas
        // raster, paint): the time until then, less our own, is what the browser added.
        let script_ms = budget.script_ms();
        // `set_timeout` frees its closure once it ran; gloo's `Timeout::forget` would
        // leak one per painted frame (the JS heap grew 41 % in an hour).
        set_timeout(
            move || {
                let added = (now() - start - script_ms).clamp(0.0, 100.0);
                PAINTER.with_borrow_mut(|p| p.after.add(script_ms, added));
            },
            Duration::ZERO,
        );
    }
}

/// Adds to `window.__pulse.paintFrames` (animation frames that painted) and
/// `window.__pulse.paints` (canvases painted), for the live-cost benchmark.
fn count(painted: usize) {
    if painted > 0 {
        crate::probe::add("paintFrames", 1.0);
        crate::probe::add("paints", painted as f64);
    }
}
