// Draws the same data (8 panels × 4 series × 3,600 points) with Pulse's chart code
// (compiled to wasm, `pkg/`) and with uPlot, on canvases of the same CSS size, and
// times full redraws including rasterisation (a pixel read forces the raster).
// Rounds alternate between the two so machine noise hits both alike.
import init, { RenderBench } from './pkg/pulse_web.js';

const PANELS = 8;
const SERIES = 4;
const POINTS = 3600;
const WIDTH = 600;
const HEIGHT = 200;

function data() {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const start = Date.UTC(2026, 0, 1);
  const ts = new Float64Array(POINTS).map((_, i) => start + i * 1000);
  const series = Array.from({ length: SERIES }, (_, s) => {
    const values = new Float64Array(POINTS);
    let v = 50;
    for (let i = 0; i < POINTS; i += 1) {
      v = Math.min(100, Math.max(0, v + (random() - 0.5) * 8 + Math.sin(i / (40 + s * 13)) * 0.8));
      values[i] = v;
    }
    return values;
  });
  return { ts, series };
}

function forceRaster(canvases) {
  for (const canvas of canvases) canvas.getContext('2d').getImageData(0, 0, 1, 1);
}

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

window.runBench = async function runBench(rounds = 12) {
  await init();
  const { ts, series } = data();

  const pulseCanvases = Array.from({ length: PANELS }, () => {
    const canvas = document.createElement('canvas');
    canvas.className = 'pulse';
    document.getElementById('pulse').append(canvas);
    return canvas;
  });
  const bench = new RenderBench(ts, series);

  const uData = [Array.from(ts, (t) => t / 1000), ...series.map((s) => Array.from(s))];
  const plots = Array.from({ length: PANELS }, () => new uPlot({
    width: WIDTH,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    series: [{}, ...series.map((_, i) => ({ stroke: ['#3b82f6', '#f59e0b', '#10b981', '#ef4444'][i], width: 1 }))],
  }, uData, document.getElementById('uplot')));
  const uCanvases = plots.map((plot) => plot.ctx.canvas);

  const pulse = [];
  const uplot = [];
  const drawPulse = async () => { bench.draw_all(pulseCanvases, window.devicePixelRatio); forceRaster(pulseCanvases); };
  // uPlot commits a redraw in a microtask after setData: wait for it before reading pixels.
  const drawUplot = async () => {
    plots.forEach((plot) => plot.setData(uData));
    await new Promise((resolve) => queueMicrotask(resolve));
    forceRaster(uCanvases);
  };
  await drawPulse();
  await drawUplot();
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? [['pulse', drawPulse], ['uplot', drawUplot]] : [['uplot', drawUplot], ['pulse', drawPulse]];
    for (const [name, draw] of order) {
      const t0 = performance.now();
      await draw();
      const elapsed = performance.now() - t0;
      (name === 'pulse' ? pulse : uplot).push(elapsed);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }
  return {
    dpr: window.devicePixelRatio,
    rounds,
    pulse: { median: percentile(pulse, 50), p95: percentile(pulse, 95) },
    uplot: { median: percentile(uplot, 50), p95: percentile(uplot, 95) },
  };
};
