// One connection per page, whatever the view shows (issue 14): a hub with two real
// agents, and a page that opens the fleet, opens a host from its row, goes Back,
// and opens the comparison. The page is never reloaded (client-side navigation,
// the URL keeps `?host=`/`?view=`), exactly one WebSocket is opened for its whole
// life (it changes its stream with `subscribe`), and the host's charts are live
// after the switch, their samples arriving without a hole or a duplicate.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { hostsUp } from '../lib/hosts.mjs';
import { startAgent, stopAgent } from '../lib/cli.mjs';
import { PulseServer } from '../lib/server.mjs';
import { canvasFingerprints, launchBrowser, pulseState, seqProblems, waitLive } from '../lib/browser.mjs';

const TOKEN = 'e2e-one-connection-token';
const INTERVAL_MS = 250;
let hub;
let browser;
const agents = [];

before(async () => {
  hub = await PulseServer.start({ args: ['--interval', `${INTERVAL_MS}ms`, '--name', 'the-hub', '--agent-token', TOKEN] });
  for (const name of ['alpha', 'beta']) agents.push(startAgent([hub], { name, interval: `${INTERVAL_MS}ms`, token: TOKEN }));
  await hostsUp(hub.url, ['alpha', 'beta', 'the-hub']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const child of agents) await stopAgent(child);
  await hub?.stop();
});

/** Waits until the page accepted `more` frames of the stream it shows now. */
async function waitShownFrames(page, host, more) {
  await page.waitForFunction(([want, n]) => window.__pulse?.showing === want && (window.__pulse.seqs?.length ?? 0) >= n,
    [host, more], { timeout: 15_000, polling: 50 });
}

test('fleet → host → Back → compare: no reload, one WebSocket for the page\'s whole life', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto(`${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="fleet-row"]:not([hidden])').length === 3,
    null, { timeout: 15_000 });
  await page.evaluate(() => { window.__sameDocument = true; });

  await page.click('[data-testid="fleet-row"][data-host="alpha"] a');
  await page.waitForFunction(() => document.querySelector('[data-testid="host-header"]')?.textContent.includes('alpha'),
    null, { timeout: 15_000 });
  assert.match(new URL(page.url()).search, /host=alpha/, 'the URL names the host, so the link is shareable');
  // Live after the switch: the host's samples arrive, in order, and its charts change.
  await waitShownFrames(page, 'alpha', 4);
  const before = await canvasFingerprints(page);
  await waitShownFrames(page, 'alpha', 12);
  const state = await pulseState(page);
  assert.deepEqual(seqProblems(state.seqs), [], 'alpha: no hole, no duplicate');
  assert.equal(state.duplicates, 0);
  const after = await canvasFingerprints(page);
  const redrawn = Object.keys(after).filter((key) => after[key].visible && before[key]?.sum !== after[key].sum);
  assert.ok(redrawn.length > 0, `the host's charts are drawn anew as samples arrive: ${JSON.stringify(after)}`);

  await page.goBack();
  await page.locator('[data-testid="fleet-table"]').waitFor({ timeout: 15_000 });
  assert.match(new URL(page.url()).search, /view=fleet/);
  await waitShownFrames(page, '@fleet', 2);

  await page.click('[data-testid="tab-compare"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="multiples"] canvas[data-testid^="chart-host-"]').length === 3,
    null, { timeout: 15_000 });
  assert.match(new URL(page.url()).search, /view=compare/);

  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was never reloaded');
  assert.equal(loads, 1, 'one page load');
  await waitLive(page, 'ws');
  assert.equal(sockets.length, 1, `one WebSocket for the page's whole life: ${JSON.stringify(sockets)}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('over SSE the one stream is reopened for the host, and the host is live', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const streams = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/v1/sse')) streams.push(new URL(request.url()).searchParams.get('host'));
  });
  await page.goto(`${hub.url}/?view=fleet&transport=sse`);
  await waitLive(page, 'sse');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="fleet-row"]:not([hidden])').length === 3,
    null, { timeout: 15_000 });
  await page.click('[data-testid="fleet-row"][data-host="beta"] a');
  await waitShownFrames(page, 'beta', 6);
  await waitLive(page, 'sse');
  assert.deepEqual(seqProblems((await pulseState(page)).seqs), []);
  assert.match(new URL(page.url()).search, /transport=sse/, 'the forced transport stays in the URL');
  assert.deepEqual(streams, ['@fleet', 'beta'], 'one stream for the summary, then one for the host');
  await context.close();
});
