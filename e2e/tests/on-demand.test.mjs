// The release site loads each page's view on demand (src/app/on_demand.rs,
// scripts/split-wasm.sh): a host's page fetches the dashboard's wasm file and not the
// fleet's, the fleet's file arrives when the page goes there (and the Compare tab's
// when it opens), and a view whose file
// cannot be fetched says so and loads on "Try again", with the page still live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { ROOT } from '../lib/server.mjs';
import { serverAndBrowser } from '../lib/suite.mjs';
import { openPage, waitLive } from '../lib/browser.mjs';

const the = serverAndBrowser(['--interval', '250ms', '--name', 'the-hub']);
const VIEWS = ['host', 'fleet', 'compare', 'alerts', 'admin'];

/** The views' wasm files a page asked for, by view name. */
function viewsFetched(page) {
  const asked = new Set();
  page.on('request', (request) => {
    const match = /\/split_([a-z]+)-[0-9a-f]+\.wasm$/.exec(new URL(request.url()).pathname);
    if (match) asked.add(match[1]);
  });
  return asked;
}

test('the release site has a wasm file for each view', () => {
  const files = fs.readdirSync(path.join(ROOT, 'dist'));
  for (const view of VIEWS) {
    assert.ok(files.some((f) => new RegExp(`^split_${view}-[0-9a-f]+\\.wasm$`).test(f)), `dist/ has no split_${view}-HASH.wasm: ${files}`);
  }
});

test("a host's page fetches the dashboard's file only; the fleet's arrives when the page goes there, compare's on its tab", async () => {
  const page = await openPage(the.browser, 'about:blank');
  const asked = viewsFetched(page);
  await page.goto(`${the.server.url}/?host=the-hub`);
  await waitLive(page, 'ws');
  await page.waitForSelector('[data-testid="panel-cpu"]', { timeout: 15_000 });
  assert.deepEqual([...asked].sort(), ['host']);

  await page.click('[data-testid="fleet-link"]');
  await page.waitForSelector('[data-testid="fleet-scroll"]', { timeout: 15_000 });
  assert.deepEqual([...asked].sort(), ['fleet', 'host']);

  // One metric across hosts draws with the charts: its own file, fetched on the tab.
  await page.click('[data-testid="tab-compare"]');
  await page.waitForSelector('[data-testid="compare"] canvas', { timeout: 15_000 });
  assert.deepEqual([...asked].sort(), ['compare', 'fleet', 'host']);
  await page.context().close();
});

test('a view whose file cannot be fetched says so, and loads on "Try again" with the page still live', async () => {
  const page = await openPage(the.browser, 'about:blank');
  // The view's own file and the chunks it shares with other views.
  const blocked = /\/(split_fleet|chunk_\d+)-[0-9a-f]+\.wasm$/;
  await page.route(blocked, (route) => route.abort('internetdisconnected'));
  await page.goto(`${the.server.url}/?view=fleet`);
  const error = await page.waitForSelector('[data-testid="view-unloaded"]', { timeout: 15_000 });
  assert.match(await error.textContent(), /This view could not be loaded.*the fetch failed.*reload/);
  assert.ok(await page.$('[data-testid="view-reload"]'), 'a release newer than the page is a reload away');
  await waitLive(page, 'ws');

  await page.unroute(blocked);
  await page.click('[data-testid="view-unloaded"] button');
  await page.waitForSelector('[data-testid="fleet-scroll"]', { timeout: 15_000 });
  assert.equal(await page.$('[data-testid="view-unloaded"]'), null);
  await page.context().close();
});
