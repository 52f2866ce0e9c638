// The built dist/ deployed as a static site on another origin (served by nginx),
// pointed at a Pulse server by `?server=` or by a `config.json` beside index.html.
// The server must allow that origin (CORS and the WebSocket/SSE Origin check), and
// must refuse origins it was not told about.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { Nginx } from '../lib/nginx.mjs';
import { ROOT, PulseServer } from '../lib/server.mjs';
import { launchBrowser, openLive, openPage, pulseState, waitLive } from '../lib/browser.mjs';

let browser;
let site;
let siteDir;
let server;

before(async () => {
  browser = await launchBrowser();
  siteDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-static-'));
  await fs.cp(path.join(ROOT, 'dist'), siteDir, { recursive: true });
  site = await Nginx.start({ mode: 'static', root: siteDir });
  server = await PulseServer.start({ args: ['--interval', '500ms', '--allow-origin', site.url] });
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await server?.stop();
  await fs.rm(siteDir, { recursive: true, force: true });
});

test('?server= points a static copy at the server, over WebSocket', async () => {
  const page = await openLive(browser, `${site.url}/?server=${encodeURIComponent(server.url)}`, 'ws');
  await page.context().close();
});

test('?server= with SSE and long-poll works across origins too (CORS)', async () => {
  for (const transport of ['sse', 'longpoll']) {
    const page = await openPage(browser, `${site.url}/?transport=${transport}&server=${encodeURIComponent(server.url)}`);
    await waitLive(page, transport);
    await page.context().close();
  }
});

test('config.json beside index.html names the server', async () => {
  await fs.writeFile(path.join(siteDir, 'config.json'), JSON.stringify({ server: server.url }));
  try {
    const page = await openPage(browser, `${site.url}/`);
    await waitLive(page, 'ws');
    await page.context().close();
  } finally {
    await fs.rm(path.join(siteDir, 'config.json'));
  }
});

test('a server that does not allow the origin refuses it, and the page says so', async () => {
  const strict = await PulseServer.start({ args: ['--interval', '500ms'] });
  try {
    const ws = await fetch(`${strict.url}/api/v1/sse`, { headers: { Origin: site.url } });
    assert.equal(ws.status, 403);
    assert.equal((await ws.json()).error, 'forbidden_origin');
    const page = await openPage(browser, `${site.url}/?server=${encodeURIComponent(strict.url)}`);
    await page.waitForFunction(() => (window.__pulse?.log ?? []).length > 2, null, { timeout: 20_000 });
    const badge = await page.getAttribute('[data-testid="connection-badge"]', 'data-state');
    assert.notEqual(badge, 'live');
    // The banner names the flag the server needs, and keeps it through every
    // WebSocket and SSE failure (which cannot read the refusal themselves).
    const banner = page.locator('[data-testid="status-banner"]');
    await page.waitForFunction((flag) => document.querySelector('[data-testid="status-banner"]')?.textContent.includes(flag),
      `--allow-origin ${site.url}`, { timeout: 20_000 });
    await page.waitForFunction(() => (window.__pulse?.log ?? []).some((line) => /sse|SSE/.test(line)), null, { timeout: 20_000 });
    assert.match(await banner.textContent(), /--allow-origin/);
    await page.context().close();
  } finally {
    await strict.stop();
  }
});

test('a page opened before its server is up loads the history once the server answers', async () => {
  // A free port: a server is started on it and stopped again.
  const probe = await PulseServer.start();
  const listen = probe.address;
  await probe.stop();
  const page = await openPage(browser, `${site.url}/?server=${encodeURIComponent(`http://${listen}`)}`);
  let late;
  try {
    await page.waitForFunction(() => (window.__pulse?.log ?? []).some((line) => line.startsWith('could not load history')),
      null, { timeout: 20_000 });
    late = await PulseServer.start({ listen, args: ['--interval', '200ms', '--allow-origin', site.url] });
    // Any transport: while no server answered, every transport failed to open, so
    // the engine may have fallen back as far as polling by the time this one is up
    // (it goes back to WebSocket later, on its own schedule). What matters here is
    // the history.
    await waitLive(page, null, 20_000);
    await page.waitForFunction(() => (window.__pulse?.log ?? []).some((line) => /^loaded \d+ samples of history/.test(line)),
      null, { timeout: 20_000 });
    const { log } = await pulseState(page);
    const loaded = log.find((line) => line.startsWith('loaded '));
    assert.ok(Number(/^loaded (\d+)/.exec(loaded)[1]) >= 1, loaded);
  } finally {
    await page.context().close();
    await late?.stop();
  }
});

test('a broken config.json stops the page with a banner naming the file, not a retry loop', async () => {
  await fs.writeFile(path.join(siteDir, 'config.json'), '{"server": "https://pulse.example"');
  try {
    const page = await openPage(browser, `${site.url}/`);
    const banner = page.locator('[data-testid="status-banner"]');
    await banner.waitFor({ timeout: 15_000 });
    assert.equal(await page.getAttribute('[data-testid="connection-badge"]', 'data-state'), 'stopped');
    const text = await banner.textContent();
    assert.match(text, /Pulse cannot start/);
    assert.match(text, /config\.json is not valid/);
    assert.equal(await page.locator('[data-testid="connection-badge"] .retry').count(), 0, 'nothing to retry');
    await page.context().close();
  } finally {
    await fs.rm(path.join(siteDir, 'config.json'));
  }
});
