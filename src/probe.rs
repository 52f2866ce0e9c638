//! `window.__pulse`, the page's handle for end-to-end tests and benchmarks: the one
//! place that finds, creates and writes it. Which fields exist and who fills them
//! is listed in `hooks/debug.rs`; the painter and the charts add their counters
//! through [`add`] and [`push_capped`].

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The handle, if the page has one.
pub fn handle() -> Option<Object> {
    let window = web_sys::window()?;
    Reflect::get(&window, &"__pulse".into()).ok()?.dyn_into::<Object>().ok()
}

/// The handle, made if the page has none yet.
pub fn handle_or_new() -> Option<Object> {
    handle().or_else(|| {
        let window = web_sys::window()?;
        let object = Object::new();
        Reflect::set(&window, &"__pulse".into(), &object).ok()?;
        Some(object)
    })
}

/// Sets `key` on the handle.
pub fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &key.into(), &value.into());
}

/// The array at `key`, if there is one.
pub fn array(object: &Object, key: &str) -> Option<Array> {
    Reflect::get(object, &key.into()).ok()?.dyn_into::<Array>().ok()
}

/// Adds `amount` to the number at `key` (0 when absent), if the page has a handle.
pub fn add(key: &str, amount: f64) {
    let Some(object) = handle() else { return };
    let old = Reflect::get(&object, &key.into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    set(&object, key, old + amount);
}

/// Appends `value` to the array at `key` (made when absent), keeping the last `cap`.
pub fn push_capped(key: &str, value: f64, cap: u32) {
    push(key, &JsValue::from_f64(value), cap);
}

/// Appends an object of `fields` to the array at `key` (made when absent), keeping
/// the last `cap`.
pub fn push_record(key: &str, fields: &[(&str, JsValue)], cap: u32) {
    let record = Object::new();
    for (name, value) in fields {
        set(&record, name, value.clone());
    }
    push(key, &record, cap);
}

fn push(key: &str, value: &JsValue, cap: u32) {
    let Some(object) = handle() else { return };
    let values = array(&object, key).unwrap_or_else(|| {
        let values = Array::new();
        set(&object, key, &values);
        values
    });
    values.push(value);
    if values.length() > cap {
        values.shift();
    }
}
