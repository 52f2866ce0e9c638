// A real CPU load fires an alert end to end (issue 17's proof): a hub samples this
// machine with a rule `cpu.total above 90` for 3 s; two busy child processes take
// both cores of a 2-core machine to about 100 %. The receiver in this test checks
// every webhook with the `standardwebhooks` package (the spec's reference library,
// not Pulse's code). With the page open on the hub: the load starts, the firing
// webhook arrives, `/api/v1/alerts` lists the alert firing and the page's CPU legend
// reads above the threshold; the load stops, the resolved webhook arrives and the
// alert is past. The threshold sits well below what two busy processes give (about
// 100 %) and the recovery well above an idle machine, and every wait is an awaited
// event with a generous deadline, so a loaded CI machine only makes it slower.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { launchBrowser, openPage, waitLive } from '../lib/browser.mjs';
import { WebhookReceiver } from '../lib/receiver.mjs';
import { PulseServer } from '../lib/server.mjs';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RULE = 'cpu busy';
const ABOVE = 90;
const RECOVER_BELOW = 60;
// Generous: a busy machine samples late and schedules the load late.
const QUIET_MS = 90_000;
const FIRE_MS = 60_000;
const RESOLVE_MS = 60_000;

let receiver;
let server;
let browser;
let dir;
const load = [];

before(async () => {
  receiver = await WebhookReceiver.start({ secret: SECRET });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-alerts-cpu-'));
  const rules = path.join(dir, 'alerts.toml');
  await fs.writeFile(rules, [
    '[[webhook]]',
    'name = "receiver"',
    `url = "${receiver.url}"`,
    `secret = "${SECRET}"`,
    '',
    '[[rule]]',
    `name = "${RULE}"`,
    'series = "cpu.total"',
    `above = ${ABOVE}.0`,
    'for = "3s"',
    `recover_below = ${RECOVER_BELOW}.0`,
    'severity = "critical"',
    'notify = ["receiver"]',
    '',
  ].join('\n'));
  server = await PulseServer.start({
    args: ['--interval', '1s', '--name', 'cpu-host', '--alerts', rules, '--webhook-allow-private'],
  });
  browser = await launchBrowser();
});

after(async () => {
  for (const child of load) child.kill('SIGKILL');
  await browser?.close();
  await server?.stop();
  await receiver?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Resolves with the first verified notification `match` accepts, awaiting arrivals until `ms`. */
const notification = (match, ms, what) => receiver.waitFor(match, ms, what, server.output);

/** The rule's alerts as `GET /api/v1/alerts` lists them (with the past ones if `history`). */
async function alerts(history = false) {
  const response = await fetch(`${server.url}/api/v1/alerts${history ? '?history=1' : ''}`);
  assert.equal(response.status, 200);
  return (await response.json()).alerts.filter((alert) => alert.rule === RULE);
}

/** Awaits `condition()` (async) to be truthy, asking at most every 250 ms until `ms`. */
async function eventually(condition, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen in ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until the top bar's alert count reads `text` in the `severity` colour. */
async function headerCount(page, text, severity) {
  await page.waitForFunction(([want, colour]) => {
    const count = document.querySelector('[data-testid="alerts-count"]');
    return count && !count.hidden && count.textContent.trim() === want && count.dataset.severity === colour;
  }, [text, severity], { timeout: 15_000 });
}

/** The CPU legend's current value as the page reads it out (`total: now 12.3 %, …`). */
async function pageCpu(page) {
  const label = await page.locator('[data-testid="panel-cpu"] .legend-values').getAttribute('aria-label');
  const match = /total: now (\d+(?:\.\d+)?) %/.exec(label ?? '');
  return match ? Number(match[1]) : null;
}

test('two busy processes fire the CPU alert (webhook, API, page) and it resolves when they stop', async (t) => {
  const page = await openPage(browser, `${server.url}/`);
  await waitLive(page, null, 30_000);

  // A quiet start: the machine below the recovery threshold and nothing firing, so
  // the firing that follows is this load's. Where other work keeps the machine busy
  // for the whole wait, the test cannot tell its own load apart and says so.
  const quiet = await eventually(async () => {
    const cpu = await pageCpu(page);
    return cpu !== null && cpu < RECOVER_BELOW && !(await alerts()).some((a) => a.state === 'firing');
  }, QUIET_MS, 'a quiet machine').catch(() => false);
  if (!quiet) {
    t.skip(`the machine stayed above ${RECOVER_BELOW} % CPU for ${QUIET_MS / 1000} s: this test needs both cores to itself`);
    return;
  }

  const loadStarted = Date.now();
  for (let i = 0; i < 2; i += 1) {
    load.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  }
  const firing = await notification(
    (n) => n.payload?.type === 'alert.firing' && n.payload.data.rule === RULE && Date.parse(n.payload.data.at) >= loadStarted - 1_000,
    FIRE_MS, 'firing webhook',
  );
  assert.equal(firing.payload.data.host, 'cpu-host');
  assert.equal(firing.payload.data.severity, 'critical');
  assert.ok(firing.payload.data.value > ABOVE, `fired on ${firing.payload.data.value}`);
  assert.equal(firing.payload.data.threshold, ABOVE);
  assert.match(firing.id, /^msg_/);
  // `for = "3s"` held it back: the count began at the first busy sample, at most about a
  // second before the load (the page read a quiet sample just before it started).
  assert.ok(Date.parse(firing.payload.data.at) >= loadStarted + 1_000, 'fired before the rule\'s `for` could pass');

  const listed = await eventually(async () => (await alerts()).find((a) => a.state === 'firing'), 10_000, 'the alert firing in /api/v1/alerts');
  assert.equal(listed.host, 'cpu-host');
  assert.equal(listed.severity, 'critical');
  // The page shows the load the alert fired on.
  await eventually(async () => (await pageCpu(page)) > ABOVE, 10_000, `the page's CPU legend above ${ABOVE} %`);
  // The page heard it live: the top bar counts it, in the critical colour.
  await headerCount(page, '1 firing', 'critical');

  for (const child of load) child.kill('SIGKILL');
  const resolved = await notification(
    (n) => n.payload?.type === 'alert.resolved' && n.payload.data.rule === RULE && Date.parse(n.payload.data.at) > Date.parse(firing.payload.data.at),
    RESOLVE_MS, 'resolved webhook',
  );
  assert.ok(resolved.payload.data.value < RECOVER_BELOW, `resolved on ${resolved.payload.data.value}`);
  assert.equal(resolved.payload.data.threshold, RECOVER_BELOW);
  assert.equal(resolved.payload.data.since, firing.payload.data.since);
  assert.notEqual(resolved.id, firing.id);

  await eventually(async () => !(await alerts()).some((a) => a.state === 'firing'), 10_000, 'the alert no longer firing');
  const past = await eventually(
    async () => (await alerts(true)).find((a) => a.until && a.since === Date.parse(firing.payload.data.since)),
    10_000, 'the alert among the past ones',
  );
  assert.equal(past.state, 'resolved');
  // The page follows: nothing firing in the top bar, and the alerts page lists the
  // episode among the past ones.
  await headerCount(page, 'No alerts firing', '');
  const alertsPage = await openPage(browser, `${server.url}/?view=alerts`);
  await alertsPage.waitForFunction((rule) => [...document.querySelectorAll('[data-testid="alert-row"]')]
    .some((row) => row.dataset.state === 'resolved' && row.querySelectorAll('td')[2]?.textContent === rule),
  RULE, { timeout: 15_000 });
  await alertsPage.context().close();

  assert.deepEqual(receiver.deliveries.filter((n) => n.invalid), [], 'every webhook verified');
  await page.context().close();
});
