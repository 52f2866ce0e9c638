// Takes the README's screenshots from a real run: a pulse-server sampling this
// machine, the built dashboard in headless Chromium (light, dark, and a phone);
// then a hub with six real agent processes for the fleet overview (light, dark,
// phone) and one metric across hosts.
// Usage: node e2e/screenshots.mjs [--seconds 40]
import path from 'node:path';

import { startAgent } from './lib/cli.mjs';
import { PulseServer, ROOT } from './lib/server.mjs';
import { launchBrowser, waitLive } from './lib/browser.mjs';

/** Each shot of `base`: its own context (viewport, scale), live, then a screenshot into docs/. */
async function shoot(base, shots) {
  for (const shot of shots) {
    const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale });
    const page = await context.newPage();
    await page.goto(`${base}/${shot.query}`);
    await waitLive(page);
    await page.waitForFunction(() => (window.__pulse?.frames ?? 0) > 2, null, { timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ROOT, 'docs', shot.name) });
    await context.close();
    console.log(`docs/${shot.name}`);
  }
}

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 40;
const server = await PulseServer.start({ args: ['--interval', '1s'] });
const browser = await launchBrowser();
try {
  // Let some history build up so the charts have a story to tell.
  const warm = await browser.newPage();
  await warm.goto(`${server.url}/?range=1m`);
  await waitLive(warm);
  await warm.waitForTimeout(seconds * 1000);
  const shots = [
    { name: 'dashboard.png', query: '?range=1m&theme=light', viewport: { width: 1440, height: 1100 }, scale: 1 },
    { name: 'dashboard-dark.png', query: '?range=1m&theme=dark', viewport: { width: 1440, height: 1100 }, scale: 1 },
    { name: 'dashboard-phone.png', query: '?range=1m', viewport: { width: 400, height: 860 }, scale: 2 },
  ];
  await shoot(server.url, shots);
} finally {
  await server.stop();
}

const TOKEN = 'screenshot-token';
const hub = await PulseServer.start({ args: ['--interval', '1s', '--name', 'hub-1', '--agent-token', TOKEN] });
const agents = [
  ['web-1', 'env=prod', 'role=web'], ['web-2', 'env=prod', 'role=web'], ['api-1', 'env=prod', 'role=api'],
  ['db-1', 'env=prod', 'role=db'], ['cache-1', 'env=staging', 'role=cache'], ['ci-runner', 'env=staging', 'role=ci'],
].map(([name, ...tags]) => startAgent([hub], { name, interval: '1s', token: TOKEN, tags }));
try {
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  // One host goes away, to show what a down host looks like.
  agents.at(-1).kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const shots = [
    { name: 'fleet.png', query: '?view=fleet&theme=light', viewport: { width: 1440, height: 620 }, scale: 1 },
    { name: 'fleet-dark.png', query: '?view=fleet&theme=dark', viewport: { width: 1440, height: 620 }, scale: 1 },
    { name: 'fleet-phone.png', query: '?view=fleet', viewport: { width: 400, height: 760 }, scale: 2 },
    { name: 'compare.png', query: '?view=compare&range=1m&theme=light', viewport: { width: 1440, height: 900 }, scale: 1 },
  ];
  await shoot(hub.url, shots);
} finally {
  for (const agent of agents) agent.kill('SIGTERM');
  await browser.close();
  await hub.stop();
}
