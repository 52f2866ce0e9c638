//! Where the plot sits inside a chart, in CSS pixels: shared by the canvas drawing
//! and the HTML overlays (crosshair, zoom selection) so both agree to the pixel.

use super::Window;

/// Room for the value labels on the left.
const LEFT: f64 = 70.0;
/// Room on the right so the last time label is not cut.
const RIGHT: f64 = 14.0;
/// Room above the top tick label.
const TOP: f64 = 10.0;
/// Room for the time labels below.
const BOTTOM: f64 = 22.0;

/// The plotting rectangle of a chart, in CSS pixels from the canvas's top left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotRect {
    /// Left edge.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge.
    pub bottom: f64,
}

impl PlotRect {
    /// The plot inside a canvas of `width` × `height` CSS pixels.
    pub fn for_size(width: f64, height: f64) -> Self {
        PlotRect {
            left: LEFT,
            top: TOP,
            right: (width - RIGHT).max(LEFT + 1.0),
            bottom: (height - BOTTOM).max(TOP + 1.0),
        }
    }

    /// Width of the plot.
    pub fn width(&self) -> f64 {
        self.right - self.left
    }

    /// Height of the plot.
    pub fn height(&self) -> f64 {
        self.bottom - self.top
    }

    /// The x of a time.
    pub fn x_of(&self, t: f64, window: &Window) -> f64 {
        self.left + (t - window.from) / window.span() * self.width()
    }

    /// The time at an x, clamped to the window.
    pub fn t_of(&self, x: f64, window: &Window) -> f64 {
        let fraction = ((x - self.left) / self.width()).clamp(0.0, 1.0);
        window.from + fraction * window.span()
    }

    /// The same rectangle scaled to device pixels, as integers for plotters.
    pub fn scaled(&self, dpr: f64) -> (i32, i32, i32, i32) {
        let s = |v: f64| (v * dpr).round() as i32;
        (s(self.left), s(self.top), s(self.right), s(self.bottom))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_and_t_are_inverse() {
        let rect = PlotRect::for_size(600.0, 200.0);
        let window = Window { from: 1_000.0, to: 61_000.0 };
        for t in [1_000.0, 20_000.0, 61_000.0] {
            let x = rect.x_of(t, &window);
            assert!((rect.t_of(x, &window) - t).abs() < 1e-6);
        }
        assert_eq!(rect.x_of(1_000.0, &window), rect.left);
        assert_eq!(rect.t_of(0.0, &window), 1_000.0);
    }

    #[test]
    fn tiny_canvases_keep_a_positive_plot() {
        let rect = PlotRect::for_size(10.0, 10.0);
        assert!(rect.width() > 0.0 && rect.height() > 0.0);
    }
}
