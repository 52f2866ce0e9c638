//! Helpers shared by the browser tests: a sized host element, data, pixels, waiting.

#![allow(dead_code)]

use std::collections::BTreeMap;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Reflect, Uint8ClampedArray};
use pulse_protocol::Frame;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlCanvasElement, HtmlElement};

/// CSS the components rely on for their size (the real app loads style/main.css).
const TEST_CSS: &str = ".chart-canvas{display:block;width:100%;height:100%}\
    .legend-body{display:grid;grid-template-columns:1fr 264px}.legend-values{display:block;width:100%;height:100%;contain:strict}\
    .legend-entry button{height:24px}.process-rows{display:block;width:100%}\
    .cells-test{display:block;width:200px;height:48px;font:14px sans-serif}";

/// A fresh `<div>` of `width` × `height` CSS pixels in the page, to mount into.
pub fn host_element(width: u32, height: u32) -> HtmlElement {
    host_element_at(0, width, height)
}

/// Like [`host_element`], but `top` CSS pixels down the viewport (far down = off screen).
pub fn host_element_at(top: u32, width: u32, height: u32) -> HtmlElement {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    if document.get_element_by_id("test-css").is_none() {
        let style = document.create_element("style").expect("style element");
        style.set_id("test-css");
        style.set_text_content(Some(TEST_CSS));
        document.head().expect("head").append_child(&style).expect("append style");
    }
    let div: HtmlElement = document.create_element("div").expect("div").unchecked_into();
    // Fixed at the top left so every test's element is on screen (charts off screen do not paint).
    let style = format!("position:fixed;top:{top}px;left:0;width:{width}px;height:{height}px");
    div.set_attribute("style", &style).expect("style");
    document.body().expect("body").append_child(&div).expect("append");
    div
}

/// A frame of host `h` at `ts` ms with the given values.
pub fn frame(seq: u64, ts: f64, values: &[(&str, f64)]) -> Frame {
    let values: BTreeMap<String, f64> = values.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    Frame { seq, ts: ts as i64, host: "h".into(), values, top: vec![], columns: None }
}

/// Waits until `done()` holds, checking every 20 ms, for at most `deadline_ms`.
pub async fn wait_until(deadline_ms: u32, mut done: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while waited < deadline_ms {
        if done() {
            return true;
        }
        TimeoutFuture::new(20).await;
        waited += 20;
    }
    done()
}

/// Resolves after `count` animation frames: every paint the page's painter had
/// pending has had its frame (the painter paints on animation frames).
pub async fn animation_frames(count: u32) {
    for _ in 0..count {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window().expect("window").request_animation_frame(&resolve);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}

/// The first canvas inside `root`.
pub fn canvas_in(root: &HtmlElement) -> HtmlCanvasElement {
    root.query_selector("canvas").ok().flatten().expect("a canvas").unchecked_into()
}

/// The canvas's RGBA pixels, read with `getImageData`.
pub fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let context = canvas.get_context("2d").ok().flatten().expect("2d context");
    let get: Function = Reflect::get(&context, &"getImageData".into()).expect("getImageData").unchecked_into();
    let args = js_sys::Array::of4(&0.into(), &0.into(), &canvas.width().into(), &canvas.height().into());
    let image = get.apply(&context, &args).expect("image data");
    let data: Uint8ClampedArray = Reflect::get(&image, &JsValue::from_str("data")).expect("data").unchecked_into();
    data.to_vec()
}

/// The RGB of the pixel at `(x, y)` in device pixels.
pub fn pixel_at(canvas: &HtmlCanvasElement, data: &[u8], x: u32, y: u32) -> (u8, u8, u8) {
    let i = ((y * canvas.width() + x) * 4) as usize;
    (data[i], data[i + 1], data[i + 2])
}

/// How many pixels in columns `x0..x1` are within `tolerance` of `rgb`.
pub fn count_color(
    canvas: &HtmlCanvasElement,
    data: &[u8],
    (x0, x1): (u32, u32),
    rgb: (u8, u8, u8),
    tolerance: i32,
) -> usize {
    let near = |a: u8, b: u8| (a as i32 - b as i32).abs() <= tolerance;
    (0..canvas.height())
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let (r, g, b) = pixel_at(canvas, data, x, y);
            near(r, rgb.0) && near(g, rgb.1) && near(b, rgb.2)
        })
        .count()
}

/// How many pixels of the canvas are not fully transparent.
pub fn painted_pixels(canvas: &HtmlCanvasElement) -> usize {
    pixels(canvas).chunks(4).filter(|p| p[3] != 0).count()
}
