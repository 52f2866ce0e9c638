// A fleet page open while its hub is killed and restarted on the same store (issue
// 14's review): the hub makes its summary anew (a new epoch, so the page meets a
// gap), and the page drops the summary's rings rather than drawing a break across
// every host: the sparklines ask the hub's history for each host's minute again,
// which holds what the agent sampled while the hub was away (it replays it), and
// the rows go live again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startAgent, stopAgent } from '../lib/cli.mjs';
import { hostsUp } from '../lib/hosts.mjs';
import { PulseServer } from '../lib/server.mjs';
import { launchBrowser, openPage, waitLive } from '../lib/browser.mjs';

const TOKEN = 'e2e-fleet-restart-token';
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-fleet-restart-'));
const args = ['--interval', '250ms', '--name', 'the-hub', '--agent-token', TOKEN, '--data', data];
let hub;
let agent;
let browser;

before(async () => {
  hub = await PulseServer.start({ args });
  agent = startAgent([hub], { name: 'alpha', interval: '250ms', token: TOKEN });
  await hostsUp(hub.url, ['alpha', 'the-hub']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopAgent(agent);
  await hub?.stop();
  fs.rmSync(data, { recursive: true, force: true });
});

/** The page's sparkline seed requests for `host` so far. */
async function seedsOf(page, host) {
  return page.evaluate((h) => (window.__pulse?.sparkSeeds ?? []).filter((s) => s.host === h).length, host);
}

test('after a hub restart the fleet page asks the store for each host\'s minute again and goes live', async () => {
  const page = await openPage(browser, `${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  await page.waitForFunction(() => (window.__pulse?.sparkSeeds ?? []).some((s) => s.host === 'alpha'), null, { timeout: 15_000 });
  const before = await seedsOf(page, 'alpha');
  const address = hub.address;
  await hub.stop('SIGKILL');
  hub = await PulseServer.start({ listen: address, args });
  await page.waitForFunction(() => (window.__pulse?.gaps ?? 0) >= 1, null, { timeout: 20_000 });
  await waitLive(page, 'ws', 20_000);
  await page.waitForFunction(([h, n]) => (window.__pulse?.sparkSeeds ?? []).filter((s) => s.host === h).length > n,
    ['alpha', before], { timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="fleet-row"][data-host="alpha"]')?.dataset.status === 'up',
    null, { timeout: 20_000 });
  // The kill resets the page's open requests; nothing else went wrong.
  assert.deepEqual(page.errors.filter((e) => !/net::ERR_CONNECTION_(RESET|REFUSED)/.test(e)), []);
  await page.context().close();
});
