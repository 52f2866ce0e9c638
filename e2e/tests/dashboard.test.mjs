// What a person does with the dashboard, in headless Chromium against a real server:
// switch the time range (history is fetched at once), pause (pixels freeze while
// frames keep arriving), hover (the crosshair tooltip shows values), switch theme,
// and use it on a 400-px phone without horizontal scrolling.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverAndBrowser } from '../lib/suite.mjs';
import { openPage, pulseState, waitFrames, waitLive } from '../lib/browser.mjs';

const the = serverAndBrowser();

const cpuPixels = (page) => page.evaluate(() => {
  const canvas = document.querySelector('[data-testid="chart-cpu"]');
  return canvas.toDataURL();
});

test('switching the time range fetches that much history at once', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  await waitLive(page, 'ws');
  const asked = page.waitForRequest((request) => {
    const url = new URL(request.url());
    return url.pathname === '/api/v1/history' && Date.now() - Number(url.searchParams.get('from')) > 55 * 60_000;
  }, { timeout: 10_000 });
  await page.click('[data-testid="range-1h"]');
  await asked;
  assert.match(page.url(), /range=1h/, 'the range is kept in the URL');
  await page.context().close();
});

test('pause freezes the charts while frames keep arriving, resume goes live again', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 2);
  await page.click('[data-testid="pause"]');
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const frozen = await cpuPixels(page);
  const frames = (await pulseState(page)).frames;
  await waitFrames(page, frames + 6);
  assert.equal(await cpuPixels(page), frozen, 'no repaint while paused');
  await page.click('[data-testid="pause"]');
  await page.waitForFunction((before) => {
    const canvas = document.querySelector('[data-testid="chart-cpu"]');
    return canvas.toDataURL() !== before;
  }, frozen, { timeout: 10_000, polling: 100 });
  await page.context().close();
});

test('hovering a chart shows a tooltip with the values at that time', async () => {
  const page = await openPage(the.browser, `${the.server.url}/?range=1m`);
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 4);
  const box = await page.locator('[data-testid="chart-cpu"]').boundingBox();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  const tooltip = page.locator('.tooltip').first();
  await tooltip.waitFor({ timeout: 5_000 });
  assert.match(await tooltip.innerText(), /%/, 'the CPU tooltip shows a percentage');
  await page.context().close();
});

test('the theme toggle switches to dark and the charts follow', async () => {
  const page = await openPage(the.browser, `${the.server.url}/?theme=light`);
  await waitLive(page, 'ws');
  const corner = () => page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="chart-cpu"]');
    return Array.from(canvas.getContext('2d').getImageData(1, 1, 1, 1).data);
  });
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="chart-cpu"]');
    return c && c.width > 0 && c.getContext('2d').getImageData(1, 1, 1, 1).data[3] > 0;
  }, null, { timeout: 10_000 });
  const light = await corner();
  await page.click('[data-testid="theme-toggle"]');
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: 5_000 });
  await page.waitForFunction((before) => {
    const c = document.querySelector('[data-testid="chart-cpu"]');
    return Array.from(c.getContext('2d').getImageData(1, 1, 1, 1).data).join() !== before.join();
  }, light, { timeout: 5_000 });
  const dark = await corner();
  assert.ok(dark[0] + dark[1] + dark[2] < light[0] + light[1] + light[2], `dark ${dark} is darker than light ${light}`);
  await page.context().close();
});

test('a 400-px phone gets the dashboard without horizontal scrolling', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`, { viewport: { width: 400, height: 800 } });
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 2);
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `page is ${scroll} px wide in a ${inner} px viewport`);
  await page.context().close();
});

/** Resolves after two animation frames: whatever the last update changed has been rendered. */
const rendered = (page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

test('numbers are drawn on canvases and read out through their labels', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 2);
  const cpu = page.locator('[data-testid="panel-cpu"] .legend-values');
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="panel-cpu"] .legend-values');
    return c && c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0);
  }, null, { timeout: 10_000, polling: 100 });
  assert.match(await cpu.getAttribute('aria-label'), /^total: now \d+\.\d %, min \d+\.\d %, max \d+\.\d %, avg \d+\.\d %$/);
  assert.equal(await cpu.getAttribute('role'), 'img');
  assert.match(await page.locator('[data-testid="uptime"]').getAttribute('aria-label'), /^up \d/);
  const legendText = await page.locator('[data-testid="panel-cpu"] .legend').innerText();
  assert.doesNotMatch(legendText, /\d/, `no number is laid-out text in the legend: ${legendText}`);
  await page.context().close();
});

test('the process table sorts by the clicked column, on the canvas and for screen readers', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 2);
  const column = (n) => page.$$eval(`[data-testid="process-rows"] tbody tr td:nth-child(${n})`, (cells) => cells.map((c) => c.textContent));
  const pixels = () => page.evaluate(() => document.querySelector('[data-testid="process-rows"]').toDataURL());
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="process-rows"] tbody tr').length > 2, null, { timeout: 10_000 });
  await rendered(page);
  const byCpu = await pixels();
  await page.click('[data-testid="sort-pid"]');
  await page.waitForFunction((before) => document.querySelector('[data-testid="process-rows"]').toDataURL() !== before, byCpu, { timeout: 5_000, polling: 50 });
  const pids = (await column(1)).map(Number);
  assert.deepEqual(pids, [...pids].sort((a, b) => a - b), 'lowest pid first');
  assert.equal(await page.getAttribute('[data-testid="process-rows"] th:nth-child(1)', 'aria-sort'), 'ascending');
  await page.click('[data-testid="sort-name"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="sort-name"]').getAttribute('aria-pressed') === 'true');
  const names = (await column(2)).map((n) => n.toLowerCase());
  assert.deepEqual(names, [...names].sort(), 'names in alphabetical order');
  await page.context().close();
});

test('data updates lay nothing out: LayoutCount stays flat while frames arrive', async () => {
  const page = await openPage(the.browser, `${the.server.url}/`);
  await waitLive(page, 'ws');
  // Settle: history loaded, first paints done, canvases sized.
  await waitFrames(page, (await pulseState(page)).frames + 4);
  await rendered(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const layouts = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'LayoutCount').value;
  const before = await layouts();
  const frames = (await pulseState(page)).frames;
  await waitFrames(page, frames + 8);
  await rendered(page);
  const after = await layouts();
  assert.equal(after - before, 0, `${after - before} layouts during ${(await pulseState(page)).frames - frames} data updates`);
  await page.context().close();
});

test('every network interface and every mount point in the catalogue gets its own live panel', async () => {
  const catalog = await (await fetch(`${the.server.url}/api/v1/series`)).json();
  const instances = (group) => [...new Set(catalog.series.filter((s) => s.group === group).map((s) => s.id.split(':')[1]))];
  const slug = (instance) => instance.replace(/[^A-Za-z0-9.-]/g, '_').replace(/^_+|_+$/g, '') || 'root';
  const wanted = [
    ...instances('network_if').map((i) => `chart-net-${slug(i)}`),
    ...instances('disk_usage').map((i) => `chart-disk_usage-${slug(i)}`),
  ];
  assert.ok(wanted.length > 0, 'the host has interfaces');
  const page = await openPage(the.browser, `${the.server.url}/`, { viewport: { width: 1440, height: 4000 } });
  await waitLive(page, 'ws');
  await waitFrames(page, (await pulseState(page)).frames + 2);
  for (const id of wanted) {
    await page.waitForFunction((id) => {
      const c = document.querySelector(`[data-testid="${id}"]`);
      return c && c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v !== 0);
    }, id, { timeout: 10_000, polling: 100 });
  }
  await page.context().close();
});
