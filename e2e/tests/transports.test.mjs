// The whole site, built and served by a real pulse-server, in headless Chromium:
// over each transport the dashboard goes live, names the transport, and its charts
// keep changing as frames arrive. With no preference, it is WebSocket.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { serverAndBrowser } from '../lib/suite.mjs';
import { canvasFingerprints, openPage, pulseState, seqProblems, waitFrames, waitLive } from '../lib/browser.mjs';

const the = serverAndBrowser();

async function assertLiveAndDrawing(page, transport) {
  await waitLive(page, transport);
  const state = await pulseState(page);
  assert.equal(state.transport, transport);
  await waitFrames(page, state.frames + 2);
  // Charts draw on the next animation frames after data: wait for paint, not for time.
  await page.waitForFunction(() => [...document.querySelectorAll('canvas[data-testid^="chart-"]')]
    .filter((c) => { const r = c.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight && r.width > 0; })
    .every((c) => c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0)),
  null, { timeout: 10_000, polling: 100 });
  const first = await canvasFingerprints(page);
  const panels = Object.keys(first).filter((key) => first[key].visible);
  assert.ok(panels.length >= 4, `at least 4 charts on screen, found ${panels.join(', ')}`);
  for (const key of panels) assert.ok(first[key].painted > 0, `${key} is blank`);
  await waitFrames(page, state.frames + 6);
  // A redraw waits for the next animation frame: wait until some chart changed.
  await page.waitForFunction(
    (before) => {
      const now = {};
      document.querySelectorAll('canvas[data-testid^="chart-"]').forEach((c, i) => { now[i] = c.toDataURL().length; });
      return Object.keys(now).some((k) => now[k] !== before[k]);
    },
    await page.evaluate(() => {
      const out = {};
      document.querySelectorAll('canvas[data-testid^="chart-"]').forEach((c, i) => { out[i] = c.toDataURL().length; });
      return out;
    }),
    { timeout: 10_000, polling: 100 },
  );
  const second = await canvasFingerprints(page);
  const changed = panels.filter((key) => second[key] && second[key].sum !== first[key].sum);
  assert.ok(changed.length > 0, 'no chart changed while frames arrived');
  const final = await pulseState(page);
  assert.deepEqual(seqProblems(final.seqs), [], 'seq log has holes or duplicates');
  assert.equal(final.duplicates, 0);
  assert.deepEqual(page.errors.filter((e) => !/integrity/.test(e)), [], 'page logged errors');
}

describe('every transport shows live, changing charts', () => {
  test('with no preference the dashboard is live over WebSocket', async () => {
    const page = await openPage(the.browser, `${the.server.url}/`);
    await assertLiveAndDrawing(page, 'ws');
    await page.context().close();
  });

  for (const transport of ['ws', 'sse', 'longpoll', 'poll']) {
    test(`?transport=${transport} goes live over ${transport} and draws`, async () => {
      const page = await openPage(the.browser, `${the.server.url}/?transport=${transport}`);
      await assertLiveAndDrawing(page, transport);
      await page.context().close();
    });
  }
});
