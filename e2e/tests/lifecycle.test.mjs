// The page's lifecycle in a real browser: going offline and back, and leaving the
// page for another one and coming back through the back-forward cache. Each test
// asserts what the user sees (the badge) and that the resumed stream lost and
// duplicated nothing. Deadlines are generous: these are behaviours, not speeds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, openPage, pulseState, seqProblems, waitFrames, waitLive } from '../lib/browser.mjs';
import { PulseServer } from '../lib/server.mjs';

const FAST = ['--interval', '250ms', '--heartbeat', '1s'];

let browser;
let server;
before(async () => {
  browser = await launchBrowser({ bfcache: true });
  server = await PulseServer.start({ args: FAST });
});
after(async () => {
  await server?.stop();
  await browser?.close();
});

describe('page lifecycle', () => {
  test('offline pauses the connection and says so; online resumes it without a lost sample', async () => {
    const page = await openPage(browser, `${server.url}/`);
    try {
      await waitLive(page, 'ws', 20_000);
      await waitFrames(page, (await pulseState(page)).frames + 2);
      await page.context().setOffline(true);
      await page.waitForFunction(
        () => document.querySelector('[data-testid="connection-badge"]')?.dataset.state === 'offline',
        null,
        { timeout: 10_000, polling: 50 },
      );
      assert.equal((await pulseState(page)).state, 'offline');
      const whileOffline = (await pulseState(page)).frames;
      // Frames keep being produced by the server while the page is offline; they
      // must arrive after it comes back, in order, from the resume cursor.
      await page.context().setOffline(false);
      await waitLive(page, 'ws', 20_000);
      await waitFrames(page, whileOffline + 8, 20_000);
      const state = await pulseState(page);
      assert.deepEqual(seqProblems(state.seqs), []);
      assert.equal(state.duplicates, 0);
      assert.equal(state.gaps, 0, 'the outage was inside the history window: nothing to mark as a gap');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('a page restored from the back-forward cache goes live again and resumes', async () => {
    const page = await openPage(browser, `${server.url}/`);
    try {
      await page.evaluate(() => {
        window.__restored = 0;
        addEventListener('pageshow', (event) => { if (event.persisted) window.__restored += 1; });
      });
      await waitLive(page, 'ws', 20_000);
      await waitFrames(page, (await pulseState(page)).frames + 2);
      const before = await pulseState(page);
      // Leave for another document of the same site, then come back.
      await page.goto(`${server.url}/healthz`);
      // A restored page fires `pageshow`, not `load`.
      await page.goBack({ waitUntil: 'commit' });
      await page.waitForFunction(() => window.__restored === 1, null, { timeout: 10_000, polling: 50 });
      await waitLive(page, 'ws', 20_000);
      await waitFrames(page, before.frames + 8, 20_000);
      const state = await pulseState(page);
      assert.equal(state.epoch, before.epoch);
      assert.deepEqual(seqProblems(state.seqs), []);
      assert.equal(state.duplicates, 0);
      assert.equal(state.gaps, 0);
    } finally {
      await page.context().close();
    }
  });
});
