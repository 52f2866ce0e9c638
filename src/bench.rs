//! The render benchmark's entry point (`--features bench` only; never in the site).
//!
//! `bench/render/harness.js` builds a [`RenderBench`] from plain arrays and times
//! [`RenderBench::draw_all`] against uPlot drawing the same data. It calls the same
//! `charts::draw` the dashboard uses, so the figure is the dashboard's own cost.

use std::collections::BTreeMap;

use js_sys::{Array, Float64Array};
use pulse_protocol::{Frame, Unit};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::charts::theme::Theme;
use crate::charts::{draw, ChartSpec, DrawInput, Line, Window};
use crate::store::HostSeries;

/// Data for every panel of the benchmark, held in a real store.
#[wasm_bindgen]
pub struct RenderBench {
    host: HostSeries,
    lines: Vec<Line>,
    window: Window,
}

#[wasm_bindgen]
impl RenderBench {
    /// Fills a store from `ts` (ms) and one array of values per series.
    #[wasm_bindgen(constructor)]
    pub fn new(ts: Float64Array, series: Array) -> RenderBench {
        let ts = ts.to_vec();
        let columns: Vec<Vec<f64>> =
            series.iter().map(|s| s.dyn_into::<Float64Array>().map(|a| a.to_vec()).unwrap_or_default()).collect();
        let mut host = HostSeries::with_capacity(ts.len() + 1);
        for (row, &t) in ts.iter().enumerate() {
            let values: BTreeMap<String, f64> = columns
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("s{i}"), c.get(row).copied().unwrap_or(f64::NAN)))
                .collect();
            host.push_frame(&Frame {
                seq: row as u64,
                ts: t as i64,
                host: "bench".into(),
                values,
                top: Vec::new(),
                columns: None,
            });
        }
        let lines =
            (0..columns.len()).map(|i| Line { id: format!("s{i}"), label: format!("s{i}"), color: i }).collect();
        let window = Window { from: ts.first().copied().unwrap_or(0.0), to: ts.last().copied().unwrap_or(1.0) };
        RenderBench { host, lines, window }
    }

    /// Redraws every canvas in full, as the dashboard does when data arrives.
    pub fn draw_all(&self, canvases: Array, dpr: f64) -> Result<(), JsValue> {
        let spec = ChartSpec { unit: Unit::Percent, warn_at: Some(90.0), ceiling: None };
        for canvas in canvases.iter() {
            let canvas: HtmlCanvasElement = canvas.dyn_into()?;
            let css_size = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
            let input = DrawInput {
                host: Some(&self.host),
                lines: &self.lines,
                spec: &spec,
                window: self.window,
                palette: Theme::Light.palette(),
                css_size,
                dpr,
                tz_offset_minutes: 0.0,
                alerts: &[],
            };
            draw(&canvas, &input).map_err(|e| JsValue::from_str(&e.to_string()))?;
        }
        Ok(())
    }
}
