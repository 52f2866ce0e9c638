// The nginx config in the README, run as written (only its listen address and upstream
// changed to this test's): the dashboard must go live over WebSocket behind it, and
// behind the two variants people most often write instead: `Host $host` (which drops
// the port) and no Host line at all with `X-Forwarded-Host` set. The server's origin
// check must see the browser's origin through each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';

import { Nginx } from '../lib/nginx.mjs';
import { ROOT, PulseServer } from '../lib/server.mjs';
import { launchBrowser, openLive } from '../lib/browser.mjs';

let browser;
let server;
let readmeBlock;
before(async () => {
  const readme = await fs.readFile(path.join(ROOT, 'README.md'), 'utf8');
  readmeBlock = readme.match(/```nginx\n([\s\S]*?)```/)?.[1];
  assert.ok(readmeBlock, 'the README has an nginx block');
  browser = await launchBrowser();
  // Through a proxy a hub is reachable from beyond its machine: without users it
  // serves such requests only when it is told it is public and read-only.
  server = await PulseServer.start({ args: ['--interval', '500ms', '--public-read-only'] });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

function configFor(port, hostLine) {
  assert.match(readmeBlock, /listen 80;/);
  assert.match(readmeBlock, /127\.0\.0\.1:8080/);
  assert.match(readmeBlock, /proxy_set_header Host \$http_host;/);
  return readmeBlock
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replace('127.0.0.1:8080', server.address)
    .replace('proxy_set_header Host $http_host;', hostLine);
}

for (const [name, hostLine] of [
  ['as written', 'proxy_set_header Host $http_host;'],
  ['with Host $host, which drops the port', 'proxy_set_header Host $host;'],
  ['with no Host line but X-Forwarded-Host', 'proxy_set_header X-Forwarded-Host $http_host;'],
]) {
  test(`behind the README's nginx config ${name}: live over WebSocket at /pulse/`, async () => {
    const proxy = await Nginx.startWith((port) => configFor(port, hostLine));
    try {
      const page = await openLive(browser, `${proxy.url}/pulse/`, 'ws');
      assert.deepEqual(page.errors, []);
      await page.context().close();
    } finally {
      await proxy.stop();
    }
  });
}
