//! A canvas's CSS size and whether it is on screen, from a `ResizeObserver` and an
//! `IntersectionObserver`: they report only when layout changed or the page scrolled,
//! so nothing here reads layout while data streams in.
//!
//! Where the browser reports it, the size is the canvas's box in whole device pixels
//! (`devicePixelContentBoxSize`) divided by the pixel ratio, so a backing store of
//! CSS size × ratio maps one to one onto the screen's pixels even when the box sits
//! at a fractional position or has a fractional width: no resampling, no blur.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::{
    HtmlCanvasElement, IntersectionObserver, IntersectionObserverEntry, ResizeObserver, ResizeObserverBoxOptions,
    ResizeObserverEntry, ResizeObserverOptions, ResizeObserverSize,
};

use super::backing::device_pixel_ratio;

/// Writes the canvas's CSS size into `size` and whether it is on screen into
/// `on_screen`, for as long as the calling component lives. Nothing is reported until
/// the observers' first callbacks, so a canvas off screen never paints.
pub fn watch(canvas: NodeRef<html::Canvas>, size: RwSignal<(f64, f64)>, on_screen: RwSignal<bool>) {
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else {
            return;
        };
        let Some(observers) = observe(&canvas, size, on_screen) else {
            leptos::logging::warn!("this browser lacks ResizeObserver or IntersectionObserver");
            size.set((canvas.client_width() as f64, canvas.client_height() as f64));
            on_screen.set(true);
            return;
        };
        // Disposed (and so disconnected) with this effect's owner.
        StoredValue::new_local(observers);
    });
}

/// The two observers of one canvas and their callbacks, kept alive together.
struct Observers {
    resize: ResizeObserver,
    intersection: IntersectionObserver,
    _on_resize: Closure<dyn FnMut(js_sys::Array)>,
    _on_intersect: Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for Observers {
    fn drop(&mut self) {
        self.resize.disconnect();
        self.intersection.disconnect();
    }
}

fn observe(canvas: &HtmlCanvasElement, size: RwSignal<(f64, f64)>, on_screen: RwSignal<bool>) -> Option<Observers> {
    let measured = canvas.clone();
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let dpr = device_pixel_ratio();
        let next = entries
            .iter()
            .last()
            .and_then(|entry| measured_size(&entry.unchecked_into(), dpr))
            .unwrap_or_else(|| (measured.client_width() as f64, measured.client_height() as f64));
        if size.get_untracked() != next {
            size.set(next);
        }
    });
    let on_intersect = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries.iter().last() {
            let visible = entry.unchecked_into::<IntersectionObserverEntry>().is_intersecting();
            if on_screen.get_untracked() != visible {
                on_screen.set(visible);
            }
        }
    });
    let resize = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    if device_pixel_boxes_supported() {
        let options = ResizeObserverOptions::new();
        options.set_box(ResizeObserverBoxOptions::DevicePixelContentBox);
        resize.observe_with_options(canvas, &options);
    } else {
        resize.observe(canvas);
    }
    let intersection = IntersectionObserver::new(on_intersect.as_ref().unchecked_ref()).ok()?;
    intersection.observe(canvas);
    Some(Observers { resize, intersection, _on_resize: on_resize, _on_intersect: on_intersect })
}

/// Whether `ResizeObserver` can report device-pixel boxes (observing one where it
/// cannot throws).
fn device_pixel_boxes_supported() -> bool {
    let Some(window) = web_sys::window() else { return false };
    js_sys::Reflect::get(&window, &"ResizeObserverEntry".into())
        .and_then(|class| js_sys::Reflect::get(&class, &"prototype".into()))
        .and_then(|prototype| js_sys::Reflect::has(&prototype, &"devicePixelContentBoxSize".into()))
        .unwrap_or(false)
}

/// The CSS size of an observed box: its device-pixel size ÷ the pixel ratio where the
/// browser reports one that agrees with the CSS size (emulated pixel ratios, as in
/// headless tests, report CSS pixels there), else the CSS content box.
fn measured_size(entry: &ResizeObserverEntry, dpr: f64) -> Option<(f64, f64)> {
    let first = |sizes: js_sys::Array| {
        let size = sizes.get(0).dyn_into::<ResizeObserverSize>().ok()?;
        Some((size.inline_size(), size.block_size()))
    };
    let css = first(entry.content_box_size())?;
    let agrees = |device: &(f64, f64)| (device.0 - css.0 * dpr).abs() <= 1.0 && (device.1 - css.1 * dpr).abs() <= 1.0;
    match first(entry.device_pixel_content_box_size()).filter(agrees) {
        Some((width, height)) => Some((width / dpr, height / dpr)),
        None => Some(css),
    }
}
