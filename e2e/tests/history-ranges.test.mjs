// History ranges in headless Chromium against a real server: picking 24 h makes
// every chart fetch a picture of its window at its plot width (width=); dragging a
// zoom fetches a finer one for the smaller window; ◀ fetches the window before;
// a refused fetch shows the server's reason on the chart; a custom from/to is
// applied and kept in the URL. A server whose store is not filled yet answers from
// its memory (tier `live`, or no tier before width= existed): the test asserts the
// request and the answer's structure, not how much history there is.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverAndBrowser } from '../lib/suite.mjs';
import { canvasFingerprints, openPage, waitLive } from '../lib/browser.mjs';

const DAY = 86_400_000;
const TIERS = [null, 'live', 'raw', '1m', '1h'];

const the = serverAndBrowser();

/** The width= history requests a page makes, parsed, in order. */
function watchPictures(page) {
  const seen = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== '/api/v1/history' || !url.searchParams.has('width')) return;
    const number = (key) => Number(url.searchParams.get(key));
    seen.push({
      host: url.searchParams.get('host'),
      series: (url.searchParams.get('series') ?? '').split(','),
      from: number('from'), to: number('to'), width: number('width'),
    });
  });
  return seen;
}

/**
 * Waits until the probe's newest record of a picture of chart `chart` (not dropped)
 * satisfies `wanted` (a function run here: the page's CSP allows no eval there).
 */
async function waitPicture(page, chart, wanted = () => true, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const records = await page.evaluate(
      (name) => (window.__pulse?.history ?? []).filter((p) => p.chart === name && p.outcome !== 'dropped'),
      chart,
    );
    const last = records.at(-1);
    if (last && wanted(last)) return last;
    if (Date.now() > deadline) throw new Error(`no such picture of ${chart}; newest: ${JSON.stringify(records.slice(-3))}`);
    await page.waitForTimeout(100);
  }
}

async function dragAcross(page, testId, fromFraction, toFraction) {
  const box = await page.locator(`[data-testid="${testId}"]`).boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * fromFraction, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * ((fromFraction + toFraction) / 2), y, { steps: 4 });
  await page.mouse.move(box.x + box.width * toFraction, y, { steps: 4 });
  await page.mouse.up();
}

test('24 h draws a picture per chart, a dragged zoom fetches a finer one, ◀ the window before', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  const requests = watchPictures(page);
  await waitLive(page, 'ws');
  await page.click('[data-testid="range-24h"]');
  assert.match(page.url(), /range=24h/, 'the range is kept in the URL');

  const day = await waitPicture(page, 'cpu', (p) => p.outcome === 'shown');
  assert.ok(TIERS.includes(day.tier), `a known tier, got ${day.tier}`);
  assert.equal(day.to - day.from, day.step * day.width, 'the window is width columns of step ms');
  const span = day.to - day.from;
  assert.ok(span >= DAY && span <= DAY * 1.02, `a day's window (and a column), got ${span} ms`);
  assert.ok(day.width >= 100, `the plot's width in CSS px, got ${day.width}`);
  assert.ok(day.rows > 0, 'the answer has rows');
  const asked = requests.find((r) => r.series.includes('cpu.total'));
  assert.ok(asked, `the CPU chart asked for its series: ${JSON.stringify(requests)}`);
  assert.ok(asked.host, 'the request names its host');
  assert.ok(requests.length >= 3, 'every chart asks for its own picture');

  const tier = page.locator('[data-testid="tier-cpu"]');
  await page.waitForFunction(() => /sample|rollup/.test(document.querySelector('[data-testid="tier-cpu"]')?.textContent ?? ''));
  assert.match(await tier.innerText(), /every sample|rollups/);
  await page.waitForFunction(() => {
    const canvas = document.querySelector('[data-testid="chart-cpu"]');
    return canvas && canvas.width > 0;
  });
  const painted = (await canvasFingerprints(page))['chart-cpu'];
  assert.ok(painted.painted > 0, 'the CPU chart is drawn');

  // Drag over the last tenth of the day (where this young server's samples are).
  const before = requests.length;
  await dragAcross(page, 'chart-cpu', 0.9, 0.99);
  const zoomed = await waitPicture(page, 'cpu', (p) => p.to - p.from < DAY / 5);
  assert.ok(zoomed.step < day.step, `finer columns: ${zoomed.step} ms against ${day.step} ms`);
  assert.ok(TIERS.includes(zoomed.tier));
  const finer = requests.slice(before).find((r) => r.to - r.from < DAY / 5);
  assert.ok(finer, 'a request for the smaller window was made');
  assert.ok(await page.locator('[data-testid="reset-zoom"]').isVisible());

  await page.click('[data-testid="pan-earlier"]');
  const earlier = await waitPicture(page, 'cpu', (p) => p.to < zoomed.to && p.step === zoomed.step);
  assert.ok(Math.abs((zoomed.to - earlier.to) - (zoomed.to - zoomed.from) / 2) <= 2 * zoomed.step, 'moved half a window back');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a refused history fetch says why on the chart, and Retry asks again', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  let refuse = true;
  await page.route((url) => url.pathname === '/api/v1/history' && url.searchParams.has('width'), (route) => {
    if (!refuse) return route.continue();
    return route.fulfill({
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({ error: 'bad_request', detail: 'width must be 1 to 10000 columns, got 0' }),
    });
  });
  await waitLive(page, 'ws');
  await page.click('[data-testid="range-7d"]');
  const error = page.locator('[data-testid="chart-error-cpu"]');
  await error.waitFor({ timeout: 10_000 });
  assert.match(await error.innerText(), /400: width must be 1 to 10000 columns, got 0/);
  refuse = false;
  await error.locator('button').click();
  await error.waitFor({ state: 'detached', timeout: 10_000 });
  await waitPicture(page, 'cpu', (p) => p.outcome === 'shown');
  await page.context().close();
});

test('a custom from/to is applied, fetched and kept in the URL', async () => {
  const page = await openPage(the.browser, `${the.server.url}/?range=1m`);
  const requests = watchPictures(page);
  await waitLive(page, 'ws');
  await page.click('[data-testid="range-custom"]');
  await page.locator('[data-testid="custom-range"]').waitFor();
  const pad = (n) => String(n).padStart(2, '0');
  const local = (ms) => {
    const d = new Date(ms);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  const to = Math.floor(Date.now() / 60_000) * 60_000;
  const from = to - 3 * 3_600_000;
  // A window the hub would refuse is not applied: the form says why.
  const problem = page.locator('.custom-problem');
  for (const [pick, why] of [['1950-01-01T00:00', /after 1 January 1970/], ['2001-01-01T00:00', /at most ten years/]]) {
    await page.fill('[data-testid="custom-from"]', pick);
    await page.fill('[data-testid="custom-to"]', local(to));
    await page.click('[data-testid="custom-apply"]');
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('.custom-problem')?.textContent ?? ''), why.source, { timeout: 5_000 });
    assert.equal(new URL(page.url()).searchParams.get('from'), null, `${pick} is not applied`);
  }
  assert.match(await problem.textContent(), /ten years/);
  await page.fill('[data-testid="custom-from"]', local(from));
  await page.fill('[data-testid="custom-to"]', local(to));
  await page.click('[data-testid="custom-apply"]');
  await page.waitForURL((url) => url.searchParams.get('from') === String(from) && url.searchParams.get('to') === String(to));
  const shown = await waitPicture(page, 'cpu', (p) => p.from <= from && p.to >= to);
  assert.ok(shown.to - shown.from - (to - from) <= 2 * shown.step, 'the picture is the chosen window');
  assert.ok(requests.some((r) => r.from <= from && r.to >= to));
  const chosen = await page.locator('[data-testid="range-custom"]').getAttribute('aria-checked');
  assert.equal(chosen, 'true');

  // A reload opens the same window.
  await page.reload();
  await waitPicture(page, 'cpu', (p) => p.from <= from && p.to >= to && p.outcome === 'shown');
  await page.context().close();
});
