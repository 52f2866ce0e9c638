// A hub with three real agent processes (distinct --name and tags) in headless
// Chromium: the page opens on the fleet overview and lists every host live;
// filtering, sorting and grouping work; the comparison draws every host; a host's
// link opens its dashboard; a killed agent's row turns `down` within three
// intervals; and an agent whose link was cut replays what it sampled meanwhile,
// so the host's page sees every sample once, in order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { hostsUp } from '../lib/hosts.mjs';
import { startAgent, stopAgent } from '../lib/cli.mjs';
import { PulseServer } from '../lib/server.mjs';
import { ChaosProxy } from '../lib/tcp-proxy.mjs';
import { launchBrowser, openPage, pulseState, seqProblems, waitFrames, waitLive } from '../lib/browser.mjs';

const TOKEN = 'e2e-fleet-token';
const INTERVAL_MS = 250;
let hub;
let proxy;
let browser;
const agents = new Map();

function agent(name, via, tags) {
  agents.set(name, startAgent([via], { name, interval: `${INTERVAL_MS}ms`, token: TOKEN, tags }));
}

/** The overview's host lines as the page shows them (id, status, and the numbers its
 * canvas draws for it, read from the canvas's label), top to bottom. */
async function rows(page) {
  return page.evaluate(() => {
    const label = document.querySelector('[data-testid="fleet-numbers"]')?.getAttribute('aria-label') ?? '';
    const numbers = new Map(label.split('; ').map((part) => [part.split(': ')[0], part.split(': ').slice(1).join(': ')]));
    return [...document.querySelectorAll('[data-testid="fleet-row"]:not([hidden])')]
      .map((row) => ({
        id: row.dataset.host,
        status: row.dataset.status,
        cpu: numbers.get(row.querySelector('.fleet-name')?.textContent ?? '') ?? '',
        top: row.getBoundingClientRect().top,
      }))
      .sort((a, b) => a.top - b.top);
  });
}

async function waitRows(page, what, predicate, timeout = 15_000) {
  const started = Date.now();
  let last = [];
  while (Date.now() - started < timeout) {
    last = await rows(page);
    if (predicate(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`rows never ${what}: ${JSON.stringify(last)}`);
}

before(async () => {
  hub = await PulseServer.start({ args: ['--interval', `${INTERVAL_MS}ms`, '--name', 'the-hub', '--agent-token', TOKEN] });
  const hubPort = Number(new URL(hub.url).port);
  proxy = await ChaosProxy.start({ upstreamPort: hubPort });
  agent('alpha', hub, ['env=prod', 'role=web']);
  agent('beta', proxy, ['env=prod', 'role=db']);
  agent('gamma', hub, ['env=staging']);
  await hostsUp(hub.url, ['alpha', 'beta', 'gamma', 'the-hub']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const child of agents.values()) await stopAgent(child);
  await proxy?.stop();
  await hub?.stop();
});

/** Waits (polling every 200 ms, at most 30 s) until the hub's history holds `seconds` of `host`'s CPU. */
async function historyHolds(host, seconds) {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const from = Date.now() - 60_000;
    const answer = await (await fetch(`${hub.url}/api/v1/history?host=${host}&series=cpu.total&from=${from}`)).json();
    if (answer.ts?.length && answer.ts.at(-1) - answer.ts[0] >= seconds * 1000) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the hub never held ${seconds} s of ${host}'s CPU`);
}

test('the first page on a hub nobody watched draws its sparklines\' first seconds from the hub\'s history', async () => {
  // No page has watched the fleet summary, so the hub has none of it: the page asks
  // for the CPU of the hosts on screen instead, once each.
  await historyHolds('alpha', 6);
  const page = await openPage(browser, `${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  await page.waitForFunction(() => (window.__pulse?.sparkSeeds ?? []).length >= 4, null, { timeout: 15_000 });
  const seeds = await page.evaluate(() => window.__pulse.sparkSeeds);
  assert.deepEqual(seeds.map((s) => s.host).sort(), ['alpha', 'beta', 'gamma', 'the-hub'], 'each host asked once');
  const alpha = seeds.find((s) => s.host === 'alpha');
  assert.ok(alpha.points >= 5, `alpha's seconds before the page: ${JSON.stringify(seeds)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the page opens on the overview and lists every host live', async () => {
  const page = await openPage(browser, `${hub.url}/`);
  await waitLive(page, 'ws');
  const live = await waitRows(page, 'all up with a CPU figure', (r) => r.length === 4
    && r.every((row) => row.status === 'up' && /%/.test(row.cpu)));
  assert.deepEqual(live.map((r) => r.id), ['alpha', 'beta', 'gamma', 'the-hub'], 'sorted by name');
  assert.match(await page.locator('[data-testid="fleet-counts"]').textContent(), /4 hosts · 4 up/);
  assert.match(new URL(page.url()).search, /view=fleet/, 'the view is in the URL');
  // One connection for the whole page: the summary, not a stream per host.
  const state = await pulseState(page);
  assert.deepEqual(seqProblems(state.seqs), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the overview is live over SSE and long-poll too (the summary is a stream like any host\'s)', async () => {
  for (const transport of ['sse', 'longpoll']) {
    const page = await openPage(browser, `${hub.url}/?view=fleet&transport=${transport}`);
    await waitLive(page, transport);
    await waitRows(page, `all up over ${transport}`, (r) => r.length === 4 && r.every((row) => row.status === 'up' && /%/.test(row.cpu)));
    assert.deepEqual(seqProblems((await pulseState(page)).seqs), []);
    await page.context().close();
  }
});

test('filtering, sorting and grouping', async () => {
  const page = await openPage(browser, `${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  await waitRows(page, 'listed', (r) => r.length === 4);
  await page.fill('[data-testid="fleet-filter"]', 'env=prod');
  await waitRows(page, 'filtered to prod', (r) => r.map((x) => x.id).join() === 'alpha,beta');
  await page.fill('[data-testid="fleet-filter"]', 'gam');
  await waitRows(page, 'filtered by name', (r) => r.map((x) => x.id).join() === 'gamma');
  await page.fill('[data-testid="fleet-filter"]', '');
  await page.click('[data-testid="sort-name"]');
  await waitRows(page, 'sorted Z to A', (r) => r.map((x) => x.id).join() === 'the-hub,gamma,beta,alpha');
  assert.match(new URL(page.url()).search, /sort=name&desc=1/);
  await page.selectOption('[data-testid="fleet-group"]', 'env');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="fleet-heading"]:not([hidden])').length === 3,
    null, { timeout: 5_000 });
  const headings = await page.$$eval('[data-testid="fleet-heading"]:not([hidden])', (groups) => groups
    .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
    .map((g) => g.querySelector('.fleet-name').textContent));
  assert.deepEqual(headings, ['prod', 'staging', '(untagged)']);
  await page.context().close();
});

test('one metric across every host: a chart per host, drawn', async () => {
  const page = await openPage(browser, `${hub.url}/?view=compare&metric=mem`);
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 2);
  const charts = page.locator('[data-testid="multiples"] canvas[data-testid^="chart-host-"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="multiples"] canvas[data-testid^="chart-host-"]').length === 4,
    null, { timeout: 10_000 });
  assert.equal(await charts.count(), 4);
  // Every chart has a value to draw (its description names it, as a screen reader hears it).
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="multiples"] canvas[data-testid^="chart-host-"]')]
    .every((canvas) => /Memory \d/.test(canvas.getAttribute('aria-label') ?? '')), null, { timeout: 10_000 });
  const painted = await page.$$eval('[data-testid="multiples"] canvas[data-testid^="chart-host-"]',
    (canvases) => canvases.map((c) => c.width > 0 && c.height > 0));
  assert.deepEqual(painted, [true, true, true, true]);
  await page.click('[data-testid="mode-top"]');
  await page.locator('[data-testid="top-n"] canvas[data-testid="chart-top"]').waitFor({ timeout: 10_000 });
  const names = await page.$$eval('[data-testid="top-n"] .legend-label', (l) => l.map((x) => x.textContent));
  assert.deepEqual([...names].sort(), ['alpha', 'beta', 'gamma', 'the-hub']);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a host\'s link opens its dashboard', async () => {
  const page = await openPage(browser, `${hub.url}/?view=fleet&theme=dark`);
  await waitLive(page, 'ws');
  await waitRows(page, 'listed', (r) => r.length === 4);
  await page.click('[data-testid="fleet-row"][data-host="gamma"] a');
  await page.waitForFunction(() => document.querySelector('[data-testid="host-header"]')?.textContent.includes('gamma'),
    null, { timeout: 15_000 });
  const search = new URL(page.url()).search;
  assert.match(search, /host=gamma/);
  assert.match(search, /theme=dark/, 'the other parameters stay');
  assert.doesNotMatch(search, /view=/);
  await page.click('[data-testid="fleet-link"]');
  await page.locator('[data-testid="fleet-table"]').waitFor({ timeout: 15_000 });
  await page.context().close();
});

test('an agent whose link is cut turns down, then replays what it sampled meanwhile', async () => {
  const watcher = await openPage(browser, `${hub.url}/?host=beta`);
  await waitLive(watcher, 'ws');
  await waitFrames(watcher, (await pulseState(watcher)).frames + 4);
  const overview = await openPage(browser, `${hub.url}/`);
  await waitLive(overview, 'ws');
  await waitRows(overview, 'beta up', (r) => r.some((x) => x.id === 'beta' && x.status === 'up'));
  const before = await pulseState(watcher);

  const port = proxy.port;
  await proxy.stop();
  const cutAt = Date.now();
  await waitRows(overview, 'beta down', (r) => r.some((x) => x.id === 'beta' && x.status === 'down'));
  // Down once its link is gone: well inside three intervals plus the summary's second.
  const numbers = await overview.locator('[data-testid="fleet-numbers"]').getAttribute('aria-label');
  assert.match(numbers, /beta: down · last seen/);
  await new Promise((resolve) => setTimeout(resolve, 3_000 - (Date.now() - cutAt)));

  proxy = await ChaosProxy.start({ upstreamPort: Number(new URL(hub.url).port), port });
  await waitRows(overview, 'beta up again', (r) => r.some((x) => x.id === 'beta' && x.status === 'up'), 45_000);
  // Every sample of the outage reaches the watching page, once and in order.
  const outageFrames = Math.floor(3_000 / INTERVAL_MS);
  await waitFrames(watcher, before.frames + outageFrames + 2, 30_000);
  const after = await pulseState(watcher);
  assert.equal(after.epoch, before.epoch, 'the same agent run: no new epoch');
  assert.deepEqual(seqProblems(after.seqs), [], 'no hole, no duplicate');
  assert.equal(after.gaps, before.gaps, 'no gap');
  assert.ok(after.lastSeq - before.lastSeq >= outageFrames, `${after.lastSeq - before.lastSeq} frames since the cut`);
  await overview.context().close();
  await watcher.context().close();
});

test('a killed agent\'s row turns down within three intervals of the summary', async () => {
  const page = await openPage(browser, `${hub.url}/?view=fleet&filter=gamma`);
  await waitLive(page, 'ws');
  await waitRows(page, 'gamma up', (r) => r.length === 1 && r[0].status === 'up');
  await stopAgent(agents.get('gamma'), 'SIGKILL');
  // The summary comes once a second; its link closed with the process.
  await waitRows(page, 'gamma down', (r) => r[0]?.status === 'down', 5_000);
  assert.match(await page.locator('[data-testid="fleet-counts"]').textContent(), /1 down/);
  await page.context().close();
  // Its small multiple in the compare view says so, dimmed.
  const compare = await openPage(browser, `${hub.url}/?view=compare`);
  await waitLive(compare, 'ws');
  const note = compare.locator('[data-testid="panel-host-gamma"] .panel-note');
  await note.waitFor({ timeout: 10_000 });
  assert.match(await note.textContent(), /^down · last seen \d\d:\d\d:\d\d$/);
  await compare.context().close();
  // Its own page says it is quiet, though the page's link to the hub is live.
  const own = await openPage(browser, `${hub.url}/?host=gamma`);
  await waitLive(own, 'ws');
  const quiet = own.locator('[data-testid="host-quiet"]');
  await quiet.waitFor({ timeout: 15_000 });
  assert.match(await quiet.textContent(), /No samples from gamma since \d\d:\d\d:\d\d/);
  await own.context().close();
});

test('while the page has no link to the hub the fleet says its figures are the last received, and dims them', async () => {
  const page = await openPage(browser, `${hub.url}/?view=fleet`);
  await waitLive(page, 'ws');
  await waitRows(page, 'the hosts listed', (r) => r.length >= 4);
  assert.equal(await page.locator('[data-testid="fleet-not-live"]').count(), 0, 'live: nothing to say');
  await page.context().setOffline(true);
  const note = page.locator('[data-testid="fleet-not-live"]');
  await note.waitFor({ timeout: 10_000 });
  assert.match(await note.textContent(), /Not live/);
  await page.waitForFunction(() => Number(getComputedStyle(document.querySelector('[data-testid="fleet-table"]')).opacity) < 1,
    null, { timeout: 5_000 });
  await page.context().setOffline(false);
  await waitLive(page, 'ws', 20_000);
  await note.waitFor({ state: 'detached', timeout: 10_000 });
  await page.context().close();
});
