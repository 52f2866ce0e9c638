//! Text drawn on a canvas in table-like cells, for numbers that change every second.
//!
//! Changing a DOM text node makes the browser lay the page out again; drawing the same
//! text on a canvas of fixed CSS size does not. [`CellLayout`] places cells the way
//! the HTML around the canvas is laid out: as table rows whose columns span the
//! canvas's width (fixed widths, filling columns, trailing columns dropped when they
//! do not fit), or as entries wrapped into equal columns like a CSS
//! `repeat(auto-fill, minmax(..))` grid. [`fit`] shortens a text to its cell with an
//! ellipsis, and [`draw`] paints the cells at the screen's pixel ratio, on baselines
//! placed the way CSS centres a line of text in its box.

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

/// One row of texts (or, in a wrapped layout, one entry).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    /// One text per column; an empty string leaves its cell blank.
    pub cells: Vec<String>,
    /// Drawn at reduced opacity, like an HTML row that is switched off.
    pub faded: bool,
}

impl Row {
    /// A row of these texts, not faded.
    pub fn new(cells: Vec<String>) -> Self {
        Row { cells, faded: false }
    }
}

/// Entries wrapped into equal columns, as CSS lays out
/// `grid-template-columns: repeat(auto-fill, minmax(min_width, 1fr))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wrap {
    /// The grid's smallest column width, in CSS pixels.
    pub min_width: f64,
    /// The grid's column gap, in CSS pixels.
    pub gap: f64,
}

/// Where the cells of a canvas go.
#[derive(Debug, Clone, PartialEq)]
pub struct CellLayout {
    /// The columns, left to right (a wrapped layout uses the first only).
    pub columns: Vec<Column>,
    /// Space between two cells of a row, in CSS pixels.
    pub gap: f64,
    /// Padding inside each cell on the left and on the right, in CSS pixels.
    pub padding: f64,
    /// Height of a row, in CSS pixels.
    pub row_height: f64,
    /// Whether a 1-px rule is drawn under every row that fits (table rows).
    pub rules: bool,
    /// Wrap the rows as entries into grid columns instead of stacking them.
    pub wrap: Option<Wrap>,
}

/// One text box on the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// The data row (entry) it shows.
    pub row: usize,
    /// The column it belongs to.
    pub column: usize,
    /// Left edge of the text box, CSS pixels.
    pub left: f64,
    /// Right edge of the text box.
    pub right: f64,
    /// Top of its row.
    pub top: f64,
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

    /// CSS grid tracks that line HTML up with the cells (padding included).
    pub fn grid_template(&self) -> String {
        let tracks: Vec<String> = self
            .columns
            .iter()
            .map(|c| match c.width {
                Width::Px(px) => format!("{}px", px + 2.0 * self.padding),
                Width::Fill => "minmax(0,1fr)".to_owned(),
            })
            .collect();
        tracks.join(" ")
    }

    /// Every text box for `rows` data rows on a canvas `width` CSS pixels wide.
    pub fn place(&self, width: f64, rows: usize) -> Vec<Placed> {
        match self.wrap {
            None => {
                let boxes = self.boxes(width);
                (0..rows)
                    .flat_map(|row| {
                        let top = row as f64 * self.row_height;
                        boxes.iter().enumerate().map(move |(column, &(left, right))| Placed {
                            row,
                            column,
                            left,
                            right,
                            top,
                        })
                    })
                    .collect()
            }
            Some(Wrap { min_width, gap }) => {
                // CSS auto-fill: as many columns as fit at their smallest, then 1fr each.
                let count = (((width + gap) / (min_width + gap)).floor() as usize).max(1);
                let cell = ((width - gap * (count - 1) as f64) / count as f64).max(0.0);
                (0..rows)
                    .map(|row| {
                        let left = (row % count) as f64 * (cell + gap);
                        Placed {
                            row,
                            column: 0,
                            left: left + self.padding,
                            right: left + cell - self.padding,
                            top: (row / count) as f64 * self.row_height,
                        }
                    })
                    .collect()
            }
        }
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
    /// Where cells go.
    pub layout: &'a CellLayout,
    /// The texts.
    pub rows: &'a [Row],
    /// Canvas size in CSS pixels.
    pub css_size: (f64, f64),
    /// `window.devicePixelRatio`.
    pub dpr: f64,
    /// The font.
    pub font: &'a Font,
    /// The colours.
    pub ink: &'a Ink,
}

/// Opacity of a faded row (the stylesheet's `.legend-entry.off`).
const FADED: f64 = 0.45;

/// Clears the canvas and draws every cell (the backing store must already be sized).
pub fn draw(context: &CanvasRenderingContext2d, frame: &CellsFrame) {
    let CellsFrame { layout, rows, css_size: (width, height), dpr, font, ink } = *frame;
    let _ = context.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, (width * dpr).round(), (height * dpr).round());
    if layout.rules && layout.row_height > 0.0 {
        context.set_fill_style_str(&ink.rule);
        let thickness = dpr.round().max(1.0);
        for row in 1..=(height / layout.row_height + 0.01).floor() as usize {
            let y = (row as f64 * layout.row_height * dpr).round() - thickness;
            context.fill_rect(0.0, y, (width * dpr).round(), thickness);
        }
    }
    let _ = context.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    // Font, colour and metrics change only with the tone.
    let mut current: Option<(Tone, f64, f64)> = None;
    for placed in layout.place(width, rows.len()) {
        let row = &rows[placed.row];
        let Some(text) = row.cells.get(placed.column).filter(|t| !t.is_empty()) else { continue };
        let column = layout.columns[placed.column];
        let (ascent, descent) = match current {
            Some((tone, ascent, descent)) if tone == column.tone => (ascent, descent),
            _ => {
                context.set_font(&font.css(column.tone));
                context.set_fill_style_str(if column.tone == Tone::Muted { &ink.muted } else { &ink.text });
                let metrics = context.measure_text("0").ok();
                let ascent = metrics.as_ref().map_or(font.size_px * 0.8, |m| m.font_bounding_box_ascent());
                let descent = metrics.as_ref().map_or(font.size_px * 0.2, |m| m.font_bounding_box_descent());
                current = Some((column.tone, ascent, descent));
                (ascent, descent)
            }
        };
        let measure = |s: &str| context.measure_text(s).map(|m| m.width()).unwrap_or(0.0);
        let shown = fit(text, placed.right - placed.left, measure);
        let (x, align) = match column.align {
            Align::Left => (placed.left, "left"),
            Align::Right => (placed.right, "right"),
        };
        context.set_text_align(align);
        context.set_global_alpha(if row.faded { FADED } else { 1.0 });
        let y = baseline(placed.top, layout.row_height, ascent, descent, dpr);
        let _ = context.fill_text(&shown, x, y);
    }
    context.set_global_alpha(1.0);
}

#[cfg(test)]
mod tests;
