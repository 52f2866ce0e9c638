// A hub with a real agent process: `?host=ID` opens the dashboard of that host of
// the fleet, live, with the agent's name and tags in the header and its samples arriving
// with the agent's own sequence numbers; without `?host=` the page opens on the
// fleet, and `?view=host` on the hub's own host; an unknown id is a readable
// error, not a retry loop.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startAgent, stopAgent } from '../lib/cli.mjs';
import { hostsUp } from '../lib/hosts.mjs';
import { PulseServer } from '../lib/server.mjs';
import { launchBrowser, openPage, pulseState, seqProblems, waitFrames, waitLive } from '../lib/browser.mjs';

const TOKEN = 'e2e-agent-token';
let hub;
let agent;
let browser;

before(async () => {
  hub = await PulseServer.start({ args: ['--interval', '250ms', '--name', 'the-hub', '--agent-token', TOKEN] });
  agent = startAgent([hub], { name: 'web-e2e', interval: '250ms', token: TOKEN, tags: ['role=web'] });
  await hostsUp(hub.url, ['web-e2e']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stopAgent(agent);
  await hub?.stop();
});

test('?host=ID shows that host of the fleet, live and without holes', async () => {
  const page = await openPage(browser, `${hub.url}/?host=web-e2e`);
  await waitLive(page, 'ws');
  const header = page.locator('[data-testid="host-header"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="host-header"]')?.textContent.includes('web-e2e'),
    null, { timeout: 10_000 });
  assert.ok(!(await header.textContent()).includes('the-hub'), 'not the hub\'s own host');
  // Its tags, from the hub's listing, beside its name.
  await page.waitForFunction(() => document.querySelector('[data-testid="host-tags"]')?.textContent === 'role=web',
    null, { timeout: 10_000 });
  const state = await pulseState(page);
  await waitFrames(page, state.frames + 4);
  assert.deepEqual(seqProblems((await pulseState(page)).seqs), [], 'every frame once, in order');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('without ?host= a hub of several hosts opens on the fleet; ?view=host on its own host', async () => {
  const fleet = await openPage(browser, `${hub.url}/`);
  await waitLive(fleet, 'ws');
  await fleet.locator('[data-testid="fleet-row"][data-host="web-e2e"]').waitFor({ timeout: 10_000 });
  await fleet.context().close();
  const page = await openPage(browser, `${hub.url}/?view=host`);
  await waitLive(page, 'ws');
  await page.waitForFunction(() => document.querySelector('[data-testid="host-header"]')?.textContent.includes('the-hub'),
    null, { timeout: 10_000 });
  await page.context().close();
});

test('a malformed ?host= stops the page with the reason', async () => {
  const page = await openPage(browser, `${hub.url}/?host=${encodeURIComponent('a/b')}`);
  const banner = page.locator('[data-testid="status-banner"]');
  await banner.waitFor({ timeout: 15_000 });
  assert.match(await banner.textContent(), /\?host= must be a host id/);
  await page.context().close();
});
