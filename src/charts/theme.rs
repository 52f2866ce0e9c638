//! Light and dark palettes for the canvas; `style/main.css` mirrors them for HTML.

use plotters::style::RGBColor;

/// The page's colour scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Dark text on a light background.
    #[default]
    Light,
    /// Light text on a dark background.
    Dark,
}

impl Theme {
    /// The name used in `data-theme` and the URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads a name back.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    /// The colours to draw with.
    pub fn palette(self) -> &'static Palette {
        match self {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
        }
    }
}

/// Every colour a chart uses.
#[derive(Debug)]
pub struct Palette {
    /// Behind the plot.
    pub background: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// Tick labels and secondary text (CSS `--muted`).
    pub text: RGBColor,
    /// Body text (CSS `--text`).
    pub ink: RGBColor,
    /// Table rules (CSS `--border`).
    pub border: RGBColor,
    /// Threshold lines (e.g. CPU 90 %).
    pub warning: RGBColor,
    /// Critical alerts: their threshold line and firing time.
    pub critical: RGBColor,
    /// Series colours, used in order.
    pub series: [RGBColor; 8],
}

impl Palette {
    /// The colour of the `index`-th series (cycles).
    pub fn series_color(&self, index: usize) -> RGBColor {
        self.series[index % self.series.len()]
    }
}

/// CSS `rgb()` text of a colour, for HTML legends.
pub fn css(color: RGBColor) -> String {
    format!("rgb({},{},{})", color.0, color.1, color.2)
}

static LIGHT: Palette = Palette {
    background: RGBColor(255, 255, 255),
    grid: RGBColor(232, 235, 240),
    text: RGBColor(104, 112, 128),
    ink: RGBColor(29, 35, 48),
    border: RGBColor(227, 231, 238),
    warning: RGBColor(214, 120, 20),
    critical: RGBColor(204, 48, 48),
    series: [
        RGBColor(46, 110, 204),
        RGBColor(22, 150, 120),
        RGBColor(156, 82, 196),
        RGBColor(218, 96, 60),
        RGBColor(40, 150, 190),
        RGBColor(190, 150, 20),
        RGBColor(200, 70, 130),
        RGBColor(100, 120, 140),
    ],
};

static DARK: Palette = Palette {
    background: RGBColor(24, 27, 33),
    grid: RGBColor(44, 49, 58),
    text: RGBColor(150, 158, 172),
    ink: RGBColor(228, 231, 236),
    border: RGBColor(42, 47, 56),
    warning: RGBColor(240, 160, 60),
    critical: RGBColor(240, 96, 96),
    series: [
        RGBColor(110, 160, 240),
        RGBColor(80, 200, 160),
        RGBColor(190, 140, 235),
        RGBColor(240, 130, 100),
        RGBColor(90, 195, 230),
        RGBColor(225, 190, 80),
        RGBColor(235, 120, 170),
        RGBColor(150, 165, 180),
    ],
};
