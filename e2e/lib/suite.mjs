// One pulse-server (sampling this machine) and one headless Chromium shared by
// every test of a file: started before the first test, stopped after the last.
import { after, before } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { PulseServer } from './server.mjs';

/**
 * Registers the file's `before` and `after` hooks and returns the holder they
 * fill: `the.server` and `the.browser` are set once `before` has run.
 */
export function serverAndBrowser(args = ['--interval', '250ms']) {
  const the = {};
  before(async () => {
    the.server = await PulseServer.start({ args });
    the.browser = await launchBrowser();
  });
  after(async () => {
    await the.browser?.close();
    await the.server?.stop();
  });
  return the;
}
