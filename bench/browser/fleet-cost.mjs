// What the fleet overview costs the browser with 1,000 hosts: a hub whose own host
// is sampled for real, `pulse-fleet` playing 1,000 agents that push that host's
// frames at 1 Hz over real WebSocket links, and the page on `?view=fleet` in headless
// Chromium. Measured over N seconds: the page's main thread (CDP ΔTaskDuration /
// Δwall), long tasks, layouts per update, the summary's bytes a second; then a
// scroll through the table, an animation frame at a time, counting frames that
// missed their 60 Hz slot. Writes bench/results/fleet-page.md.
// Usage: node bench/browser/fleet-cost.mjs [--hosts N] [--seconds N] [--dist DIR] [--shapes LIST]
//   (defaults 1000, 60, dist/, columns; another build's site with --dist, e.g. a base build's for a
//   before/after; --shapes columns,keyed measures the page on the same hub and agents once per shape in
//   turn: `keyed` opens the page with `columns=1` taken out of its WebSocket URLs, so the hub sends the
//   summary keyed as it did before columns, a bench-only switch, not the product's)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { launchBrowser, openPage, pulseState, waitFrames, waitLive } from '../../e2e/lib/browser.mjs';
import { ROOT } from '../../e2e/lib/server.mjs';
import { playAgents } from '../fleet/agents.mjs';
import { fleetHub, instrument, metrics } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const hosts = Number(arg('--hosts', 1000));
const seconds = Number(arg('--seconds', 60));
const dist = arg('--dist', path.join(ROOT, 'dist'));
const shapes = arg('--shapes', 'columns').split(',');
if (!(hosts > 0 && seconds > 0) || !shapes.every((shape) => shape === 'columns' || shape === 'keyed')) {
  console.error('usage: node bench/browser/fleet-cost.mjs [--hosts N] [--seconds N] [--dist DIR] [--shapes columns,keyed]');
  process.exit(2);
}
setTimeout(() => { console.error('benchmark timed out'); process.exit(1); }, (seconds * 3 + 300) * 1000 * shapes.length).unref();
const TOKEN = 'fleet-page-bench';
const VIEWPORT = { width: 1440, height: 1000 };
const SCROLL_FRAMES = 300;
const MiB = 1024 * 1024;

/** Scrolls the table down an animation frame at a time; the gaps between frames. */
function scrollThrough(frames) {
  return new Promise((resolve) => {
    const box = document.querySelector('[data-testid="fleet-scroll"]');
    const gaps = [];
    let last = null;
    let left = frames;
    const step = (t) => {
      if (last !== null) gaps.push(t - last);
      last = t;
      box.scrollTop += 37;
      left -= 1;
      if (left > 0) requestAnimationFrame(step);
      else resolve({ gaps, top: box.scrollTop, height: box.scrollHeight });
    };
    requestAnimationFrame(step);
  });
}

/** Run in the page before the app: its WebSockets open without `columns=1` (the keyed summary). */
function keyedOnly() {
  const Native = window.WebSocket;
  window.WebSocket = function WebSocket(url, protocols) {
    const keyed = String(url).replace(/([?&])columns=1(&|$)/, (_, before, after) => (after ? before : ''));
    return protocols === undefined ? new Native(keyed) : new Native(keyed, protocols);
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
}

const hub = await fleetHub({ hosts, token: TOKEN, dist });
let fleet;
let browser;
let doc;
try {
  fleet = await playAgents(hub, { agents: hosts, token: TOKEN, seconds: (seconds * 3 + 60) * shapes.length, label: 'fleet page' });

  browser = await launchBrowser();
  const tables = [];
  for (const shape of shapes) tables.push(await measure(shape));
  doc = `Command: \`node bench/browser/fleet-cost.mjs --hosts ${hosts} --seconds ${seconds} --shapes ${shapes.join(',')}\`
(a hub sampling this machine at 1 Hz with \`pulse-fleet\` playing ${hosts} agents that push its frames; the page
on \`?view=fleet\` in headless Chromium, viewport ${VIEWPORT.width}×${VIEWPORT.height}, once per shape of the summary in turn
on the same hub and agents: ${tables.map((t) => t.note).join('; ')}).

| measure | ${shapes.join(' | ')} | target |
|---|${shapes.map(() => '---:|').join('')}---|
${tables[0].rows.map(([what, , target], i) => `| ${what} | ${tables.map((t) => `${t.rows[i][1]}${t.rows[i][3] === false ? ' (**missed**)' : ''}`).join(' | ')} | ${target} |`).join('\n')}

Method as in the live page's cost (CDP \`Performance.getMetrics\`, a \`PerformanceObserver\` for long
tasks injected before the app). The summary's bytes are the WebSocket frames' payloads from CDP
\`Network.webSocketFrameReceived\`. \`keyed\`: the page's WebSocket URLs without \`columns=1\` (an init script;
the page reads either shape). Headless Chromium rasterises in software (\`--disable-gpu\`), on a
shared ${os.cpus().length}-core machine with the hub and the ${hosts} agents on it too (load average ${os.loadavg()[0].toFixed(1)} at the end).
`;
} finally {
  await browser?.close();
  fleet?.kill('SIGTERM');
  await hub.stop();
}
await fs.writeFile(path.join(ROOT, 'bench/results/fleet-page.md'), doc);
console.log(doc);

/** The page's figures with the summary in `shape`: rows of [measure, value, target, met]. */
async function measure(shape) {
  const page = await openPage(browser, 'about:blank', { viewport: VIEWPORT });
  await page.addInitScript(instrument);
  if (shape === 'keyed') await page.addInitScript(keyedOnly);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  let summaryBytes = 0;
  cdp.on('Network.webSocketFrameReceived', (event) => { summaryBytes += event.response.payloadData.length; });
  await page.goto(`${hub.url}/?view=fleet`);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  await waitLive(page, 'ws', 90_000);
  await page.waitForFunction((n) => /(\d+) hosts/.exec(document.querySelector('[data-testid="fleet-count"]')?.textContent ?? '')?.[1] >= n,
    hosts, { timeout: 30_000 });
  await waitFrames(page, (await pulseState(page)).frames + 3, 30_000);

  await cdp.send('HeapProfiler.collectGarbage');
  const heap0 = await cdp.send('Runtime.getHeapUsage');
  const frames0 = (await pulseState(page)).frames;
  const before = await metrics(cdp);
  const bytes0 = summaryBytes;
  const longStart = await page.evaluate(() => performance.now());
  await page.waitForFunction((n) => (window.__pulse?.frames ?? 0) >= n, frames0 + seconds,
    { timeout: seconds * 2000 + 30_000, polling: 1000 });
  const after = await metrics(cdp);
  const bytes1 = summaryBytes;
  const frames1 = (await pulseState(page)).frames;
  const longTasks = await page.evaluate((t) => window.__longTasks.filter((e) => e.start >= t), longStart);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap1 = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__wasm?.memory?.buffer?.byteLength ?? null);

  // Scrolling, with data arriving meanwhile.
  const scrollLong0 = await page.evaluate(() => performance.now());
  const scrollBefore = await metrics(cdp);
  const scroll = await page.evaluate(scrollThrough, SCROLL_FRAMES);
  const scrollAfter = await metrics(cdp);
  const scrollLong = await page.evaluate((t) => window.__longTasks.filter((e) => e.start >= t), scrollLong0);
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);

  const d = (name) => after[name] - before[name];
  const wall = d('Timestamp');
  const updates = frames1 - frames0;
  const pct = (x) => `${(x * 100).toFixed(2)} %`;
  const taskShare = d('TaskDuration') / wall;
  const sorted = [...scroll.gaps].sort((a, b) => a - b);
  const missed = scroll.gaps.filter((g) => g > 1000 / 60 * 1.5).length;
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  const row = (what, value, target, met) => [what, value, target, met];
  const rows = [
    row('hosts listed on the page', `${hosts} agents + the hub`, `${hosts}`, true),
    row('page main thread CPU (ΔTaskDuration / Δwall)', pct(taskShare), '≤ 5 % of one core', taskShare <= 0.05),
    row('of which script', pct(d('ScriptDuration') / wall), '', null),
    row('of which layout + style', pct((d('LayoutDuration') + d('RecalcStyleDuration')) / wall), '', null),
    row('main-thread time per summary', `${((d('TaskDuration') / updates) * 1000).toFixed(1)} ms`, '', null),
    // CPU time, not the tasks' wall time: what a summary costs, however busy the machine.
    row('main-thread CPU per summary (ΔThreadTime)', `${((d('ThreadTime') / updates) * 1000).toFixed(1)} ms`, '', null),
    row('long tasks (> 50 ms) while live', `${longTasks.length}${longTasks.length ? ` (longest ${Math.round(Math.max(...longTasks.map((t) => t.duration)))} ms)` : ''}`, '0', longTasks.length === 0),
    row('layouts per summary', `${(d('LayoutCount') / updates).toFixed(2)}`, '', null),
    row('summary received', `${((bytes1 - bytes0) / wall / 1024).toFixed(1)} KiB/s (${((bytes1 - bytes0) / updates / hosts).toFixed(0)} B per host per frame)`, '', null),
    row(`scroll: frames over 25 ms of ${scroll.gaps.length}`, `${missed} (p99 ${p99.toFixed(1)} ms, worst ${sorted.at(-1).toFixed(1)} ms)`, '0 dropped', missed === 0),
    row('long tasks while scrolling', `${scrollLong.length}`, '0', scrollLong.length === 0),
    // The page's own work per scrolled frame, CPU time not wall time: whether a late frame is the
    // page's doing or a machine whose cores are taken (its budget is 16.7 ms).
    row('scroll: main-thread CPU per frame (ΔThreadTime)', `${(((scrollAfter.ThreadTime - scrollBefore.ThreadTime) / scroll.gaps.length) * 1000).toFixed(2)} ms`, '', null),
    row('scroll: of which script / layout / style', ['ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'].map((m) => `${((scrollAfter[m] - scrollBefore[m]) / scroll.gaps.length * 1000).toFixed(2)} ms`).join(' / '), '', null),
    row('JS heap after GC, start → end', `${(heap0.usedSize / MiB).toFixed(2)} → ${(heap1.usedSize / MiB).toFixed(2)} MiB`, '', null),
    row('wasm linear memory', wasm === null ? 'n/a' : `${(wasm / MiB).toFixed(1)} MiB`, '', null),
  ];
  const note = `${shape}: ${updates} summaries in ${wall.toFixed(1)} s, then ${SCROLL_FRAMES} animation frames of scrolling the table by 37 px each, down to ${scroll.top} px of ${scroll.height}`;
  await page.context().close();
  return { rows, note };
}
