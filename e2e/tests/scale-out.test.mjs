// Three hubs sharing one real redis-server (`--redis`) behind a real nginx load
// balancer, a real agent process on one of them, and the built site in headless
// Chromium through the balancer: the browser sees the host live whichever hub it
// landed on; when its hub is killed it moves to another and resumes without a hole
// or a duplicate; when the agent's hub is killed the agent moves and the missed
// samples arrive.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Nginx } from '../lib/nginx.mjs';
import { Redis } from '../lib/redis.mjs';
import { PulseServer } from '../lib/server.mjs';
import { startAgent, stopBalanced } from '../lib/cli.mjs';
import { launchBrowser, openLive, pulseState, seqProblems, waitFrames } from '../lib/browser.mjs';

const TOKEN = 'scale-out-token';
const INTERVAL_MS = 250;

let browser;
let redis;
let hubs = [];
let proxy;
let agent;

before(async () => {
  browser = await launchBrowser();
  redis = await Redis.start();
  hubs = await Promise.all([0, 1, 2].map(() => PulseServer.start({
    args: ['--interval', `${INTERVAL_MS}ms`, '--no-local', '--public-read-only', '--agent-token', TOKEN,
      '--redis', redis.url],
  })));
  // The agent starts on the first hub and knows them all.
  agent = startAgent(hubs, { name: 'web', interval: `${INTERVAL_MS}ms`, token: TOKEN });
  proxy = await Nginx.balance(hubs.map((hub) => hub.address));
});

after(() => stopBalanced({ browser, proxy, agent, hubs, redis }));

/** Waits (polling each 100 ms, at most 15 s) until every hub lists host `id` as up. */
async function upEverywhere(id) {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const listed = await Promise.all(hubs.map(async (hub) => {
      const { hosts } = await (await fetch(`${hub.url}/api/v1/hosts`)).json();
      return hosts.some((host) => host.id === id && host.status === 'up');
    }));
    if (listed.every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`host ${id} is not up on every hub after 15 s; agent:\n${agent.log}`);
}

/** The hub that holds the page's stream: the one whose /healthz counts a connection. */
async function hubOfPage() {
  // `/healthz` counts every stream, the agent's link too: the agent is on the first
  // hub until that one dies, so one of its connections is not the page's.
  const counts = await Promise.all(hubs.map(async (hub, i) => {
    if (hub.child.exitCode !== null || hub.child.signalCode !== null) return 0;
    const health = await (await fetch(`${hub.url}/healthz`)).json();
    return health.connections - (i === 0 ? 1 : 0);
  }));
  const at = counts.findIndex((count) => count > 0);
  assert.ok(at >= 0, `no hub holds the page's stream: ${counts}`);
  return hubs[at];
}

test('the page follows the host through the balancer, across the loss of its hub and of the agent\'s', async () => {
  await upEverywhere('web');
  const page = await openLive(browser, `${proxy.url}/?host=web`, 'ws');
  const first = await pulseState(page);

  // Kill the page's hub (it may be the agent's: then both move).
  const pagesHub = await hubOfPage();
  await pagesHub.stop('SIGKILL');
  await waitFrames(page, (await pulseState(page)).frames + 20, 30_000);
  const moved = await pulseState(page);
  assert.equal(moved.epoch, first.epoch, 'the agent\'s epoch, on every hub');
  assert.deepEqual(seqProblems(moved.seqs), []);
  assert.equal(moved.duplicates, 0);
  assert.equal(moved.gaps, 0, 'inside the window there is nothing to mark as a gap');

  // Kill the agent's first hub too, if it still runs: the agent moves, the missed
  // samples arrive, and the page sees no hole.
  if (hubs[0] !== pagesHub) await hubs[0].stop('SIGKILL');
  await waitFrames(page, (await pulseState(page)).frames + 20, 40_000);
  const last = await pulseState(page);
  assert.deepEqual(seqProblems(last.seqs), [], agent.log);
  assert.equal(last.duplicates, 0);
  assert.equal(last.gaps, 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
