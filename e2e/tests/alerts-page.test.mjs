// Live alerts in headless Chromium against a real hub whose rule fires at once on
// the hub's own host (`cpu.total` above -1): the top bar's count and the fleet
// row's badge appear; the count arrives on every transport; the alerts page lists
// the alert and its filters hide and show it; and when the rule is removed from the
// file, the alert clears live, with no reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { PulseServer } from '../lib/server.mjs';
import { launchBrowser, openPage, waitLive } from '../lib/browser.mjs';

const HOST = 'alerts-e2e';
const RULE = [
  '[[rule]]',
  'name = "always busy"',
  'series = "cpu.total"',
  'above = -1.0',
  'severity = "critical"',
  'notify = []',
  '',
].join('\n');
const WAIT = { timeout: 15_000, polling: 50 };

let server;
let browser;
let dir;
let rules;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-alerts-page-'));
  rules = path.join(dir, 'alerts.toml');
  await fs.writeFile(rules, RULE);
  server = await PulseServer.start({ args: ['--interval', '250ms', '--name', HOST, '--alerts', rules] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Waits until the top bar's count reads `text` (and, when given, `severity`). */
async function waitCount(page, text, severity) {
  await page.waitForFunction(([want, colour]) => {
    const count = document.querySelector('[data-testid="alerts-count"]');
    return count && !count.hidden && count.textContent.trim() === want
      && (colour === undefined || count.dataset.severity === colour);
  }, [text, severity], WAIT);
}

/** The alerts page's rows as (state, rule, host), top to bottom. */
async function listed(page) {
  return page.$$eval('[data-testid="alert-row"]', (rows) => rows.map((row) => {
    const cells = row.querySelectorAll('td');
    return `${row.dataset.state} ${cells[2].textContent} ${cells[3].textContent}`;
  }));
}

test('the count in the top bar and the fleet row badge show the firing alert, in the critical colour', async () => {
  const page = await openPage(browser, `${server.url}/?view=fleet`);
  await waitCount(page, '1 firing', 'critical');
  await page.waitForFunction((host) => {
    const row = document.querySelector(`[data-testid="fleet-row"][data-host="${host}"]`);
    const badge = row?.querySelector('[data-testid="fleet-alert"]');
    return badge && !badge.hidden && badge.dataset.severity === 'critical' && badge.textContent.trim() === 'critical';
  }, HOST, WAIT);
  const colour = await page.$eval('[data-testid="alerts-count"]', (el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(colour, 'rgba(0, 0, 0, 0)', 'a critical count is filled with the critical colour');
  const href = await page.$eval('[data-testid="alerts-count"]', (el) => el.getAttribute('href'));
  assert.match(href, /view=alerts/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the alert arrives on every transport', async () => {
  for (const transport of ['ws', 'sse', 'longpoll', 'poll']) {
    const page = await openPage(browser, `${server.url}/?host=${HOST}&transport=${transport}`);
    await waitLive(page, transport);
    await waitCount(page, '1 firing', 'critical');
    assert.deepEqual(page.errors, [], transport);
    await page.context().close();
  }
});

test('the alerts page lists the alert, its filters hide and show it, and it clears live when the rule goes', async () => {
  const page = await openPage(browser, `${server.url}/?view=alerts`);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="alert-row"]')]
    .some((row) => row.dataset.state === 'firing'), null, WAIT);
  assert.deepEqual(await listed(page), [`firing always busy ${HOST}`]);

  await page.selectOption('[data-testid="filter-severity"]', 'warning');
  await page.waitForSelector('[data-testid="alert-row"]', { state: 'detached', timeout: 5_000 });
  assert.equal(await page.isVisible('[data-testid="alerts-empty"]'), true, 'says that nothing matches');
  await page.selectOption('[data-testid="filter-severity"]', 'critical');
  await page.waitForSelector('[data-testid="alert-row"]', { timeout: 5_000 });
  await page.selectOption('[data-testid="filter-rule"]', 'always busy');
  await page.selectOption('[data-testid="filter-host"]', HOST);
  assert.deepEqual(await listed(page), [`firing always busy ${HOST}`]);
  await page.selectOption('[data-testid="filter-severity"]', '');

  // The rules file loses the rule: the hub forgets its state and the page, still
  // open, follows.
  await fs.writeFile(rules, '');
  await waitCount(page, 'No alerts firing', '');
  await page.waitForFunction(() => ![...document.querySelectorAll('[data-testid="alert-row"]')]
    .some((row) => row.dataset.state === 'firing'), null, WAIT);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
