// What a browser downloads to open each of Pulse's pages: a hub with an admin user
// serving a site build, and each page opened in a fresh headless Chromium context
// (an empty cache), signed in, until its view is on screen and the network is idle.
// The sum is every file of the site the page fetched (index.html, CSS, JS, wasm,
// the views' wasm files), as sent: the server's precompressed gzip files. API calls
// are not counted. With --base, a second build's site is measured the same way in
// the same run. Writes bench/results/page-weight.md.
// Usage: node bench/browser/page-weight.mjs [--dist DIR] [--base DIR] [--label TEXT] [--base-label TEXT] [--out FILE] [--pages host,fleet,...]
//   (--pages: some of host, fleet, compare, alerts, admin; e.g. only `host` for a build without the fleet page)
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
  { key: 'fleet', name: 'the fleet overview', query: '?view=fleet', ready: '[data-testid="fleet-scroll"]' },
  { key: 'compare', name: 'one metric across hosts', query: '?view=compare', ready: '[data-testid="compare"]' },
  { key: 'alerts', name: 'alerts', query: '?view=alerts', ready: '[data-testid="alerts-page"]' },
  { key: 'admin', name: 'admin screens', query: '?view=admin', ready: '[data-testid="admin"]' },
];
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
    for (const page of PAGES) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const signIn = await context.request.post(`${server.url}/api/v1/session`, { data: ADMIN });
      if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()}`);
      const tab = await context.newPage();
      await tab.goto(`${server.url}/${page.query}`);
      await tab.waitForSelector(page.ready, { timeout: 30_000 });
      await tab.waitForLoadState('networkidle');
      const files = await tab.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .filter((e) => !new URL(e.name).pathname.startsWith('/api/') && !e.name.endsWith('/config.json'))
        .map((e) => ({ name: new URL(e.name).pathname, bytes: e.encodedBodySize })));
      rows.push({ page: page.name, files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0), list: files });
      await context.close();
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
  '',
  `| page | ${results.map((r) => r.label).join(' | ')} |`,
  `|---|${results.map(() => '---:').join('|')}|`,
];
for (const [i, page] of PAGES.entries()) {
  lines.push(`| ${page.name} | ${results.map((r) => `${kib(r.rows[i].bytes)} (${r.rows[i].bytes.toLocaleString('en')} B, ${r.rows[i].files} files)`).join(' | ')} |`);
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
console.log(lines.slice(0, 7 + PAGES.length).join('\n'));
