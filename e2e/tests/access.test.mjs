// Who may see what, in a real browser against a real hub with users: the sign-in
// page, roles (a viewer never reaches the admin screens), share links (one host,
// cut off when revoked), and the static copy on another origin signing in and
// going live on every transport with the session's secret as a bearer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { Nginx } from '../lib/nginx.mjs';
import { ROOT, PulseServer } from '../lib/server.mjs';
import { cli } from '../lib/cli.mjs';
import { launchBrowser, openPage, waitLive } from '../lib/browser.mjs';

const ADMIN = { user: 'ada', password: 'correct-horse-battery' };
const VIEWER = { user: 'vic', password: 'staple-viewer-pass' };

let browser;
let data;
let server;
let site;
let siteDir;

before(async () => {
  browser = await launchBrowser();
  data = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-access-'));
  await cli(['user', 'add', ADMIN.user, '--role', 'admin', '--data', data], `${ADMIN.password}\n`);
  await cli(['user', 'add', VIEWER.user, '--role', 'viewer', '--data', data], `${VIEWER.password}\n`);
  siteDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-static-'));
  await fs.cp(path.join(ROOT, 'dist'), siteDir, { recursive: true });
  site = await Nginx.start({ mode: 'static', root: siteDir });
  server = await PulseServer.start({ args: ['--data', data, '--interval', '500ms', '--allow-origin', site.url] });
});

after(async () => {
  await browser?.close();
  await site?.stop();
  await server?.stop();
  if (data) await fs.rm(data, { recursive: true, force: true });
  if (siteDir) await fs.rm(siteDir, { recursive: true, force: true });
});

/** Fills the sign-in form and submits it. */
async function signIn(page, { user, password }) {
  await page.waitForSelector('[data-testid="sign-in"]', { timeout: 15_000 });
  await page.fill('[data-testid="sign-in-user"]', user);
  await page.fill('[data-testid="sign-in-password"]', password);
  await page.click('[data-testid="sign-in-submit"]');
}

/** The page's errors, less the 401s a signed-out page is expected to meet. */
function unexpectedErrors(page) {
  return page.errors.filter((e) => !/status of 401|status of 403/.test(e));
}

test('a hub with users shows the sign-in page; a wrong password says so; signing in shows the fleet, live', async () => {
  const page = await openPage(browser, `${server.url}/?view=fleet`);
  await signIn(page, { user: ADMIN.user, password: 'not-the-password' });
  await page.waitForFunction(() => document.querySelector('[data-testid="sign-in-error"]')?.textContent.length > 0);
  assert.match(await page.textContent('[data-testid="sign-in-error"]'), /password|user/i);
  assert.equal(await page.$('[data-testid="fleet"]'), null, 'nothing of the fleet before signing in');

  await signIn(page, ADMIN);
  await page.waitForSelector('[data-testid="fleet-row"]', { timeout: 15_000 });
  await waitLive(page, 'ws');
  assert.equal(await page.textContent('[data-testid="account-user"]'), ADMIN.user);
  assert.equal(await page.textContent('[data-testid="account-role"]'), 'admin');
  const stored = await page.evaluate(() => ({ ...sessionStorage }));
  assert.deepEqual(stored, {}, 'on its own origin the session lives in the HttpOnly cookie only');

  // Reloading keeps the session (the cookie); signing out ends it.
  await page.reload();
  await waitLive(page, 'ws');
  await page.click('[data-testid="account"] summary');
  await page.click('[data-testid="sign-out"]');
  await page.waitForSelector('[data-testid="sign-in"]');
  await page.reload();
  await page.waitForSelector('[data-testid="sign-in"]');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

test('a viewer sees the dashboard but never the admin screens', async () => {
  const page = await openPage(browser, `${server.url}/`);
  await signIn(page, VIEWER);
  await waitLive(page, 'ws');
  assert.equal(await page.textContent('[data-testid="account-role"]'), 'viewer');
  await page.click('[data-testid="account"] summary');
  assert.equal(await page.$('[data-testid="admin-link"]'), null, 'no way to the admin screens');

  await page.goto(`${server.url}/?view=admin`);
  await page.waitForSelector('[data-testid="admin-refused"]', { timeout: 15_000 });
  assert.equal(await page.$('[data-testid="admin"]'), null);
  // And the hub refuses the admin API to a viewer's session anyway.
  const status = await page.evaluate(async () => (await fetch('/api/v1/users')).status);
  assert.equal(status, 403);
  await page.context().close();
});

test('a share link shows one host without an account, and an open page is cut off when it is revoked', async () => {
  // The admin shares the host page on view from the account menu.
  const admin = await openPage(browser, `${server.url}/`);
  await signIn(admin, ADMIN);
  await waitLive(admin, 'ws');
  await admin.click('[data-testid="account"] summary');
  await admin.click('[data-testid="share-this"]');
  await admin.waitForSelector('[data-testid="share"] select[data-testid="share-host"] option:nth-child(2)', { state: 'attached', timeout: 15_000 });
  const hostId = await admin.$eval('[data-testid="share-host"]', (s) => s.value);
  assert.notEqual(hostId, '@fleet', 'the host on view is chosen');
  await admin.fill('[data-testid="share-label"]', 'e2e');
  await admin.click('[data-testid="share-create"]');
  await admin.waitForSelector('[data-testid="secret-text"]');
  const link = await admin.textContent('[data-testid="secret-text"]');
  assert.match(link, new RegExp(`\\?host=${hostId}#share=`), link);
  await admin.waitForSelector('[data-testid="share-row"]');

  // Another browser profile: no cookie, only the link.
  const shared = await openPage(browser, link);
  await waitLive(shared, 'ws');
  await shared.waitForSelector('[data-testid="share-banner"]');
  assert.match(await shared.textContent('[data-testid="share-banner"]'), /read-only.*expires/i);
  assert.ok(!shared.url().includes('share='), `the secret left the address bar: ${shared.url()}`);
  assert.equal(await shared.$('[data-testid="fleet-link"]'), null, 'no way to the other hosts');
  assert.equal(await shared.$('[data-testid="account"]'), null, 'no account to show');
  // The link names one host: the host list names only it, and the fleet's stream
  // and the admin API are refused.
  const seen = await shared.evaluate(async () => {
    // Kept under the server it belongs to.
    const secret = sessionStorage.getItem(`pulse.share@${location.origin}`);
    const get = (p) => fetch(p, { headers: { authorization: `Bearer ${secret}` } });
    const hosts = await (await get('/api/v1/hosts')).json();
    return {
      hosts: hosts.hosts.map((h) => h.id),
      statuses: [(await get('/api/v1/poll?host=@fleet&wait=0')).status, (await get('/api/v1/users')).status],
    };
  });
  assert.deepEqual(seen.hosts, [hostId]);
  assert.ok(seen.statuses.every((s) => s === 401 || s === 403), `refused: ${seen.statuses}`);

  // The link's address edited to name another host still shows the link's, and says so.
  const edited = await openPage(browser, link.replace(`?host=${hostId}`, '?host=someone-else'));
  await waitLive(edited, 'ws');
  await edited.waitForFunction((id) => new URL(location.href).searchParams.get('host') === id, hostId, { timeout: 10_000 });
  await edited.context().close();

  // Revoked: the open page is cut off and says so.
  await admin.click('[data-testid="share-delete"]');
  await shared.waitForSelector('[data-testid="share-revoked"]', { timeout: 15_000 });
  const again = await openPage(browser, link);
  await again.waitForSelector('[data-testid="share-revoked"]', { timeout: 15_000 });
  for (const page of [admin, shared, again]) await page.context().close();
});

test('the fleet\'s share link draws the compare view from the store', async () => {
  const signedIn = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: ADMIN.user, password: ADMIN.password }),
  });
  assert.equal(signedIn.status, 200);
  const admin = (await signedIn.json()).token;
  const made = await fetch(`${server.url}/api/v1/shares`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ host: '@fleet', expires_in: 600 }),
  });
  assert.equal(made.status, 201);
  const { secret } = await made.json();
  const [hostId] = (await (await fetch(`${server.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${admin}` } })).json()).hosts.map((h) => h.id);
  // An hour is longer than the page has watched: each host's chart is a picture of
  // the store, fetched with the link's secret.
  const page = await openPage(browser, `${server.url}/?view=compare&range=1h#share=${secret}`);
  const chart = `compare-${hostId}`;
  await page.waitForFunction((c) => (window.__pulse?.history ?? []).some((p) => p.chart === c && p.outcome === 'shown'), chart, { timeout: 20_000 });
  assert.equal(await page.locator('[data-testid^="chart-error"]').count(), 0, 'no chart says it could not load');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

for (const transport of ['ws', 'sse', 'longpoll', 'poll']) {
  test(`the static copy on another origin signs in and goes live over ${transport}, with the secret as a bearer`, async () => {
    const url = `${site.url}/?transport=${transport}&server=${encodeURIComponent(server.url)}`;
    const page = await openPage(browser, url);
    await signIn(page, ADMIN);
    await waitLive(page, transport, 20_000);
    const secret = await page.evaluate((hub) => sessionStorage.getItem(`pulse.session@${hub}`), server.url);
    assert.ok(secret, 'the page keeps the session secret for this tab');
    assert.ok(!page.url().includes(secret), 'never in the address');
    // A reload in the same tab stays signed in.
    await page.reload();
    await waitLive(page, transport, 20_000);
    assert.deepEqual(unexpectedErrors(page), []);
    await page.context().close();
  });
}

test('a secret is handed only to the server it belongs to: a link naming another ?server= gets none', async () => {
  // A stranger's server that records the credential of every request it is sent.
  const seen = [];
  let first;
  const arrived = new Promise((resolve) => { first = resolve; });
  const stranger = http.createServer((req, res) => {
    seen.push(req.headers.authorization ?? null);
    first();
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, last-event-id');
    if (req.method === 'OPTIONS') { res.writeHead(204); return res.end(); }
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"unauthorized"}');
  });
  await new Promise((resolve) => stranger.listen(0, '127.0.0.1', resolve));
  const strangerUrl = `http://127.0.0.1:${stranger.address().port}`;
  try {
    // Signed in on the static copy, pointed at the hub: the tab holds the session secret.
    const page = await openPage(browser, `${site.url}/?server=${encodeURIComponent(server.url)}`);
    await signIn(page, ADMIN);
    await waitLive(page, 'ws', 20_000);
    // Any site may send the tab to the same copy naming another server.
    await page.goto(`${site.url}/?server=${encodeURIComponent(strangerUrl)}`);
    await arrived;
    await page.waitForSelector('[data-testid="sign-in"]', { timeout: 15_000 });
    assert.ok(seen.length > 0);
    assert.deepEqual(seen.filter((a) => a !== null && a !== undefined), [], 'no credential reached the other server');
    // Back at its own hub, the tab is still signed in.
    await page.goto(`${site.url}/?server=${encodeURIComponent(server.url)}`);
    await waitLive(page, 'ws', 20_000);
    await page.context().close();
  } finally {
    stranger.close();
  }
});

test('too many wrong passwords: the page says how long to wait', async () => {
  // A hub of its own: the limit per address would hold the other tests back.
  const own = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-limit-'));
  await cli(['user', 'add', ADMIN.user, '--role', 'admin', '--data', own], `${ADMIN.password}\n`);
  const hub = await PulseServer.start({ args: ['--data', own, '--interval', '500ms'] });
  try {
    const page = await openPage(browser, `${hub.url}/`);
    await signIn(page, { user: 'mallory', password: 'guess-number-one' });
    await page.waitForFunction(
      () => {
        const error = document.querySelector('[data-testid="sign-in-error"]')?.textContent ?? '';
        if (/Too many attempts/.test(error)) return true;
        const button = document.querySelector('[data-testid="sign-in-submit"]');
        if (!button.disabled) button.click();
        return false;
      },
      null,
      { timeout: 30_000, polling: 100 },
    );
    assert.match(await page.textContent('[data-testid="sign-in-error"]'), /^Too many attempts, try again in \d+ s\.$/);
    assert.equal(await page.$('[data-testid="connection-badge"]'), null, 'still signed out');
    await page.context().close();
  } finally {
    await hub.stop();
    await fs.rm(own, { recursive: true, force: true });
  }
});

test('a public read-only hub shows its data to anyone, and an admin may still sign in', async () => {
  const own = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-public-'));
  await cli(['user', 'add', ADMIN.user, '--role', 'admin', '--data', own], `${ADMIN.password}\n`);
  const hub = await PulseServer.start({ args: ['--data', own, '--interval', '500ms', '--public-read-only'] });
  try {
    const page = await openPage(browser, `${hub.url}/`);
    await waitLive(page, 'ws');
    assert.equal(await page.textContent('[data-testid="account-role"]'), 'viewer');
    await page.click('[data-testid="account"] summary');
    await page.click('[data-testid="sign-in-link"]');
    await signIn(page, ADMIN);
    await waitLive(page, 'ws');
    assert.equal(await page.textContent('[data-testid="account-user"]'), ADMIN.user);
    assert.equal(await page.textContent('[data-testid="account-role"]'), 'admin');
    await page.context().close();
  } finally {
    await hub.stop();
    await fs.rm(own, { recursive: true, force: true });
  }
});

test('a share link to the fleet shows the fleet overview and nothing else', async () => {
  const admin = await openPage(browser, `${server.url}/?view=admin`);
  await signIn(admin, ADMIN);
  await admin.waitForSelector('[data-testid="share-host"]');
  await admin.selectOption('[data-testid="share-host"]', '@fleet');
  await admin.click('[data-testid="share-create"]');
  await admin.waitForSelector('[data-testid="secret-text"]');
  const link = await admin.textContent('[data-testid="secret-text"]');
  assert.ok(!link.includes('?'), `the fleet's link is the page itself: ${link}`);
  const shared = await openPage(browser, link);
  await shared.waitForSelector('[data-testid="fleet-row"]', { timeout: 15_000 });
  await waitLive(shared, 'ws');
  await shared.waitForSelector('[data-testid="share-banner"]');
  // A host's name is no way out of the fleet: the shared view ignores ?host=.
  await shared.goto(`${new URL(link).origin}/?host=elsewhere`);
  await shared.waitForSelector('[data-testid="fleet-row"]', { timeout: 15_000 });
  for (const page of [admin, shared]) await page.context().close();
});
