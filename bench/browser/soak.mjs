// Soak: one page live at 1 Hz (WebSocket) for N minutes. At the start mark, every
// minute and at the end it records the server's resident memory (VmRSS of the
// pulse-server child) and the page's JS heap after a forced GC (CDP
// `HeapProfiler.collectGarbage` + `Runtime.getHeapUsage`), plus wasm memory and DOM
// nodes/listeners. Writes bench/results/soak.md.
// Usage: node bench/browser/soak.mjs [--minutes N] [--warmup SECONDS]   (defaults 60, 60)
// The server keeps 1 minute of history (`--history 1m`) and the start mark comes after
// the warm-up, so its history ring is already full: growth after that is a leak, not
// the ring filling (the default 1 h ring fills for an hour by design; its size is
// reported). Exits non-zero when it cannot measure; a missed target is in the table.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { launchBrowser, openPage, pulseState, waitFrames, waitLive } from '../../e2e/lib/browser.mjs';
import { PulseServer, ROOT } from '../../e2e/lib/server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const minutes = Number(arg('--minutes', 60));
const warmupS = Number(arg('--warmup', 60));
if (!(minutes > 0) || !(warmupS >= 0)) {
  console.error('usage: node bench/browser/soak.mjs [--minutes N] [--warmup SECONDS]');
  process.exit(2);
}
// A watchdog on the whole run, in case something hangs without a deadline of its own.
setTimeout(() => { console.error('benchmark timed out'); process.exit(1); }, (minutes * 60 + warmupS + 180) * 1000).unref();
const VIEWPORT = { width: 1440, height: 3000 };
const KiB = 1024;
const MiB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function serverRss(server) {
  const status = await fs.readFile(`/proc/${server.child.pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error('no VmRSS in /proc/PID/status');
  return Number(match[1]) * KiB;
}

function instrument() {
  addEventListener('TrunkApplicationStarted', (event) => { window.__wasm = event.detail?.wasm; });
}

async function sample(server, page, cdp, label, t0) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const page_ = await page.evaluate(() => ({
    wasm: window.__wasm?.memory?.buffer?.byteLength ?? null, frames: window.__pulse?.frames ?? 0, state: window.__pulse?.state,
  }));
  const s = {
    label, minute: (Date.now() - t0) / 60_000, rss: await serverRss(server), heap: heap.usedSize,
    wasm: page_.wasm, nodes: m.Nodes, listeners: m.JSEventListeners, load: os.loadavg()[0], frames: page_.frames, state: page_.state,
  };
  console.error(`${label.padEnd(6)} t=${s.minute.toFixed(2)} min  server RSS ${(s.rss / MiB).toFixed(2)} MiB  JS heap ${(s.heap / MiB).toFixed(3)} MiB  wasm ${s.wasm === null ? 'n/a' : (s.wasm / MiB).toFixed(2)} MiB  nodes ${s.nodes}  listeners ${s.listeners}  frames ${s.frames}  ${s.state}`);
  return s;
}

const server = await PulseServer.start({ args: ['--interval', '1s', '--history', '1m'] });
const browser = await launchBrowser();
let doc;
try {
  const page = await openPage(browser, 'about:blank', { viewport: VIEWPORT });
  await page.addInitScript(instrument);
  await page.goto(`${server.url}/`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await waitLive(page, 'ws', 20_000);
  await waitFrames(page, (await pulseState(page)).frames + 3, 20_000);
  // One frame's JSON as the server keeps it, to size the default 1 h history ring.
  const poll = await (await fetch(`${server.url}/api/v1/poll?wait=0`)).json();
  const frameBytes = JSON.stringify(poll.messages.find((m) => m.type === 'frame') ?? {}).length;
  await sleep(warmupS * 1000);

  const t0 = Date.now();
  const samples = [await sample(server, page, cdp, 'start', t0)];
  for (let minute = 1; minute <= minutes; minute += 1) {
    await sleep(Math.max(0, t0 + minute * 60_000 - Date.now()));
    const s = await sample(server, page, cdp, minute === minutes ? 'end' : `${minute}`, t0);
    const prev = samples.at(-1);
    if (s.state !== 'live') throw new Error(`page left live at minute ${minute} (${s.state})`);
    if (s.frames - prev.frames < 50) throw new Error(`only ${s.frames - prev.frames} frames in minute ${minute}`);
    samples.push(s);
  }
  if (page.errors.length) throw new Error(`page errors: ${page.errors.join('; ')}`);
  const log = await pulseState(page);

  const first = samples[0];
  const last = samples.at(-1);
  const change = (a, b) => ((b - a) / a) * 100;
  const fmt = (b, digits = 2) => (b === null ? 'n/a' : `${(b / MiB).toFixed(digits)} MiB`);
  const row = (what, a, b, digits, target) => {
    const c = change(a, b);
    const met = target ? (Math.abs(c) <= 5 ? 'met' : '**missed**') : '';
    return `| ${what} | ${fmt(a, digits)} | ${fmt(b, digits)} | ${c >= 0 ? '+' : ''}${c.toFixed(1)} % | ${target ? '± 5 %' : ''} | ${met} |`;
  };
  const table = [
    `| measure (over ${minutes} min, after ${warmupS} s warm-up) | start | end | change | target | met |`,
    '|---|---:|---:|---:|---|---|',
    row('server RSS (VmRSS)', first.rss, last.rss, 2, true),
    row('page JS heap used, after forced GC', first.heap, last.heap, 3, true),
    row('page wasm linear memory', first.wasm, last.wasm, 2, false),
    `| page DOM nodes / JS event listeners | ${first.nodes} / ${first.listeners} | ${last.nodes} / ${last.listeners} | | | |`,
  ].join('\n');
  const perMinute = [
    '| minute | server RSS | JS heap (after GC) | wasm memory | DOM nodes | frames accepted | machine load (1 min) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...samples.map((s) => `| ${s.minute.toFixed(1)} | ${fmt(s.rss)} | ${fmt(s.heap, 3)} | ${fmt(s.wasm)} | ${s.nodes} | ${s.frames} | ${s.load.toFixed(1)} |`),
  ].join('\n');
  doc = `Command: \`node bench/browser/soak.mjs --minutes ${minutes}\`${minutes < 60 ? ` (a ${minutes}-minute run, not the default 60)` : ''}.
One page (viewport ${VIEWPORT.width}×${VIEWPORT.height}, every chart on screen) live over WebSocket, server
\`--interval 1s --history 1m\`; ${log.frames} frames accepted, ${log.gaps} gaps, ${log.duplicates} duplicates.

${table}

${perMinute}

Method. Server: \`VmRSS\` from \`/proc/PID/status\` of the pulse-server child. Page: CDP
\`HeapProfiler.collectGarbage\` then \`Runtime.getHeapUsage\` (usedSize); DOM nodes and listeners
from \`Performance.getMetrics\`; wasm memory is \`memory.buffer.byteLength\` of the instance from
Trunk's \`TrunkApplicationStarted\` event. The start mark comes after a ${warmupS} s warm-up with the page
live, ${warmupS >= 60 ? "by which time the server's 1-minute history ring is full, so what grows after it is not\nthe ring filling" : "before the server's 1-minute history ring is full (warm-up under 60 s), so some growth is the ring filling"}. With the default \`--history 1h\` the ring fills for an hour by design: about
3,600 frames of ~${(frameBytes / KiB).toFixed(1)} KiB JSON each (≈ ${((3600 * frameBytes) / MiB).toFixed(0)} MiB of JSON, plus the parsed frames).
The page's store is bounded too (3,700 rows per host), and each series' ring is allocated whole
when the series first appears, so its wasm memory is flat from the first minute, not only once
the rings have filled (wasm memory never shrinks).
`;
  await page.context().close();
} finally {
  await browser.close();
  await server.stop();
}
await fs.mkdir(path.join(ROOT, 'bench/results'), { recursive: true });
await fs.writeFile(path.join(ROOT, 'bench/results/soak.md'), doc);
console.log(doc);
