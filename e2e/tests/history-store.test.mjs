// History from the hub's store in headless Chromium: a hub started on a store
// pre-filled by `pulse-store-bench fill` (30 days of 1 Hz samples for two hosts,
// with one 5-second CPU spike to 97 % at noon UTC 10 days ago, inside the raw tier) draws the whole
// month on the 30-day range from the minute tier; zooming by dragging into the
// spike, again and again, reaches single seconds from the raw tier and shows the
// spike; and a hub killed with SIGKILL and started again on the same store draws
// the same picture of the same window. The compare view, whose live charts draw the
// fleet summary, draws each host's month from the store too, and on a live range
// the minutes the page has not watched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { PulseServer, ROOT } from '../lib/server.mjs';
import { launchBrowser, openPage } from '../lib/browser.mjs';

const DAY = 86_400_000;
const NOW = Date.now();
const SPIKE = Math.floor(NOW / DAY) * DAY - 10 * DAY + DAY / 2;

let data;
let server;
let browser;

before(async () => {
  data = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-e2e-filled-'));
  execFileSync(path.join(ROOT, 'target/release/pulse-store-bench'),
    ['fill', '--data', data, '--hosts', '2', '--days', '30', '--now', String(NOW)], { stdio: 'pipe' });
  server = await PulseServer.start({ args: ['--data', data] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(data, { recursive: true, force: true });
});

/** The CPU chart's width= answers, newest last, each with its request's window. */
function watchCpuPictures(page) {
  const answers = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.pathname !== '/api/v1/history' || !url.searchParams.has('width')) return;
    if (!(url.searchParams.get('series') ?? '').split(',').includes('cpu.total')) return;
    const body = await response.json().catch(() => null);
    if (body) answers.push({ from: Number(url.searchParams.get('from')), to: Number(url.searchParams.get('to')), body });
  });
  return answers;
}

/** Waits (bounded) for an answer that satisfies `wanted`. */
async function waitAnswer(page, answers, wanted, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = answers.findLast(wanted);
    if (found) return found;
    if (Date.now() > deadline) {
      const last = answers.at(-1);
      throw new Error(`no answer ${what}; last: ${last && JSON.stringify({ from: last.from, to: last.to, tier: last.body.tier, step: last.body.step_ms })}`);
    }
    await page.waitForTimeout(100);
  }
}

/** The [ts, value] pairs of cpu.total that hold a value. */
function cpuPoints(answer) {
  const values = answer.body.series['cpu.total'].values;
  return answer.body.ts.map((ts, i) => [ts, values[i]]).filter(([, v]) => v !== null);
}

async function dragAround(page, fraction, half) {
  const box = await page.locator('[data-testid="chart-cpu"]').boundingBox();
  const y = box.y + box.height / 2;
  const x = (f) => box.x + box.width * Math.min(0.99, Math.max(0.01, f));
  await page.mouse.move(x(fraction - half), y);
  await page.mouse.down();
  await page.mouse.move(x(fraction), y, { steps: 4 });
  await page.mouse.move(x(fraction + half), y, { steps: 4 });
  await page.mouse.up();
}

test('the 30-day range draws the whole month, and zooming into the spike reaches single seconds', async () => {
  const page = await openPage(browser, `${server.url}/?host=host-1&range=30d`);
  const answers = watchCpuPictures(page);
  const month = await waitAnswer(page, answers, (a) => a.to - a.from >= 29 * DAY, 'for 30 days');
  assert.equal(month.body.tier, '1m', 'a month is drawn from the minute tier');
  const points = cpuPoints(month);
  assert.ok(points[0][0] <= month.from + DAY, `the month's start is drawn: first value at ${new Date(points[0][0]).toISOString()}`);
  assert.ok(points.at(-1)[0] >= month.to - 2 * 3_600_000, 'and its end');
  assert.ok(points.some(([ts, v]) => Math.abs(ts - SPIKE) < DAY && v >= 97), 'the spike shows at a month');
  assert.ok(JSON.stringify(month.body).length < 200_000, 'a month is a few tens of KB');

  // Zoom into the spike, each drag a fifth of the window around it.
  let shown = month;
  for (let round = 0; round < 8 && !(shown.body.step_ms <= 1_000); round += 1) {
    const fraction = (SPIKE + 2_500 - shown.from) / (shown.to - shown.from);
    assert.ok(fraction > 0 && fraction < 1, `the spike is inside the window of round ${round}`);
    const before = answers.length;
    await dragAround(page, fraction, 0.1);
    shown = await waitAnswer(page, answers, (a) => answers.indexOf(a) >= before && a.to - a.from < (shown.to - shown.from) / 2, `after zoom ${round + 1}`);
  }
  assert.ok(shown.body.step_ms <= 1_000, `single seconds: a column is ${shown.body.step_ms} ms`);
  assert.equal(shown.body.tier, 'raw', 'from every sample');
  const spike = cpuPoints(shown).filter(([ts]) => ts >= SPIKE - 1_000 && ts < SPIKE + 6_000);
  assert.ok(spike.some(([, v]) => v >= 97), `the spike's seconds: ${JSON.stringify(spike)}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a hub killed and started again on the same store draws the same window the same', async () => {
  const from = SPIKE - 3 * 3_600_000;
  const to = SPIKE + 3 * 3_600_000;
  const url = `/?host=host-2&from=${from}&to=${to}`;
  const picture = async () => {
    const page = await openPage(browser, `${server.url}${url}`);
    const answers = watchCpuPictures(page);
    const answer = await waitAnswer(page, answers, (a) => a.from <= from && a.to >= to, 'for the fixed window');
    await page.context().close();
    return answer;
  };
  const first = await picture();
  assert.ok(cpuPoints(first).length > 100, 'six hours are drawn');
  const address = server.address;
  await server.stop('SIGKILL');
  server = await PulseServer.start({ listen: address, args: ['--data', data] });
  const second = await picture();
  assert.deepEqual(second.body.series, first.body.series, 'the same values');
  assert.deepEqual(second.body.ts, first.body.ts, 'at the same times');
});

test('the compare view draws each host\'s month from the store, as its summary column', async () => {
  const page = await openPage(browser, `${server.url}/?view=compare&metric=mem&range=30d`);
  for (const host of ['host-1', 'host-2']) {
    const tier = `[data-testid="tier-host-${host}"]`;
    await page.waitForFunction((selector) => /rollup/.test(document.querySelector(selector)?.textContent ?? ''), tier, { timeout: 20_000 });
    const shown = await page.evaluate((chart) => (window.__pulse?.history ?? [])
      .filter((p) => p.chart === chart && p.outcome === 'shown'), `compare-${host}`);
    // A small multiple is narrow: a column spans hours, so a rollup tier answers.
    assert.ok(shown.some((p) => ['1m', '1h'].includes(p.tier) && p.to - p.from >= 29 * DAY && p.rows > 100),
      `${host}'s month from a rollup tier: ${JSON.stringify(shown)}`);
    // The filled hosts are down: the live summary has nothing of them, so a value
    // in the chart's description came from the store's picture, made a percentage.
    const label = await page.getAttribute(`[data-testid="chart-host-${host}"]`, 'aria-label');
    assert.match(label, /: Memory \d+(\.\d+)? ?%$/, `${host}'s chart: ${label}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the compare view on a live range draws from the store what the page has not watched', async () => {
  // A fresh page has no fleet summary older than itself (the hub keeps a minute of
  // it, and none while nobody watches): each host's quarter hour comes from the store.
  const page = await openPage(browser, `${server.url}/?view=compare&metric=mem&range=15m`);
  for (const host of ['host-1', 'host-2']) {
    await page.waitForFunction((chart) => (window.__pulse?.history ?? [])
      .some((p) => p.chart === chart && p.outcome === 'shown'), `compare-${host}`, { timeout: 20_000 });
    const shown = await page.evaluate((chart) => (window.__pulse?.history ?? [])
      .filter((p) => p.chart === chart && p.outcome === 'shown'), `compare-${host}`);
    assert.ok(shown.some((p) => p.to - p.from >= 14 * 60_000 && p.rows > 10), `${host}'s quarter hour: ${JSON.stringify(shown)}`);
    const label = await page.getAttribute(`[data-testid="chart-host-${host}"]`, 'aria-label');
    assert.match(label, /: Memory \d+(\.\d+)? ?%$/, `${host}'s chart: ${label}`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
