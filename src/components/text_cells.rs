//! Numbers that change every second, drawn on a canvas instead of DOM text.
//!
//! A DOM text change makes the browser lay the page out again; a canvas of fixed CSS
//! size repainted with the new text does not. The stylesheet sizes the canvas (never
//! its content), the font is read from the page's computed style so the text matches
//! the HTML around it, and the value reaches screen readers as an `aria-label` (the
//! canvas is `role="img"`) or as fallback children of the canvas, which get no layout
//! boxes. It repaints only when the text, the size or the theme changed.

use leptos::html;
use leptos::prelude::*;

use crate::charts::theme::{css, Theme};
use crate::paint::text::{draw, CellLayout, CellsFrame, Font, Ink, Row};
use crate::paint::{backing, observe, scheduler};

/// A canvas of text cells.
#[component]
pub fn TextCells(
    /// The texts, a row (or entry) at a time.
    #[prop(into)]
    rows: Signal<Vec<Row>>,
    /// Where the cells go.
    layout: CellLayout,
    /// Colours follow it.
    #[prop(into)]
    theme: Signal<Theme>,
    /// CSS class; the stylesheet must give the canvas a fixed size.
    #[prop(into)]
    class: String,
    /// What a screen reader hears; the canvas is then `role="img"`. Leave it out when
    /// the children describe the content.
    #[prop(optional, into)]
    label: Option<Signal<String>>,
    /// `data-testid` of the canvas.
    #[prop(optional, into)]
    test_id: Option<String>,
    /// Fallback content: in the accessibility tree, never laid out or shown.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let size = RwSignal::new((0.0, 0.0));
    let on_screen = RwSignal::new(false);
    observe::watch(canvas_ref, size, on_screen);
    let layout = StoredValue::new(layout);
    // The font, read again when the size changes (media queries change both).
    let font: StoredValue<Option<((f64, f64), Font)>> = StoredValue::new(None);
    // What the canvas shows, to skip paints that would draw the same pixels.
    let shown: StoredValue<Option<Shown>> = StoredValue::new(None);

    let paint = move || {
        let Some(canvas) = canvas_ref.get_untracked() else { return };
        let css_size = size.get_untracked();
        if css_size.0 < 1.0 || css_size.1 < 1.0 {
            return;
        }
        let next = Shown {
            rows: rows.get_untracked(),
            css_size,
            dpr: backing::device_pixel_ratio(),
            theme: theme.get_untracked(),
        };
        if shown.with_value(|s| s.as_ref() == Some(&next)) {
            return;
        }
        if font.with_value(|f| f.as_ref().is_none_or(|(at, _)| *at != css_size)) {
            font.set_value(computed_font(&canvas).map(|f| (css_size, f)));
        }
        let Some(context) = backing::fit(&canvas, css_size, next.dpr) else { return };
        let palette = next.theme.palette();
        let ink = Ink { text: css(palette.ink), muted: css(palette.text), rule: css(palette.border) };
        font.with_value(|font| {
            let Some((_, font)) = font else { return };
            layout.with_value(|layout| {
                let frame = CellsFrame { layout, rows: &next.rows, css_size, dpr: next.dpr, font, ink: &ink };
                draw(&context, &frame);
            });
        });
        shown.set_value(Some(next));
    };
    let job = StoredValue::new_local(scheduler::register(paint));
    Effect::new(move |_| {
        rows.track();
        theme.track();
        size.track();
        if on_screen.get() {
            job.with_value(scheduler::PaintJob::mark_dirty);
        }
    });

    view! {
        <canvas
            node_ref=canvas_ref
            class=class
            role=label.is_some().then_some("img")
            aria-label=move || label.map(|l| l.get())
            data-testid=test_id
        >
            {children.map(|children| children())}
        </canvas>
    }
}

/// What one paint drew.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    rows: Vec<Row>,
    css_size: (f64, f64),
    dpr: f64,
    theme: Theme,
}

/// The canvas element's own computed font (it inherits the HTML around it).
fn computed_font(canvas: &web_sys::HtmlCanvasElement) -> Option<Font> {
    let style = web_sys::window()?.get_computed_style(canvas).ok().flatten()?;
    let family = style.get_property_value("font-family").ok()?;
    let size_px = style.get_property_value("font-size").ok()?.trim_end_matches("px").parse::<f64>().ok()?;
    Some(Font { family, size_px })
}
