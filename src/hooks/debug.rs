//! `window.__pulse`: what the engine did, for end-to-end tests and support.
//!
//! A plain JS object, updated after every engine event:
//! - `transport`: `ws`, `sse`, `longpoll`, `poll`, or `""` before the first attempt;
//! - `state`: `connecting`, `live`, `reconnecting` or `offline`;
//! - `epoch`: the server run last heard from (a string), `lastSeq`: the cursor's seq;
//! - `frames` (accepted), `duplicates` (dropped by the cursor), `gaps` (markers), numbers;
//! - `seqs`: the last 5,000 accepted seqs as numbers, with `-1` at each gap marker,
//!   since the page last showed another stream (`showing`: a host id or `@fleet`);
//! - `log`: connection log lines (strings, the last 200);
//! - `drawLag` (written by `charts::line_chart`, not here): for each paint of a chart
//!   that shows a newer sample than its previous paint, `Date.now()` after drawing
//!   minus that sample's `ts`, in ms; the last 2,000, all charts together;
//! - `paintFrames`, `paints` (written by `paint::scheduler`): animation frames that
//!   painted, and canvases painted, since the page started;
//! - `history` (written by `hooks::history_picture`): one record per history
//!   picture a chart asked for, the last 200: `{chart, from, to, width, step,
//!   outcome}` where `outcome` is `shown` (then also `tier`, `stepMs` and `rows`,
//!   as answered), `failed` (then `error`) or `dropped` (answered after the chart
//!   moved on to another window).

use js_sys::Array;
use pulse_protocol::{Cursor, Epoch, Frame};
use wasm_bindgen::JsValue;

use crate::connection::{ConnectionStatus, Counters};
use crate::probe::{array, handle, handle_or_new, set};

/// Seqs kept in `window.__pulse.seqs`.
const SEQ_CAPACITY: u32 = 5_000;

/// Creates the handle, or resets this module's fields of an existing one (other
/// code, such as the charts' `drawLag`, may have put its own fields there).
pub fn reset() {
    let Some(object) = handle_or_new() else { return };
    set(&object, "transport", "");
    set(&object, "state", "connecting");
    for counter in ["frames", "duplicates", "gaps"] {
        set(&object, counter, 0.0);
    }
    set(&object, "seqs", Array::new());
    set(&object, "log", Array::new());
}

/// Mirrors the status and counters.
pub fn status(status: &ConnectionStatus, epoch: Option<&Epoch>, cursor: Option<&Cursor>, counters: Counters) {
    let Some(object) = handle() else { return };
    set(&object, "transport", status.transport.map_or("", |t| t.as_str()));
    set(&object, "state", status.state.as_str());
    if let Some(epoch) = epoch.or(cursor.map(|c| &c.epoch)) {
        set(&object, "epoch", epoch.0.as_str());
    }
    if let Some(cursor) = cursor {
        set(&object, "lastSeq", cursor.seq as f64);
    }
    set(&object, "frames", counters.frames as f64);
    set(&object, "duplicates", counters.duplicates as f64);
    set(&object, "gaps", counters.gaps as f64);
}

/// The page shows another stream (`host`: an id, `@fleet`, or "" for the hub's
/// own): `showing` names it, and `seqs` starts again, as each stream counts its own.
pub fn showing(host: &str) {
    let Some(object) = handle() else { return };
    set(&object, "showing", host);
    set(&object, "seqs", Array::new());
}

/// Records accepted frames.
pub fn frames(frames: &[Frame]) {
    let Some(seqs) = handle().and_then(|o| array(&o, "seqs")) else { return };
    for frame in frames {
        seqs.push(&JsValue::from_f64(frame.seq as f64));
    }
    trim(&seqs);
}

/// Records a gap marker.
pub fn gap() {
    if let Some(seqs) = handle().and_then(|o| array(&o, "seqs")) {
        seqs.push(&JsValue::from_f64(-1.0));
        trim(&seqs);
    }
}

/// Records a log line.
pub fn log(text: &str) {
    if let Some(log) = handle().and_then(|o| array(&o, "log")) {
        log.push(&JsValue::from_str(text));
        if log.length() > 200 {
            log.shift();
        }
    }
}

fn trim(seqs: &Array) {
    while seqs.length() > SEQ_CAPACITY {
        seqs.shift();
    }
}
