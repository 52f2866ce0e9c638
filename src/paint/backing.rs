//! A canvas's backing store at CSS size × `devicePixelRatio`, so strokes and text are
//! drawn at the screen's own resolution.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// `window.devicePixelRatio`, clamped to 1..=4 (1 where there is no window).
pub fn device_pixel_ratio() -> f64 {
    web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).clamp(1.0, 4.0)
}

/// The backing-store size in device pixels for a CSS size.
pub fn device_size(css_size: (f64, f64), dpr: f64) -> (u32, u32) {
    ((css_size.0 * dpr).round().max(0.0) as u32, (css_size.1 * dpr).round().max(0.0) as u32)
}

/// Resizes the backing store when it differs from `css_size × dpr` (which clears it);
/// returns the canvas's 2D context, or `None` if it has none.
pub fn fit(canvas: &HtmlCanvasElement, css_size: (f64, f64), dpr: f64) -> Option<CanvasRenderingContext2d> {
    let (width, height) = device_size(css_size, dpr);
    if canvas.width() != width || canvas.height() != height {
        canvas.set_width(width);
        canvas.set_height(height);
    }
    context(canvas)
}

/// The 2D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_size_rounds_to_whole_pixels() {
        assert_eq!(device_size((100.0, 24.0), 1.0), (100, 24));
        assert_eq!(device_size((100.5, 24.3), 2.0), (201, 49));
        assert_eq!(device_size((0.0, 0.0), 3.0), (0, 0));
    }
}
