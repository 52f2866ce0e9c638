// What a browser downloads to open each of Pulse's pages: a hub with an admin user
// serving a site build, and each page opened in a fresh headless Chromium context
// (an empty cache), signed in, until its view is on screen and the network is idle.
// The sum is every file of the site the page fetched (index.html, CSS, JS, wasm,
// the views' wasm files), as sent: the server's precompressed gzip files. API calls
// are not counted. With --base, a second build's site is measured the same way in
// the same run. Writes bench/results/page-weight.md.
// With --link RTT_MS,MBIT, each page is also timed over an emulated link (CDP's network
// conditions: that round trip and bandwidth each way): milliseconds from navigation to
// its view on screen, the median of --rounds opens.
// Usage: node bench/browser/page-weight.mjs [--dist DIR] [--base DIR] [--label TEXT] [--base-label TEXT] [--out FILE] [--pages host,fleet,...]
//   [--link RTT_MS,MBIT] [--rounds N]
//   (--pages: some of host, home, fleet, compare, alerts, admin; e.g. only `host` for a build without the fleet page)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { launchBrowser } from '../../e2e/lib/browser.mjs';
import { cli } from '../../e2e/lib/cli.mjs';
import { ROOT, PulseServer } from '../../e2e/lib/server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const dist = arg('--dist', path.join(ROOT, 'dist'));
const base = arg('--base', null);
const out = arg('--out', path.join(ROOT, 'bench/results/page-weight.md'));
setTimeout(() => { console.error('benchmark timed out'); process.exit(1); }, 300_000).unref();

const ADMIN = { user: 'weigher', password: 'page-weight-bench-pass' };
// Each page, and what says its view is on screen.
const ALL_PAGES = [
  { key: 'host', name: 'a host (the dashboard)', query: '?host=the-hub', ready: '[data-testid="panel-cpu"]' },
  { key: 'home', name: 'a one-host hub at / (its dashboard)', query: '', ready: '[data-testid="panel-cpu"]' },
  { key: 'fleet', name: 'the fleet overview', query: '?view=fleet', ready: '[data-testid="fleet-scroll"]' },
  { key: 'compare', name: 'one metric across hosts', query: '?view=compare', ready: '[data-testid="compare"]' },
  { key: 'alerts', name: 'alerts', query: '?view=alerts', ready: '[data-testid="alerts-page"]' },
  { key: 'admin', name: 'admin screens', query: '?view=admin', ready: '[data-testid="admin"]' },
];
const link = arg('--link', null)?.split(',').map(Number) ?? null;
const rounds = Number(arg('--rounds', 1));
if ((link && !(link.length === 2 && link[0] >= 0 && link[1] > 0)) || !(rounds >= 1)) {
  console.error('usage: --link RTT_MS,MBIT (e.g. 50,10) and --rounds N (N >= 1)');
  process.exit(2);
}
const wanted = arg('--pages', ALL_PAGES.map((p) => p.key).join(',')).split(',');
const PAGES = ALL_PAGES.filter((p) => wanted.includes(p.key));
if (PAGES.length !== wanted.length) {
  console.error(`usage: --pages takes some of ${ALL_PAGES.map((p) => p.key).join(', ')}`);
  process.exit(2);
}

/** The bytes each page downloads from the site at `dist`. */
async function weigh(browser, siteDist) {
  const data = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-weight-'));
  await cli(['user', 'add', ADMIN.user, '--role', 'admin', '--data', data], `${ADMIN.password}\n`);
  const server = await PulseServer.start({ dist: siteDist, args: ['--data', data, '--name', 'the-hub'] });
  const rows = [];
  try {
    // One sign-in (the hub limits them per address); each page's context starts
    // with its cookie and an empty cache.
    const first = await browser.newContext();
    const signIn = await first.request.post(`${server.url}/api/v1/session`, { data: ADMIN });
    if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()}`);
    const storageState = await first.storageState();
    await first.close();
    for (const page of PAGES) {
      const shown = [];
      let files;
      for (let round = 0; round < rounds; round += 1) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, storageState });
        const tab = await context.newPage();
        if (link) {
          const cdp = await context.newCDPSession(tab);
          const bytesPerSecond = (link[1] * 1e6) / 8;
          await cdp.send('Network.emulateNetworkConditions', {
            offline: false, latency: link[0], downloadThroughput: bytesPerSecond, uploadThroughput: bytesPerSecond,
          });
        }
        await tab.goto(`${server.url}/${page.query}`);
        await tab.waitForSelector(page.ready, { timeout: 60_000 });
        shown.push(await tab.evaluate(() => performance.now()));
        await tab.waitForLoadState('networkidle');
        files = await tab.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
          .filter((e) => !new URL(e.name).pathname.startsWith('/api/') && !e.name.endsWith('/config.json'))
          .map((e) => ({ name: new URL(e.name).pathname, bytes: e.encodedBodySize })));
        await context.close();
      }
      shown.sort((a, b) => a - b);
      rows.push({
        page: page.name, files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0), list: files,
        shown: shown[Math.floor(shown.length / 2)],
      });
    }
  } finally {
    await server.stop();
    await fs.rm(data, { recursive: true, force: true });
  }
  return rows;
}

const browser = await launchBrowser();
const builds = [{ label: arg('--label', path.relative(ROOT, dist) || dist), dist }];
if (base) builds.push({ label: arg('--base-label', `base (${base})`), dist: base });
const results = [];
try {
  for (const build of builds) results.push({ ...build, rows: await weigh(browser, build.dist) });
} finally {
  await browser.close();
}

const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const lines = [
  `Command: \`node bench/browser/page-weight.mjs ${process.argv.slice(2).join(' ')}\`, ${new Date().toISOString().slice(0, 16)} UTC: each page in a fresh`,
  'headless Chromium context (empty cache), signed in as an admin, until its view is on screen and the',
  'network is idle; the sum of the site files it fetched as sent (the precompressed gzip files), API calls',
  'not counted.',
  ...(link ? [`Each page also timed over an emulated ${link[1]} Mbit/s link with ${link[0]} ms round trips (CDP): from navigation to its view on screen, median of ${rounds}.`] : []),
  '',
  `| page | ${results.map((r) => r.label).join(' | ')} |`,
  `|---|${results.map(() => '---:').join('|')}|`,
];
for (const [i, page] of PAGES.entries()) {
  const cell = (row) => `${kib(row.bytes)} (${row.bytes.toLocaleString('en')} B, ${row.files} files)${link ? `, shown after ${Math.round(row.shown)} ms` : ''}`;
  lines.push(`| ${page.name} | ${results.map((r) => cell(r.rows[i])).join(' | ')} |`);
}
lines.push('', '### Files per page', '');
for (const r of results) {
  lines.push(`#### ${r.label}`, '');
  for (const row of r.rows) {
    lines.push(`- ${row.page}: ${row.list.map((f) => `${f.name} ${f.bytes.toLocaleString('en')}`).join(', ')}`);
  }
  lines.push('');
}
await fs.writeFile(out, lines.join('\n'));
console.log(lines.slice(0, lines.indexOf('### Files per page')).join('\n'));
