// Two hubs sharing one real redis-server (`--redis`), each sampling its own host
// (no agents), and the built site in headless Chromium: a page on hub B shows hub
// A's own host live (it comes through Redis); when Redis is killed, a page on hub A
// keeps its host live and both pages say, under the top bar, that the shared log is
// unreachable and since when; when Redis is back the notice goes and hub B's page
// gets hub A's host again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { Redis } from '../lib/redis.mjs';
import { ROOT, PulseServer } from '../lib/server.mjs';
import { launchBrowser, openLive, pulseState, seqProblems, waitFrames } from '../lib/browser.mjs';

const INTERVAL_MS = 250;
const NOTICE = '[data-testid="hub-notice"]';

let browser;
let redis;
let hubs = [];

before(async () => {
  browser = await launchBrowser();
  redis = await Redis.start();
  hubs = await Promise.all(['hub-a', 'hub-b'].map((name) => PulseServer.start({
    args: ['--interval', `${INTERVAL_MS}ms`, '--name', name, '--redis', redis.url],
  })));
});

after(async () => {
  await browser?.close();
  await Promise.all(hubs.map((hub) => hub.stop('SIGKILL')));
  await redis?.stop();
});

/** Waits (polling each 100 ms, at most 15 s) until hub B lists hub A's own host as up. */
async function sharedWithB() {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const { hosts } = await (await fetch(`${hubs[1].url}/api/v1/hosts`)).json();
    if (hosts.some((host) => host.id === 'hub-a' && host.status === 'up')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`hub B does not list hub A's own host:\n${hubs[0].output}\n${hubs[1].output}`);
}

test('a lost shared log is said under the top bar while the hub\'s own host stays live, and unsaid when it returns', async (t) => {
  await sharedWithB();
  const onA = await openLive(browser, `${hubs[0].url}/?host=hub-a`, 'ws');
  const onB = await openLive(browser, `${hubs[1].url}/?host=hub-a`, 'ws');
  assert.equal((await pulseState(onB)).epoch, (await pulseState(onA)).epoch, 'hub A\'s own epoch, on hub B too');
  assert.equal(await onA.locator(NOTICE).count(), 0, 'nothing to say while Redis answers');

  const killedAt = Date.now();
  await redis.kill();
  for (const page of [onA, onB]) {
    await page.locator(NOTICE).waitFor({ state: 'visible', timeout: 15_000 });
    const text = await page.locator(NOTICE).innerText();
    assert.match(text, /Shared log \(Redis\) unreachable since \d\d:\d\d/, text);
    assert.match(text, /stay live/, text);
  }
  t.diagnostic(`notice shown on both pages ${Date.now() - killedAt} ms after Redis was killed`);
  // Hub A serves its own host live meanwhile.
  await waitFrames(onA, (await pulseState(onA)).frames + 8, 15_000);
  assert.equal((await pulseState(onA)).state, 'live');
  await onA.screenshot({ path: path.join(ROOT, 'target', 'redis-notice.png') });

  await redis.restart();
  const restartedAt = Date.now();
  for (const page of [onA, onB]) {
    await page.locator(NOTICE).waitFor({ state: 'detached', timeout: 15_000 });
  }
  t.diagnostic(`notice gone from both pages ${Date.now() - restartedAt} ms after Redis was ready again`);
  // Hub B gets hub A's host again, and what it missed arrives without a hole.
  const newest = (await pulseState(onA)).lastSeq;
  await onB.waitForFunction((seq) => (window.__pulse?.lastSeq ?? 0) > seq + 4, newest, { timeout: 30_000, polling: 50 });
  const b = await pulseState(onB);
  assert.deepEqual(seqProblems(b.seqs), [], hubs[1].output);
  assert.equal(b.duplicates, 0);
  assert.deepEqual(onA.errors.concat(onB.errors), []);
});
