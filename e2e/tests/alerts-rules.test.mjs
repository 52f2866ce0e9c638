// The admin screen's alerts in a real browser against a real hub with a rules
// file: an admin makes a rule in the form (its series picked from the catalogue),
// sees it listed as the UI's, and the rule fires to a real receiver on 127.0.0.1;
// the webhook's "Send a test" posts an `alert.test` that the standardwebhooks
// package verifies and the delivery log shows; the rule is muted, then deleted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';

import { WebhookReceiver } from '../lib/receiver.mjs';
import { PulseServer } from '../lib/server.mjs';
import { launchBrowser, openPage } from '../lib/browser.mjs';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WAIT_MS = 20_000;

let browser;
let receiver;
let server;
let dir;

/** The first request received that `match` accepts (bounded by WAIT_MS). */
const received = (match) => receiver.waitFor(match, WAIT_MS, 'such webhook', server.output);

before(async () => {
  receiver = await WebhookReceiver.start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-rules-'));
  const rules = path.join(dir, 'alerts.toml');
  await fs.writeFile(rules, [
    '[[webhook]]',
    'name = "ops"',
    `url = "${receiver.url}"`,
    `secret = "${SECRET}"`,
    '',
    '[[rule]]',
    'name = "cpu from the file"',
    'series = "cpu.total"',
    'above = 1e12',
    '',
  ].join('\n'));
  browser = await launchBrowser();
  server = await PulseServer.start({
    args: ['--interval', '200ms', '--name', 'rules-host', '--alerts', rules, '--webhook-allow-private'],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const row = (name) => `[data-testid="rule-row"][data-rule="${name}"]`;

test('an admin makes a rule in the admin screen, sees it listed and firing, tests the webhook, mutes and deletes the rule', async () => {
  const page = await openPage(browser, `${server.url}/?view=admin`);
  await page.waitForSelector(row('cpu from the file'), { timeout: 15_000 });
  assert.equal(await page.textContent(`${row('cpu from the file')} [data-source]`), 'file');
  assert.equal(await page.$(`${row('cpu from the file')} [data-testid="rule-delete"]`), null, 'a file rule is not deleted here');

  // The series is picked from the catalogue.
  await page.waitForSelector('[data-testid="rule-series"] option[value="cpu.total"]', { state: 'attached', timeout: 15_000 });
  await page.fill('[data-testid="rule-name"]', 'busy from the ui');
  await page.selectOption('[data-testid="rule-series"]', 'cpu.total');
  await page.fill('[data-testid="rule-threshold"]', '-1');
  await page.fill('[data-testid="rule-for"]', '0');
  await page.selectOption('[data-testid="rule-severity"]', 'critical');
  await page.selectOption('[data-testid="rule-notify"]', 'ops');
  await page.click('[data-testid="rule-save"]');
  await page.waitForSelector(row('busy from the ui'), { timeout: 15_000 });
  assert.equal(await page.textContent(`${row('busy from the ui')} [data-source]`), 'ui');
  assert.match(await page.textContent(row('busy from the ui')), /cpu\.total above -1.*critical/);

  const firing = await received((r) => r.json?.data?.rule === 'busy from the ui');
  assert.equal(firing.json.type, 'alert.firing');

  // A malformed threshold: the hub's answer names the field.
  await page.fill('[data-testid="rule-name"]', 'typo');
  await page.fill('[data-testid="rule-threshold"]', 'high');
  await page.click('[data-testid="rule-save"]');
  await page.waitForFunction(() => /`above`/.test(document.querySelector('[data-testid="alerts-error"]')?.textContent ?? ''));

  // Send a test: signed, verified by the reference library, and in the delivery log.
  await page.click('[data-testid="webhook-test"]');
  await page.waitForFunction(() => /Test queued/.test(document.querySelector('[data-testid="alerts-notice"]')?.textContent ?? ''));
  const tested = await received((r) => r.json?.type === 'alert.test');
  const signed = WebhookReceiver.signed(tested.headers);
  assert.equal(new Webhook(SECRET).verify(tested.body, signed).type, 'alert.test');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="delivery-row"]')]
    .some((tr) => /test/.test(tr.textContent) && tr.querySelector('[data-status="delivered"]')), null, { timeout: 15_000 });

  // Mute for an hour, then delete.
  await page.click(`${row('busy from the ui')} [data-testid="rule-mute-1h"]`);
  await page.waitForFunction((selector) => /until/.test(document.querySelector(selector)?.textContent ?? ''),
    `${row('busy from the ui')} [data-testid="rule-muted"]`);
  assert.ok(await page.$(`${row('busy from the ui')} [data-testid="rule-unmute"]`), 'a muted rule offers unmute');
  await page.click(`${row('busy from the ui')} [data-testid="rule-delete"]`);
  await page.waitForSelector(row('busy from the ui'), { state: 'detached', timeout: 15_000 });
  assert.ok(await page.$(row('cpu from the file')), 'the file rule stays');
  assert.deepEqual(page.errors.filter((e) => !/status of 400/.test(e)), []);
  await page.context().close();
});
