//! Text drawn on a canvas in table-like cells, for numbers that change every second.
//!
//! Changing a DOM text node makes the browser lay the page out again; drawing the same
//! text on a canvas of fixed CSS size does not. [`CellLayout`] places columns across
//! the canvas's width like table cells (fixed widths, one or more filling columns,
//! trailing columns dropped when they do not fit), [`fit`] shortens a text to its cell
//! with an ellipsis, and [`draw`] paints rows of cells at the screen's pixel ratio,
//! on baselines placed the way CSS centres a line of text in its box.

use web_sys::CanvasRenderingContext2d;

/// How wide a column is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Width {
    /// A fixed width in CSS pixels (text box, without padding).
    Px(f64),
    /// An equal share of the width left over by the fixed columns.
    Fill,
}

/// Where a text sits in its cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Against the left edge (names).
    Left,
    /// Against the right edge (numbers).
    Right,
}

/// How a text is set: the colour and weight of the HTML it stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Body colour, semibold (a legend's current value).
    Strong,
    /// Body colour.
    Normal,
    /// Secondary colour (min, max, avg).
    Muted,
}

/// One column of cells.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    /// Its width.
    pub width: Width,
    /// Where text sits in it.
    pub align: Align,
    /// How text in it is set.
    pub tone: Tone,
}

/// Columns, spacing and rows of a canvas of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct CellLayout {
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// Space between two cells, in CSS pixels.
    pub gap: f64,
    /// Padding inside each cell on the left and on the right, in CSS pixels.
    pub padding: f64,
    /// Rows the canvas's height is divided into.
    pub rows: usize,
    /// Whether a 1-px rule is drawn under every row (table rows).
    pub rules: bool,
}

impl CellLayout {
    /// The text box `(left, right)` of each column that fits in `width` CSS pixels.
    /// Trailing columns are dropped while the fixed ones do not fit (a narrow screen
    /// shows the first statistics only); filling columns share what is left.
    pub fn boxes(&self, width: f64) -> Vec<(f64, f64)> {
        let fixed = |n: usize| -> f64 {
            let widths: f64 = self.columns[..n]
                .iter()
                .map(|c| match c.width {
                    Width::Px(px) => px,
                    Width::Fill => 0.0,
                })
                .sum();
            widths + self.gap * n.saturating_sub(1) as f64 + 2.0 * self.padding * n as f64
        };
        let mut shown = self.columns.len();
        // Half a pixel of slack: CSS sizes in device pixels come back as fractions.
        while shown > 1 && fixed(shown) > width + 0.5 {
            shown -= 1;
        }
        let fills = self.columns[..shown].iter().filter(|c| c.width == Width::Fill).count();
        let share = if fills > 0 { ((width - fixed(shown)) / fills as f64).max(0.0) } else { 0.0 };
        let mut x = 0.0;
        self.columns[..shown]
            .iter()
            .map(|c| {
                let inner = match c.width {
                    Width::Px(px) => px,
                    Width::Fill => share,
                };
                let text_box = (x + self.padding, x + self.padding + inner);
                x += inner + 2.0 * self.padding + self.gap;
                text_box
            })
            .collect()
    }
}

/// `text` if it is at most `max` wide by `measure`, else its longest prefix that
/// fits with an ellipsis (`…` alone if nothing does).
pub fn fit(text: &str, max: f64, measure: impl Fn(&str) -> f64) -> String {
    if measure(text) <= max + 0.5 {
        return text.to_owned();
    }
    let ends: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    // Binary search for the most characters that still fit with the ellipsis.
    let (mut low, mut high) = (0, ends.len());
    while low < high {
        let mid = (low + high).div_ceil(2);
        if measure(&format!("{}…", &text[..ends[mid - 1]])) <= max + 0.5 {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    match low {
        0 => "…".to_owned(),
        n => format!("{}…", text[..ends[n - 1]].trim_end()),
    }
}

/// The alphabetic baseline of a line of text centred in a row the way CSS centres it
/// (half the leading above, half below), snapped to a device pixel.
pub fn baseline(row_top: f64, row_height: f64, ascent: f64, descent: f64, dpr: f64) -> f64 {
    let y = row_top + (row_height - (ascent + descent)) / 2.0 + ascent;
    (y * dpr).round() / dpr
}

/// The font of the HTML the cells stand in for.
#[derive(Debug, Clone, PartialEq)]
pub struct Font {
    /// CSS `font-family`, as the page computes it.
    pub family: String,
    /// Size in CSS pixels.
    pub size_px: f64,
}

impl Font {
    /// The canvas `font` shorthand for a tone.
    fn css(&self, tone: Tone) -> String {
        let weight = if tone == Tone::Strong { 600 } else { 400 };
        format!("{weight} {}px {}", self.size_px, self.family)
    }
}

/// Colours of the cells, as CSS colour strings.
#[derive(Debug, Clone, PartialEq)]
pub struct Ink {
    /// Body text.
    pub text: String,
    /// Secondary text.
    pub muted: String,
    /// Row rules.
    pub rule: String,
}

/// Everything one paint of a canvas of cells needs.
pub struct CellsFrame<'a> {
    /// Columns and rows.
    pub layout: &'a CellLayout,
    /// The text of each row, one string per column.
    pub rows: &'a [Vec<String>],
    /// Canvas size in CSS pixels.
    pub css_size: (f64, f64),
    /// `window.devicePixelRatio`.
    pub dpr: f64,
    /// The font.
    pub font: &'a Font,
    /// The colours.
    pub ink: &'a Ink,
}

/// Clears the canvas and draws every cell (the backing store must already be sized).
pub fn draw(context: &CanvasRenderingContext2d, frame: &CellsFrame) {
    let CellsFrame { layout, rows, css_size: (width, height), dpr, font, ink } = *frame;
    let _ = context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, (width * dpr).round(), (height * dpr).round());
    let row_height = height / layout.rows.max(1) as f64;
    if layout.rules {
        context.set_fill_style_str(&ink.rule);
        let thickness = dpr.round().max(1.0);
        for row in 1..=layout.rows {
            let y = (row as f64 * row_height * dpr).round() - thickness;
            context.fill_rect(0.0, y, (width * dpr).round(), thickness);
        }
    }
    let _ = context.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    let boxes = layout.boxes(width);
    let mut current: Option<(Tone, f64, f64)> = None;
    for (index, cells) in rows.iter().take(layout.rows).enumerate() {
        for ((column, &(left, right)), text) in layout.columns.iter().zip(&boxes).zip(cells) {
            if text.is_empty() {
                continue;
            }
            let (ascent, descent) = match current {
                Some((tone, ascent, descent)) if tone == column.tone => (ascent, descent),
                _ => {
                    context.set_font(&font.css(column.tone));
                    let color = if column.tone == Tone::Muted { &ink.muted } else { &ink.text };
                    context.set_fill_style_str(color);
                    let metrics = context.measure_text("0").ok();
                    let ascent = metrics.as_ref().map_or(font.size_px * 0.8, |m| m.font_bounding_box_ascent());
                    let descent = metrics.as_ref().map_or(font.size_px * 0.2, |m| m.font_bounding_box_descent());
                    current = Some((column.tone, ascent, descent));
                    (ascent, descent)
                }
            };
            let measure = |s: &str| context.measure_text(s).map(|m| m.width()).unwrap_or(0.0);
            let shown = fit(text, right - left, measure);
            let (x, align) = match column.align {
                Align::Left => (left, "left"),
                Align::Right => (right, "right"),
            };
            context.set_text_align(align);
            let y = baseline(index as f64 * row_height, row_height, ascent, descent, dpr);
            let _ = context.fill_text(&shown, x, y);
        }
    }
}

#[cfg(test)]
mod tests;
