// Runs the render benchmark (harness.js) in headless Chromium at DPR 1 and 2 and
// writes bench/results/render.md. Needs `pkg/` (built by bench/render/build.sh).
// Usage: node bench/render/run.mjs [--rounds N]
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

import { launchBrowser } from '../../e2e/lib/browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 12;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

const server = http.createServer(async (req, res) => {
  const file = path.join(here, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!file.startsWith(here)) { res.writeHead(403).end(); return; }
  try {
    const body = await fs.readFile(file.endsWith('/') ? path.join(file, 'index.html') : file);
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'text/html' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launchBrowser();
const rows = [];
try {
  for (const dpr of [1, 2]) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1800 }, deviceScaleFactor: dpr });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(String(error)));
    await page.goto(url);
    const result = await page.evaluate((n) => window.runBench(n), rounds);
    const ratio = result.pulse.median / result.uplot.median;
    rows.push(`| ${dpr} | ${result.pulse.median.toFixed(1)} ms | ${result.pulse.p95.toFixed(1)} ms | ${result.uplot.median.toFixed(1)} ms | ${result.uplot.p95.toFixed(1)} ms | **${ratio.toFixed(2)}×** |`);
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}
const table = [
  `8 canvases of 600×200 CSS px, 4 series × 3,600 points each, full redraw including rasterisation, ${rounds} alternating rounds, headless Chromium (software raster).`,
  '',
  '| DPR | Pulse median | Pulse p95 | uPlot median | uPlot p95 | Pulse / uPlot |',
  '|---|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
await fs.mkdir(path.join(here, '../results'), { recursive: true });
await fs.writeFile(path.join(here, '../results/render.md'), `Command: \`./pulse bench render\`\n\n${table}\n`);
console.log(table);
