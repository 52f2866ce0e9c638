// Screenshots of the same pages from two builds of the site, for comparing a size
// change by eye: the fleet page (hosts and compare tabs) and a host page, each build
// served by a hub with the same six real agent processes.
// Usage: node e2e/size-shots.mjs OUT_DIR DIST_A [DIST_B...]  (PNG names: <dist name>-<page>.png)
import { once } from 'node:events';
import path from 'node:path';

import { startAgent } from './lib/cli.mjs';
import { PulseServer } from './lib/server.mjs';
import { launchBrowser, waitLive } from './lib/browser.mjs';

const [outDir, ...dists] = process.argv.slice(2);
const TOKEN = 'size-shots-token';
const AGENTS = [
  ['web-1', 'env=prod', 'role=web'], ['web-2', 'env=prod', 'role=web'], ['api-1', 'env=prod', 'role=api'],
  ['db-1', 'env=prod', 'role=db'], ['cache-1', 'env=staging', 'role=cache'], ['ci-runner', 'env=staging', 'role=ci'],
];
const SHOTS = [
  ['fleet', '?view=fleet&theme=light'],
  ['compare', '?view=compare&theme=light'],
  ['compare-top', '?view=compare&mode=top&theme=light'],
  ['host', '?host=web-1&range=1m&theme=light'],
  ['host-dark', '?host=db-1&range=1m&theme=dark'],
];

const browser = await launchBrowser();
try {
  for (const dist of dists) {
    const hub = await PulseServer.start({ dist, args: ['--interval', '1s', '--name', 'hub-1', '--agent-token', TOKEN] });
    const agents = AGENTS.map(([name, ...tags]) => startAgent([hub], { name, interval: '1s', token: TOKEN, tags }));
    try {
      for (const [name, query] of SHOTS) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
        const page = await context.newPage();
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(`${hub.url}/${query}`);
        await waitLive(page);
        // Every agent listed (fleet) or a few frames drawn (host), then the charts settle.
        await page.waitForFunction(() => (window.__pulse?.frames ?? 0) > 4, null, { timeout: 20_000 });
        await page.waitForTimeout(1000);
        const file = path.join(outDir, `${path.basename(dist)}-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(file, errors.length ? `page errors: ${errors.join('; ')}` : 'no page errors');
        await context.close();
      }
    } finally {
      for (const agent of agents) {
        agent.kill('SIGTERM');
        await once(agent, 'exit');
      }
      await hub.stop();
    }
  }
} finally {
  await browser.close();
}
