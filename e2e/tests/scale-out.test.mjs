// Three hubs sharing one real redis-server (`--redis`) behind a real nginx load
// balancer, a real agent process on one of them, and the built site in headless
// Chromium through the balancer: the browser sees the host live whichever hub it
// landed on; when its hub is killed it moves to another and resumes without a hole
// or a duplicate; when the agent's hub is killed the agent moves and the missed
// samples arrive.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { hubOfPage, startBalanced, stopBalanced } from '../lib/balanced.mjs';
import { launchBrowser, openLive, pulseState, seqProblems, waitFrames } from '../lib/browser.mjs';

const TOKEN = 'scale-out-token';
const INTERVAL_MS = 250;

let browser;
let fleet = {};

before(async () => {
  browser = await launchBrowser();
  fleet = await startBalanced({ token: TOKEN, intervalMs: INTERVAL_MS, args: ['--public-read-only'] });
});

after(() => stopBalanced({ browser, ...fleet }));

/** Waits (polling each 100 ms, at most 15 s) until every hub lists host `id` as up. */
async function upEverywhere(id) {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const listed = await Promise.all(fleet.hubs.map(async (hub) => {
      const { hosts } = await (await fetch(`${hub.url}/api/v1/hosts`)).json();
      return hosts.some((host) => host.id === id && host.status === 'up');
    }));
    if (listed.every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`host ${id} is not up on every hub after 15 s; agent:\n${fleet.agent.log}`);
}

test('the page follows the host through the balancer, across the loss of its hub and of the agent\'s', async () => {
  await upEverywhere('web');
  const page = await openLive(browser, `${fleet.proxy.url}/?host=web`, 'ws');
  const first = await pulseState(page);

  // Kill the page's hub (it may be the agent's: then both move).
  const pagesHub = await hubOfPage(fleet.hubs);
  await pagesHub.stop('SIGKILL');
  await waitFrames(page, (await pulseState(page)).frames + 20, 30_000);
  const moved = await pulseState(page);
  assert.equal(moved.epoch, first.epoch, 'the agent\'s epoch, on every hub');
  assert.deepEqual(seqProblems(moved.seqs), []);
  assert.equal(moved.duplicates, 0);
  assert.equal(moved.gaps, 0, 'inside the window there is nothing to mark as a gap');

  // Kill the agent's first hub too, if it still runs: the agent moves, the missed
  // samples arrive, and the page sees no hole.
  if (fleet.hubs[0] !== pagesHub) await fleet.hubs[0].stop('SIGKILL');
  await waitFrames(page, (await pulseState(page)).frames + 20, 40_000);
  const last = await pulseState(page);
  assert.deepEqual(seqProblems(last.seqs), [], fleet.agent.log);
  assert.equal(last.duplicates, 0);
  assert.equal(last.gaps, 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
