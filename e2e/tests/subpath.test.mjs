// Pulse under a path rather than at a domain's root: behind a real nginx that proxies
// `/pulse/` to the server (and strips the prefix), and as a static copy of dist/
// served from `/pulse/` on another origin. Asset URLs are relative to index.html and
// the page's own server keeps the prefix, so both must go live with nothing else set.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Nginx } from '../lib/nginx.mjs';
import { ROOT, PulseServer } from '../lib/server.mjs';
import { launchBrowser, openLive } from '../lib/browser.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('behind a reverse proxy at /pulse/: the page loads and goes live over WebSocket', async () => {
  const server = await PulseServer.start({ args: ['--interval', '500ms'] });
  const proxy = await Nginx.start({ upstream: server.address, mode: 'good', prefix: '/pulse/' });
  try {
    // The root of the proxy is not Pulse: a page that ignored the prefix would fail.
    assert.equal((await fetch(`${proxy.url}/api/v1/series`)).status, 404);
    const page = await openLive(browser, `${proxy.url}/pulse/`, 'ws');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    await proxy.stop();
    await server.stop();
  }
});

test('a static copy of dist/ served from /pulse/ with a config.json goes live', async () => {
  const siteDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-subpath-'));
  await fs.cp(path.join(ROOT, 'dist'), siteDir, { recursive: true });
  const site = await Nginx.start({ mode: 'static', root: siteDir, prefix: '/pulse/' });
  const server = await PulseServer.start({ args: ['--interval', '500ms', '--allow-origin', site.url] });
  try {
    await fs.writeFile(path.join(siteDir, 'config.json'), JSON.stringify({ server: server.url }));
    const page = await openLive(browser, `${site.url}/pulse/`, 'ws');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  } finally {
    await site.stop();
    await server.stop();
    await fs.rm(siteDir, { recursive: true, force: true });
  }
});
