//! `window.__pulse`: what the engine did, for end-to-end tests and support.
//!
//! Fields: `transport` and `state` (short names), `epoch`, `lastSeq`, `frames`
//! (accepted), `duplicates` (dropped), `gaps`, `seqs` (the last 5,000 accepted seqs,
//! with `-1` at each gap marker), `log` (connection log lines).

use js_sys::{Array, Object, Reflect};
use pulse_protocol::{Cursor, Frame};
use wasm_bindgen::{JsCast, JsValue};

use crate::connection::{ConnectionStatus, Counters};

/// Seqs kept in `window.__pulse.seqs`.
const SEQ_CAPACITY: u32 = 5_000;

fn handle() -> Option<Object> {
    let window = web_sys::window()?;
    Reflect::get(&window, &"__pulse".into()).ok()?.dyn_into::<Object>().ok()
}

fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &key.into(), &value.into());
}

fn array(object: &Object, key: &str) -> Option<Array> {
    Reflect::get(object, &key.into()).ok()?.dyn_into::<Array>().ok()
}

/// Creates a fresh handle.
pub fn reset() {
    let Some(window) = web_sys::window() else { return };
    let object = Object::new();
    set(&object, "seqs", Array::new());
    set(&object, "log", Array::new());
    let _ = Reflect::set(&window, &"__pulse".into(), &object);
}

/// Mirrors the status and counters.
pub fn status(status: &ConnectionStatus, cursor: Option<&Cursor>, counters: Counters) {
    let Some(object) = handle() else { return };
    set(&object, "transport", status.transport.map_or("", |t| t.as_str()));
    set(&object, "state", status.state.as_str());
    if let Some(cursor) = cursor {
        set(&object, "epoch", cursor.epoch.0.as_str());
        set(&object, "lastSeq", cursor.seq as f64);
    }
    set(&object, "frames", counters.frames as f64);
    set(&object, "duplicates", counters.duplicates as f64);
    set(&object, "gaps", counters.gaps as f64);
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
