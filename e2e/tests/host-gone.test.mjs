// Hosts that are gone, or oddly named, in headless Chromium against a real hub
// (its own --name "Büro Server 1") and real agent processes (issue 14's review):
// an unknown ?host= is a readable error that stops retrying (but for a look every
// 15 s, which finds a host whose agent connects later) and links to the fleet; a down host's page says "down · last seen …" in its header and badge; an
// admin (a loopback hub without users) removes a down host from its page or its
// fleet row, confirmed, and sees the hub's JSON error when it refuses; the hub's
// own name opens after a reload; "← All hosts" keeps the fleet's state; and the
// page logs no warning about an ignored integrity attribute.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { hostsUp } from '../lib/hosts.mjs';
import { startAgent, stopAgent } from '../lib/cli.mjs';
import { PulseServer } from '../lib/server.mjs';
import { launchBrowser, openPage, waitLive } from '../lib/browser.mjs';

const TOKEN = 'e2e-gone-token';
const HUB_NAME = 'Büro Server 1';
let hub;
let browser;
const agents = new Map();

function agent(name, tags = []) {
  const child = startAgent([hub], { name, interval: '250ms', token: TOKEN, tags });
  agents.set(name, child);
  return child;
}

async function stop(name) {
  await stopAgent(agents.get(name), 'SIGKILL');
}

/** The hub's listing of host `id` (undefined when it lists none). */
async function listed(id) {
  const { hosts } = await (await fetch(`${hub.url}/api/v1/hosts`)).json();
  return hosts.find((h) => h.id === id);
}

/** Starts agent `name`, waits until it is up, kills it and waits until it is listed down (bounded). */
async function downHost(name) {
  agent(name);
  await hostsUp(hub.url, [name]);
  await stop(name);
  for (let i = 0; i < 100 && (await listed(name))?.status !== 'down'; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal((await listed(name))?.status, 'down', `${name} is listed down`);
}

before(async () => {
  hub = await PulseServer.start({ args: ['--interval', '250ms', '--name', HUB_NAME, '--agent-token', TOKEN] });
  agent('web-1', ['role=web']);
  agent('db-1', ['role=db']);
  await hostsUp(hub.url, ['web-1', 'db-1']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const name of agents.keys()) await stop(name);
  await hub?.stop();
});

test('an unknown ?host= says so, stops retrying, and links to all hosts', async () => {
  const page = await openPage(browser, `${hub.url}/?host=does-not-exist`);
  await page.waitForFunction(() => document.querySelector('[data-testid="connection-badge"]')?.dataset.state === 'no-such-host',
    null, { timeout: 15_000 });
  const banner = page.locator('[data-testid="status-banner"]');
  assert.match(await banner.textContent(), /No host 'does-not-exist' on this hub/);
  assert.doesNotMatch(await banner.textContent(), /unreachable/i);
  // Nothing asks for the host again: three seconds of no stream request (the engine
  // retried within a second before, and fell through every transport).
  const asked = [];
  page.on('request', (request) => { if (/\/api\/v1\/(ws|sse|poll)/.test(request.url())) asked.push(request.url()); });
  await page.waitForTimeout(3_000);
  assert.deepEqual(asked, [], 'no retry');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="connection-badge"]').dataset.state), 'no-such-host');
  // The link goes to the fleet, in the page, and the connection comes back.
  await page.locator('[data-testid="all-hosts-link"]').click();
  await waitLive(page, 'ws');
  await page.locator('[data-testid="fleet-row"][data-host="web-1"]').waitFor({ timeout: 10_000 });
  await page.context().close();
});

test('a host whose agent connects after the page opened is found by the page\'s next look', async () => {
  const page = await openPage(browser, `${hub.url}/?host=late-box`);
  await page.waitForFunction(() => document.querySelector('[data-testid="connection-badge"]')?.dataset.state === 'no-such-host',
    null, { timeout: 15_000 });
  agent('late-box');
  await hostsUp(hub.url, ['late-box']);
  // The page looks again every 15 s: live within one look (and a margin).
  await waitLive(page, 'ws', 30_000);
  await page.waitForFunction(() => !document.querySelector('[data-testid="status-banner"]')?.textContent.includes('No host'),
    null, { timeout: 10_000 });
  await page.context().close();
  await stop('late-box');
});

test('the hub\'s own name (any text) opens from a shared link and after a reload', async () => {
  assert.ok(await listed(HUB_NAME), 'the hub lists its own host by its name');
  const page = await openPage(browser, `${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  const row = page.locator(`[data-testid="fleet-row"][data-host="${HUB_NAME}"] .fleet-name`);
  await row.click();
  await page.waitForFunction((name) => document.querySelector('[data-testid="host-header"]')?.textContent.includes(name),
    HUB_NAME, { timeout: 10_000 });
  assert.equal(new URL(page.url()).searchParams.get('host'), HUB_NAME, 'the link encodes the id so it round-trips');
  await page.reload();
  await waitLive(page, 'ws');
  await page.waitForFunction((name) => document.querySelector('[data-testid="host-header"]')?.textContent.includes(name),
    HUB_NAME, { timeout: 10_000 });
  await page.goto(`${hub.url}/?host=B%C3%BCro+Server+1`);
  await waitLive(page, 'ws');
  await page.waitForFunction((name) => document.querySelector('[data-testid="host-header"]')?.textContent.includes(name),
    HUB_NAME, { timeout: 10_000 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('"← All hosts" goes back to the fleet as it was left (sort, filter, grouping)', async () => {
  const page = await openPage(browser, `${hub.url}/?view=fleet&sort=name&desc=1&filter=role%3Dweb&group=role`);
  await waitLive(page, 'ws');
  await page.locator('[data-testid="fleet-row"][data-host="web-1"] .fleet-name').click();
  await page.locator('[data-testid="host-header"]').waitFor({ timeout: 10_000 });
  assert.equal(new URL(page.url()).searchParams.get('filter'), 'role=web', 'the host page keeps the fleet\'s state');
  await page.locator('[data-testid="fleet-link"]').click();
  await page.locator('[data-testid="fleet-row"][data-host="web-1"]').waitFor({ timeout: 10_000 });
  const params = new URL(page.url()).searchParams;
  assert.deepEqual(['view', 'sort', 'desc', 'filter', 'group'].map((k) => params.get(k)), ['fleet', 'name', '1', 'role=web', 'role']);
  assert.equal(await page.locator('[data-testid="fleet-filter"]').inputValue(), 'role=web');
  assert.equal(await page.locator('[data-testid="fleet-row"][data-host="db-1"]:not([hidden])').count(), 0, 'still filtered');
  await page.context().close();
});

test('a down host\'s page says so, and an admin removes it from there', async () => {
  await downHost('old-1');
  const page = await openPage(browser, `${hub.url}/?host=old-1`);
  const header = page.locator('[data-testid="host-header"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="host-header"]')?.dataset.status === 'down',
    null, { timeout: 15_000 });
  assert.match(await page.locator('[data-testid="uptime"]').getAttribute('aria-label'), /^down · last seen (just now|\d+ s ago)$/);
  assert.ok(await header.evaluate((el) => el.classList.contains('faded')));
  const badge = page.locator('[data-testid="connection-badge"]');
  assert.equal(await badge.getAttribute('data-host-status'), 'down');
  assert.match(await badge.textContent(), /Host down.*last seen/);
  assert.doesNotMatch(await badge.textContent(), /Live/);
  assert.doesNotMatch(await badge.textContent(), /data .* ago/);
  // Remove, confirmed: the page loads again and says the host is gone.
  const asked = [];
  page.once('dialog', (dialog) => { asked.push(dialog.message()); dialog.accept(); });
  await header.locator('[data-testid="remove-host"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="connection-badge"]')?.dataset.state === 'no-such-host',
    null, { timeout: 15_000 });
  assert.match(asked[0], /Remove host old-1/);
  assert.equal(await listed('old-1'), undefined, 'the hub forgot it');
  await page.context().close();
});

test('a down fleet row offers Remove to an admin; a refusal shows the hub\'s error', async () => {
  await downHost('old-2');
  const page = await openPage(browser, `${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  const row = page.locator('[data-testid="fleet-row"][data-host="old-2"]');
  await row.waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="fleet-row"][data-host="old-2"]')?.dataset.status === 'down',
    null, { timeout: 10_000 });
  assert.ok(await row.locator('[data-testid="remove-host"]').isVisible(), 'a down row has Remove');
  assert.ok(!(await page.locator('[data-testid="fleet-row"][data-host="web-1"] [data-testid="remove-host"]').isVisible()),
    'an up row has none');
  // Cancelled: nothing happens.
  page.once('dialog', (dialog) => dialog.dismiss());
  await row.locator('[data-testid="remove-host"]').click();
  assert.ok(await listed('old-2'), 'a cancelled removal removes nothing');
  // Refused: the hub's own answer for a connected host (asked for real), given to
  // the page's DELETE of old-2, is what the page shows.
  const refusal = await fetch(`${hub.url}/api/v1/hosts/web-1`, { method: 'DELETE' });
  assert.equal(refusal.status, 409);
  const body = await refusal.text();
  await page.route('**/api/v1/hosts/old-2', (route) => route.fulfill({ status: 409, contentType: 'application/json', body }));
  page.once('dialog', (dialog) => dialog.accept());
  await row.locator('[data-testid="remove-host"]').click();
  const error = page.locator('[data-testid="remove-error"]');
  await error.waitFor({ timeout: 5_000 });
  assert.match(await error.textContent(), new RegExp(`could not remove old-2: the server answered 409: ${JSON.parse(body).detail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await page.unroute('**/api/v1/hosts/old-2');
  // Accepted: the hub forgets it, and the row goes.
  page.once('dialog', (dialog) => dialog.accept());
  await row.locator('[data-testid="remove-host"]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="fleet-row"][data-host="old-2"]:not([hidden])'),
    null, { timeout: 10_000 });
  assert.equal(await listed('old-2'), undefined);
  assert.equal(await error.count(), 0, 'the refusal is gone once a removal succeeds');
  await page.context().close();
});

test('no console warning about an ignored integrity attribute, and the wasm is checked', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const messages = [];
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
  await page.goto(`${hub.url}/?host=web-1`);
  await waitLive(page, 'ws');
  assert.deepEqual(messages.filter((m) => /integrity|preload/i.test(m)), []);
  const html = await (await fetch(`${hub.url}/`)).text();
  assert.match(html, /fetch\('\.\/[^']+_bg\.wasm', \{ integrity: 'sha384-[^']+' \}\)/, 'the wasm fetch carries its hash');
  const glue = /<link[^>]*modulepreload[^>]*>/.exec(html)?.[0] ?? '';
  assert.match(glue, /integrity=/, 'the glue keeps its own hash');
  await context.close();
});
