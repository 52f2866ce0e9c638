// Takes the README's screenshots from a real run: a pulse-server sampling this
// machine, the built dashboard in headless Chromium (light, dark, and a phone).
// Usage: node e2e/screenshots.mjs [--seconds 40]
import path from 'node:path';

import { PulseServer, ROOT } from './lib/server.mjs';
import { launchBrowser, waitLive } from './lib/browser.mjs';

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
  for (const shot of shots) {
    const context = await browser.newContext({ viewport: shot.viewport, deviceScaleFactor: shot.scale });
    const page = await context.newPage();
    await page.goto(`${server.url}/${shot.query}`);
    await waitLive(page);
    await page.waitForFunction(() => (window.__pulse?.frames ?? 0) > 2, null, { timeout: 10_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ROOT, 'docs', shot.name) });
    await context.close();
    console.log(`docs/${shot.name}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
