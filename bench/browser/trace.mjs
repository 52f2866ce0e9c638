// Where the live page's main-thread time goes: a DevTools trace of N seconds of the
// dashboard at 1 Hz (every panel on screen, as in live-cost.mjs), summed by event
// name as self time (an event's duration less its children's) on the renderer's
// main thread. For finding what to make cheaper; writes nothing but its table.
// Usage: node bench/browser/trace.mjs [--seconds N] [--dpr D]   (default 20 s, DPR 1)
import { launchBrowser, openPage, pulseState, waitFrames, waitLive } from '../../e2e/lib/browser.mjs';
import { PulseServer } from '../../e2e/lib/server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg('--seconds', 20));
const dpr = Number(arg('--dpr', 1));
setTimeout(() => { console.error('trace timed out'); process.exit(1); }, (seconds * 3 + 120) * 1000).unref();

const server = await PulseServer.start({ args: ['--interval', '1s'] });
const browser = await launchBrowser();
try {
  const page = await openPage(browser, 'about:blank', { viewport: { width: 1440, height: 3000 } });
  await page.goto(`${server.url}/`);
  await waitLive(page, 'ws', 20_000);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1440, height: Math.max(3000, height) });
  const cdp = await page.context().newCDPSession(page);
  if (dpr !== 1) await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1440, height: Math.max(3000, height), deviceScaleFactor: dpr, mobile: false });
  await waitFrames(page, (await pulseState(page)).frames + 3, 20_000);

  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'cc', 'gpu', 'skia'] },
    transferMode: 'ReportEvents',
  });
  const frames0 = (await pulseState(page)).frames;
  await page.evaluate((ms) => new Promise((r) => setTimeout(r, ms)), seconds * 1000);
  const updates = (await pulseState(page)).frames - frames0;
  await cdp.send('Tracing.end');
  await done;

  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  onMain.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Self time: walk the nesting with a stack of open events.
  const self = new Map();
  const stack = [];
  for (const e of onMain) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    if (stack.length) stack.at(-1).child += e.dur;
    e.child = 0;
    stack.push(e);
  }
  let tasks = 0;
  for (const e of onMain) {
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') tasks += e.dur;
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur - e.child);
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.log(`${updates} updates in ${seconds} s at DPR ${dpr}; main-thread tasks ${(tasks / 1000 / updates).toFixed(1)} ms per update`);
  console.log('| event (self time) | ms per update |\n|---|---:|');
  for (const [name, us] of rows) console.log(`| ${name} | ${(us / 1000 / updates).toFixed(2)} |`);
  await page.context().close();
} finally {
  await browser.close();
  await server.stop();
}
