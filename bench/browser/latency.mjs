// Sample-to-pixel latency in a real browser, per transport: from the server's sample
// timestamp (a frame's `ts`, stamped when the host was sampled, so sampling and
// serialisation are included) to the end of the chart draw, inside the animation
// frame that paints that sample. The page records it itself: each chart pushes
// `Date.now() - newest ts` into `window.__pulse.drawLag` when it paints a newer
// sample (src/charts/line_chart.rs). Page and server share the machine's clock; the
// offset between them is estimated from the page (see `clockOffset`) and reported.
// Writes bench/results/latency.md.
// Usage: node bench/browser/latency.mjs [--seconds N] [--interval 250ms]
//   --seconds: measuring time per transport (default 60)
// Exits non-zero when it cannot measure; a missed target is reported in the table.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { launchBrowser, openPage, pulseState, waitFrames, waitLive } from '../../e2e/lib/browser.mjs';
import { PulseServer, ROOT } from '../../e2e/lib/server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('--seconds', 60));
const interval = arg('--interval', '250ms');
const intervalMs = /ms$/.test(interval) ? Number.parseFloat(interval) : Number.parseFloat(interval) * 1000;
if (!(seconds > 0) || !(intervalMs > 0)) {
  console.error('usage: node bench/browser/latency.mjs [--seconds N] [--interval 250ms|1s]');
  process.exit(2);
}
// A watchdog on the whole run, in case something hangs without a deadline of its own.
setTimeout(() => { console.error('benchmark timed out'); process.exit(1); }, (seconds * 2 + 60) * 4 * 1000 + 120_000).unref();
const VIEWPORT = { width: 1440, height: 3000 };
const TRANSPORTS = [
  // name, target on p95 (ms), what the target is
  ['ws', 20, '≤ 20 ms'],
  ['sse', 20, '≤ 20 ms'],
  ['longpoll', 20, '≤ 20 ms (held request answers at once)'],
  ['poll', intervalMs, `≤ one interval (${intervalMs} ms)`],
];

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const round = (x) => (Math.abs(x) < 10 ? Math.round(x * 10) / 10 : Math.round(x));

/**
 * Server clock minus page clock, NTP-style: the page asks `/api/v1/poll?wait=0` with
 * no cursor, whose `hello.server_time` is stamped while answering, so it lies between
 * the page's send (t0) and receive (t1) times. The offset is server_time - (t0+t1)/2,
 * give or take half the round trip; the round trip with the smallest time wins.
 */
async function clockOffset(page) {
  return page.evaluate(async () => {
    let best = null;
    for (let i = 0; i < 15; i += 1) {
      const t0 = Date.now();
      const body = await (await fetch('/api/v1/poll?wait=0', { cache: 'no-store' })).json();
      const t1 = Date.now();
      const hello = body.messages.find((m) => m.type === 'hello');
      if (!hello) continue;
      const rtt = t1 - t0;
      if (!best || rtt < best.rtt) best = { rtt, offset: hello.server_time - (t0 + t1) / 2 };
    }
    return best;
  });
}

/**
 * Injected before the app loads: for each frame message as it reaches the page's
 * JavaScript (WebSocket/EventSource `message` listener added at construction, so it
 * runs before the app's `onmessage`; a clone of each poll response's body), records
 * `Date.now() - ts` into `window.__arrival`. This splits the latency into the network
 * part (sample to message in the page) and the page part (message to painted).
 */
function recordArrival() {
  window.__arrival = [];
  const record = (text, now = Date.now()) => {
    if (typeof text !== 'string') return;
    for (const m of text.matchAll(/"type":"frame","seq":\d+,"ts":(\d+)/g)) {
      window.__arrival.push(now - Number(m[1]));
      if (window.__arrival.length > 5000) window.__arrival.shift();
    }
  };
  for (const name of ['WebSocket', 'EventSource']) {
    const Original = window[name];
    const Wrapped = function (...args) {
      const target = new Original(...args);
      target.addEventListener('message', (event) => record(event.data));
      return target;
    };
    Wrapped.prototype = Original.prototype;
    Object.assign(Wrapped, Original);
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) if (k in Original) Object.defineProperty(Wrapped, k, { value: Original[k] });
    window[name] = Wrapped;
  }
  const originalFetch = window.fetch;
  window.fetch = async (...args) => {
    const response = await originalFetch(...args);
    const now = Date.now(); // headers in: a poll body is small and comes with them
    const url = String(args[0] instanceof Request ? args[0].url : args[0]);
    if (url.includes('/api/v1/poll')) response.clone().text().then((text) => record(text, now), () => {});
    return response;
  };
}

async function measure(browser, transport) {
  const server = await PulseServer.start({ args: ['--interval', interval] });
  try {
    const page = await openPage(browser, 'about:blank', { viewport: VIEWPORT });
    await page.addInitScript(recordArrival);
    await page.goto(`${server.url}/?transport=${transport}`);
    try {
      await waitLive(page, transport, 20_000);
      // Let backfill, first paints and layout settle, then start from an empty record.
      await waitFrames(page, (await pulseState(page)).frames + 3, 20_000);
      const canvases = await page.evaluate(() => {
        const all = [...document.querySelectorAll('canvas')];
        const on = all.filter((c) => { const r = c.getBoundingClientRect(); return r.width > 0 && r.bottom > 0 && r.top < innerHeight; });
        return { total: all.length, onScreen: on.length };
      });
      const load0 = os.loadavg()[0];
      const offsetBefore = await clockOffset(page);
      const start = await page.evaluate(() => { (window.__pulse.drawLag ??= []).length = 0; window.__arrival.length = 0; return window.__pulse.frames; });
      const want = Math.ceil((seconds * 1000) / intervalMs);
      // The page keeps the last 2,000 lags: take them every few seconds. Bounded: the
      // frames should come in `seconds`; allow twice that plus 20 s.
      const lags = [];
      const arrival = [];
      const drain = async () => {
        const got = await page.evaluate(() => ({ lags: window.__pulse.drawLag.splice(0), arrival: window.__arrival.splice(0) }));
        lags.push(...got.lags);
        arrival.push(...got.arrival);
      };
      const deadline = Date.now() + seconds * 2000 + 20_000;
      for (;;) {
        const frames = await page.evaluate(() => window.__pulse.frames);
        if (frames >= start + want) break;
        if (Date.now() > deadline) throw new Error(`${transport}: only ${frames - start} of ${want} frames in time`);
        await drain();
        await page.waitForFunction((n) => window.__pulse.frames >= n, Math.min(start + want, frames + 20), { timeout: 30_000, polling: 100 });
      }
      // The last frame's paint comes in the next animation frame.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
      await drain();
      const { frames, gaps, state } = await page.evaluate(() => ({ frames: window.__pulse.frames, gaps: window.__pulse.gaps, state: window.__pulse.state,
      }));
      const offsetAfter = await clockOffset(page);
      if (page.errors.length) throw new Error(`${transport}: page errors: ${page.errors.join('; ')}`);
      if (state !== 'live') throw new Error(`${transport}: page left live (${state})`);
      if (lags.length === 0 || arrival.length === 0) throw new Error(`${transport}: no chart recorded a paint (window.__pulse.drawLag empty: is dist/ built from this tree?)`);
      return { transport, load: `${load0.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`, lags, arrival, frames: frames - start, gaps, canvases, offsets: [offsetBefore, offsetAfter] };
    } finally {
      await page.context().close();
    }
  } finally {
    await server.stop();
  }
}

const browser = await launchBrowser();
const rows = [];
const offsets = [];
try {
  for (const [transport, target, targetText] of TRANSPORTS) {
    const r = await measure(browser, transport);
    const sorted = [...r.lags].sort((a, b) => a - b);
    const p50 = quantile(sorted, 0.5);
    const p95 = quantile(sorted, 0.95);
    const met = p95 <= target;
    const arrived = [...r.arrival].sort((a, b) => a - b);
    const arrivalText = arrived.length ? `${round(quantile(arrived, 0.5))} / ${round(quantile(arrived, 0.95))} ms` : 'n/a';
    offsets.push(...r.offsets.filter(Boolean).map((o) => ({ transport, ...o })));
    const row = `| ${transport} | ${r.frames} | ${r.lags.length} | ${round(p50)} ms | ${round(p95)} ms | ${round(sorted.at(-1))} ms | ${arrivalText} | ${targetText} | ${met ? 'met' : '**missed**'} | ${r.load} |`;
    console.error(`${row}   (${r.canvases.onScreen}/${r.canvases.total} canvases on screen)`);
    rows.push({ row, canvases: r.canvases });
  }
} finally {
  await browser.close();
}

const worstOffset = offsets.reduce((a, o) => (Math.abs(o.offset) > Math.abs(a.offset) ? o : a), offsets[0]);
const maxRtt = Math.max(...offsets.map((o) => o.rtt));
const canvases = rows[0].canvases;
const table = [
  '| transport | samples | chart paints | p50 | p95 | max | of which sample → message in page, p50 / p95 | target (p95) | met | machine load (1 min avg, start → end) |',
  '|---|---:|---:|---:|---:|---:|---:|---|---|---:|',
  ...rows.map((r) => r.row),
].join('\n');
const doc = `Command: \`node bench/browser/latency.mjs --seconds ${seconds}${interval === '250ms' ? '' : ` --interval ${interval}`}\`
(server \`--interval ${interval}\`, ${seconds} s measured per transport, a fresh server and page for each;
viewport ${VIEWPORT.width}×${VIEWPORT.height}, ${canvases.onScreen} of ${canvases.total} chart canvases on screen, so every sample is painted ${canvases.onScreen} times).

${table}

Method. Latency = page \`Date.now()\` right after a chart finished drawing, inside the
\`requestAnimationFrame\` callback that paints a new sample, minus that sample's \`ts\`. \`ts\` is
stamped by the server when it sampled the host, so the figure includes reading the host,
serialising, the transport, parsing and the store update, waiting for the animation frame
and the draw itself (each chart's paint is one observation; later charts in the same frame
include the draws before them). It does not include compositing the canvas to the screen
after the callback (one more frame at most). The page records it into \`window.__pulse.drawLag\`
(src/charts/line_chart.rs); the first paint of each chart (backfilled history) is not counted.
The "sample → message in page" column is the network part alone: \`Date.now() - ts\` when the
frame's message reaches the page's JavaScript (a \`message\` listener on the WebSocket/EventSource,
or, for polls, when the response's headers arrive (ts read from a clone of its body), injected by the benchmark), so p95 minus it is roughly
what the page spends (waiting for the animation frame, drawing ${canvases.onScreen} charts).

Clock offset (server minus page): both run on this machine and read the same clock. Estimated from
the page with \`GET /api/v1/poll?wait=0\` (no cursor, so the answer carries a \`hello\` whose
\`server_time\` is stamped while answering): offset = server_time − midpoint of the page's send and
receive times, best of 15 round trips, before and after each transport's run. Largest estimate:
${round(worstOffset.offset)} ms (± ${round(worstOffset.rtt / 2)} ms; worst best round trip ${maxRtt} ms),
i.e. nil within the measurement's resolution (\`server_time\` has 1 ms resolution), so no correction was applied.
`;
await fs.mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await fs.writeFile(path.join(ROOT, 'bench/results/latency.md'), doc);
console.log(doc);
