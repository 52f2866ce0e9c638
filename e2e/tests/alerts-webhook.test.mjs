// A hub's alert webhooks checked by an independent implementation of Standard
// Webhooks: the `standardwebhooks` package (the spec's own reference library), not
// Pulse's code. A real hub with a rule that certainly fires posts to a real HTTP
// receiver on 127.0.0.1; the receiver verifies the signature as any subscriber
// would, and a body changed in transit fails that check.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';

import { WebhookReceiver } from '../lib/receiver.mjs';
import { PulseServer } from '../lib/server.mjs';

// The spec's test secret, as in the example file.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const WAIT_MS = 20_000;

let receiver;
let server;
let dir;

before(async () => {
  receiver = await WebhookReceiver.start();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pulse-e2e-alerts-'));
  const rules = path.join(dir, 'alerts.toml');
  await fs.writeFile(rules, [
    '[[webhook]]',
    'name = "receiver"',
    `url = "${receiver.url}"`,
    `secret = "${SECRET}"`,
    '',
    '[[rule]]',
    'name = "always busy"',
    'series = "cpu.total"',
    'above = -1.0',
    'severity = "critical"',
    'notify = ["receiver"]',
    '',
  ].join('\n'));
  server = await PulseServer.start({
    args: ['--interval', '200ms', '--name', 'webhook-host', '--alerts', rules, '--webhook-allow-private'],
  });
});

after(async () => {
  await server?.stop();
  await receiver?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

test('a firing alert arrives signed as the standardwebhooks library verifies it, and a changed body fails', async () => {
  const { headers, body } = await receiver.waitFor(() => true, WAIT_MS, 'webhook', server.output);
  const signed = WebhookReceiver.signed(headers);
  const payload = new Webhook(SECRET).verify(body, signed);
  assert.equal(payload.type, 'alert.firing');
  assert.equal(payload.data.rule, 'always busy');
  assert.equal(payload.data.host, 'webhook-host');
  assert.equal(payload.data.severity, 'critical');
  assert.match(headers['webhook-id'], /^msg_/);
  assert.throws(() => new Webhook(SECRET).verify(body.replace('always busy', 'never busy'), signed));
  assert.throws(() => new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(body, signed));
});
