// Sign-in shared by the fleet (`--redis`): three hubs, each with its own data
// directory, share one real redis-server behind a real nginx load balancer, with a
// real agent and the built site in headless Chromium through the balancer. The
// admin exists on one hub only (its command line); the browser signs in through
// nginx, its hub is killed, and the page moves to another hub and stays signed in
// (no sign-in form, the host live); a share link revoked on one hub is refused on
// another.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { alive, hubOfPage, startBalanced, stopBalanced } from '../lib/balanced.mjs';
import { cli } from '../lib/cli.mjs';
import { launchBrowser, openPage, pulseState, waitFrames, waitLive } from '../lib/browser.mjs';

const TOKEN = 'shared-access-token';
const INTERVAL_MS = 250;
const ADMIN = { user: 'ada', password: 'correct-horse-battery' };

let browser;
let data;
let fleet = {};
let hubs = [];

before(async () => {
  browser = await launchBrowser();
  data = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-shared-'));
  await cli(['user', 'add', ADMIN.user, '--role', 'admin', '--data', data], `${ADMIN.password}\n`);
  // The first hub holds the admin and puts it in Redis before it serves; the other
  // two start with empty data directories of their own.
  fleet = await startBalanced({ token: TOKEN, intervalMs: INTERVAL_MS, firstArgs: ['--data', data] });
  ({ hubs } = fleet);
});

after(async () => {
  await stopBalanced({ browser, ...fleet });
  if (data) await fs.rm(data, { recursive: true, force: true });
});

/** Signs in on `hub` directly (no Origin: the answer carries the secret). */
async function signInOn(hub) {
  const response = await fetch(`${hub.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ADMIN.user, password: ADMIN.password }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text).token;
}

/** `fetch` on `hub` with `bearer`. */
function call(hub, method, p, bearer, body) {
  const headers = { authorization: `Bearer ${bearer}` };
  if (body) headers['content-type'] = 'application/json';
  return fetch(`${hub.url}${p}`, { method, headers, body: body && JSON.stringify(body) });
}

/** Polls (every 100 ms, at most 15 s) until `check` resolves true. */
async function eventually(what, check) {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never: ${what}`);
}

test('hubs without users of their own are never open: the admin on one hub is every hub\'s', async () => {
  for (const hub of hubs.slice(1)) {
    const response = await fetch(`${hub.url}/api/v1/hosts`);
    assert.equal(response.status, 401, `${hub.url}: ${await response.text()}`);
  }
  const session = await signInOn(hubs[0]);
  for (const hub of hubs) assert.equal((await call(hub, 'GET', '/api/v1/session', session)).status, 200);
});

test('a page signed in through the balancer stays signed in when its hub dies', async () => {
  const page = await openPage(browser, `${fleet.proxy.url}/?host=web`);
  await page.waitForSelector('[data-testid="sign-in"]', { timeout: 15_000 });
  await page.fill('[data-testid="sign-in-user"]', ADMIN.user);
  await page.fill('[data-testid="sign-in-password"]', ADMIN.password);
  await page.click('[data-testid="sign-in-submit"]');
  await waitLive(page, 'ws', 20_000);
  await waitFrames(page, (await pulseState(page)).frames + 2);
  assert.equal(await page.textContent('[data-testid="account-user"]'), ADMIN.user);

  const pagesHub = await hubOfPage(hubs);
  await pagesHub.stop('SIGKILL');
  await waitFrames(page, (await pulseState(page)).frames + 20, 30_000);
  await waitLive(page, 'ws', 20_000);
  assert.equal(await page.$('[data-testid="sign-in"]'), null, 'no sign-in form after the move');
  assert.equal(await page.textContent('[data-testid="account-user"]'), ADMIN.user);
  // A reload lands on a hub that never saw the sign-in, and stays signed in too.
  await page.reload();
  await waitLive(page, 'ws', 20_000);
  assert.equal(await page.$('[data-testid="sign-in"]'), null, 'no sign-in form after a reload');
  assert.deepEqual(page.errors.filter((e) => !/status of 401/.test(e)), []);
  await page.context().close();
});

test('a share link made and revoked on one hub is refused on another', async () => {
  const [one, other] = hubs.filter(alive);
  const admin = await signInOn(one);
  const made = await call(one, 'POST', '/api/v1/shares', admin, { host: 'web', expires_in: 600 });
  const text = await made.text();
  assert.equal(made.status, 201, text);
  const link = JSON.parse(text);
  assert.equal((await call(other, 'GET', '/api/v1/hosts', link.secret)).status, 200, 'the link opens on the other hub');
  const revoked = await call(one, 'DELETE', `/api/v1/shares/${link.id}`, admin);
  assert.ok(revoked.ok, `revoked: ${revoked.status}`);
  await eventually('the other hub refuses the revoked link', async () =>
    (await call(other, 'GET', '/api/v1/hosts', link.secret)).status === 401);
});
