// The page's Content-Security-Policy in a real browser: the built site, served by
// pulse-server, carries the policy (its inline boot script allowed by hash, not by
// 'unsafe-inline'), and the dashboard goes live under it over every transport with
// no violation: no blocked script, WebAssembly, style, image or connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { serverAndBrowser } from '../lib/suite.mjs';
import { pulseState, waitFrames, waitLive } from '../lib/browser.mjs';

const the = serverAndBrowser();

/** The sources of one directive of a policy. */
function directive(policy, name) {
  const found = policy.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  assert.ok(found, `no ${name} in ${policy}`);
  return found.slice(1);
}

for (const transport of ['ws', 'sse', 'longpoll']) {
  test(`the dashboard goes live over ${transport} under the page's policy with no violation`, async () => {
    const context = await the.browser.newContext();
    // Recorded from the very start of the document, before the app's first script.
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
      });
    });
    const page = await context.newPage();
    const cspMessages = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Content-Security-Policy/i.test(message.text())) cspMessages.push(message.text());
    });
    const response = await page.goto(`${the.server.url}/?transport=${transport}`);
    const policy = response.headers()['content-security-policy'] ?? '';
    const scripts = directive(policy, 'script-src');
    assert.ok(scripts.includes("'self'") && scripts.includes("'wasm-unsafe-eval'"), policy);
    assert.ok(scripts.some((s) => s.startsWith("'sha256-")), `the inline boot script is allowed by hash: ${policy}`);
    assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), policy);
    assert.deepEqual(directive(policy, 'frame-ancestors'), ["'none'"]);
    assert.equal(response.headers()['x-content-type-options'], 'nosniff');
    assert.equal(response.headers()['referrer-policy'], 'no-referrer');

    await waitLive(page, transport);
    await waitFrames(page, (await pulseState(page)).frames + 2);
    assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'CSP violations');
    assert.deepEqual(cspMessages, [], 'CSP errors in the console');
    await context.close();
  });
}
